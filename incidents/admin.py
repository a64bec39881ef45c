from django.contrib import admin

from incidents.actions import AuditAction, audit
from incidents.models import (
    ApiToken,
    Incident,
    Mitigation,
    RoleAssignment,
    Service,
    StatusUpdate,
    Team,
    TimelineEntry,
)


class MitigationInline(admin.StackedInline):
    """The service's catalogue of generic mitigations, offered in the room's recovery panel."""

    model = Mitigation
    extra = 0
    fields = [("kind", "title", "position"), ("preconditions", "risk"), "runbook_url"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "team"]
    search_fields = ["name", "slug", "team__name"]
    list_select_related = ["team"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MitigationInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Teams own services; their leads see the team's private incidents. Membership changes are audited."""

    list_display = ["name", "slug", "idp_group"]
    search_fields = ["name", "slug", "idp_group"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members", "leads"]

    def save_related(self, request, form, formsets, change):
        team = form.instance
        before = {role: set(getattr(team, role).values_list("username", flat=True)) for role in ("members", "leads")}
        before = before if change else {"members": set(), "leads": set()}
        super().save_related(request, form, formsets, change)
        for role, was in before.items():
            now = set(getattr(team, role).values_list("username", flat=True))
            for what, users in (("add", now - was), ("remove", was - now)):
                if users:
                    audit(
                        AuditAction.TEAM_MEMBERSHIP,
                        actor=request.user,
                        request=request,
                        team=team.slug,
                        change=what,
                        role=role.removesuffix("s"),
                        users=sorted(users),
                        source="admin",
                    )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RoleAssignmentInline(ReadOnlyInline):
    model = RoleAssignment
    fields = ["role", "user", "assigned_at", "relieved_at", "assigned_by"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """Read-only: incidents change through the room and the API, so every change is on the timeline."""

    list_display = ["ref", "title", "severity", "status", "declared_at", "resolved_at"]
    list_filter = ["severity", "status"]
    search_fields = ["title"]
    inlines = [RoleAssignmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TimelineEntry)
class TimelineEntryAdmin(admin.ModelAdmin):
    list_display = ["incident", "kind", "actor", "occurred_at"]
    list_filter = ["kind"]
    list_select_related = ["incident", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        return False  # tokens are issued with `manage.py issue_api_token`, which shows the secret once


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    """Read-only: updates change only through incidents/comms/actions.py (post, approve)."""

    list_display = ["incident", "audience", "state", "public_state", "author", "published_at"]
    list_filter = ["audience", "state"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
