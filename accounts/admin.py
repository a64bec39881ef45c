"""Admin pages: the audit log (read-only, filterable), SSO identities, and an unlock for locked-out sign-ins."""

from datetime import UTC

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from incidents.models import AuditEvent

from . import actions
from .models import Identity

User = get_user_model()


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Append-only: nobody adds, edits or deletes a line, admins included."""

    list_display = ["when", "action", "actor_name", "address", "incident", "detail"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_name", "address", "action"]
    date_hierarchy = "at"
    list_select_related = ["incident"]
    readonly_fields = ["at", "actor", "actor_name", "action", "incident", "address", "detail"]

    @admin.display(description="at (UTC)", ordering="at")
    def when(self, event):
        return event.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "issuer", "subject", "groups", "last_login_at"]
    search_fields = ["user__username", "subject"]
    list_select_related = ["user"]
    readonly_fields = ["issuer", "subject", "groups", "created_at", "last_login_at"]

    def has_add_permission(self, request):
        return False  # created by the first SSO sign-in


@admin.action(description="Unlock sign-in (clear failed attempts)")
def unlock_sign_in(modeladmin, request, queryset):
    usernames = list(queryset.values_list("username", flat=True))
    cleared = actions.unlock_sign_in(usernames, actor=request.user, request=request)
    messages.success(request, f"Unlocked sign-in for {', '.join(usernames)} ({cleared} lockout records cleared).")


class WarroomUserAdmin(UserAdmin):
    actions = [*UserAdmin.actions, unlock_sign_in]


admin.site.unregister(User)
admin.site.register(User, WarroomUserAdmin)
