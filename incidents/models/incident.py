"""The incident itself: severity, lifecycle status, the services it hurts, its clocks.

Written only by the actions in incidents/actions/ (see DESIGN.md, "The spine").
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .changes import Service
from .roles import Role, RoleAssignment


class Severity(models.TextChoices):
    SEV1 = "SEV1", "SEV1 · Critical"
    SEV2 = "SEV2", "SEV2 · Major"
    SEV3 = "SEV3", "SEV3 · Minor"
    SEV4 = "SEV4", "SEV4 · Low"
    SEV5 = "SEV5", "SEV5 · Cosmetic"


SEVERITY_DEFINITIONS = {
    Severity.SEV1: "Core business flow down or most users affected; customers see it. All hands, page executives.",
    Severity.SEV2: "Major degradation: a core feature broken for many users, or data at risk. Declare and staff now.",
    Severity.SEV3: "Partial degradation with a workaround, or a minority of users affected.",
    Severity.SEV4: "Minor issue with little user impact; handle in working hours.",
    Severity.SEV5: "Cosmetic or internal-only; tracked for learning.",
}
MAJOR_SEVERITIES = {Severity.SEV1, Severity.SEV2}


class Status(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MITIGATED = "mitigated", "Mitigated"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"


OPEN_STATUSES = [s for s in Status if s != Status.RESOLVED]


class Visibility(models.TextChoices):
    INTERNAL = "internal", "Internal: every responder may read it"
    PRIVATE = "private", "Private: only its role holders, invited people, the owning team's leads and admins"


class IncidentQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=Status.RESOLVED)

    def resolved(self):
        return self.filter(status=Status.RESOLVED)

    def with_roles(self):
        current = RoleAssignment.objects.filter(relieved_at__isnull=True).select_related("user")
        return self.prefetch_related(models.Prefetch("role_assignments", queryset=current, to_attr="current_roles"))


class Incident(models.Model):
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    summary_html = models.TextField(blank=True, editable=False)
    severity = models.CharField(max_length=4, choices=Severity.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVESTIGATING)
    services = models.ManyToManyField(Service, related_name="incidents", blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL)
    team = models.ForeignKey(
        "incidents.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
        help_text="the owning team; its leads see the incident even when it is private",
    )
    is_drill = models.BooleanField(default=False, help_text="a drill or test incident; left out of insights by default")

    started_at = models.DateTimeField(help_text="When impact began; may precede the declaration.")
    detected_at = models.DateTimeField(null=True, blank=True)
    declared_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    mitigated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Update cadence (incidents/actions/lifecycle.py, incidents/comms/): the promise of the next status update, and the sweeper's claims.
    update_cadence_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="minutes between status updates; empty = the severity's default"
    )
    next_update_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reminded_for_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_for_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_at"]
        indexes = [models.Index(fields=["status", "-declared_at"], name="incident_status_declared_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="incident_severity_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="incident_status_valid"),
            models.CheckConstraint(condition=Q(visibility__in=Visibility.values), name="incident_visibility_valid"),
            models.CheckConstraint(
                condition=Q(update_cadence_minutes__isnull=True)
                | Q(update_cadence_minutes__gte=1, update_cadence_minutes__lte=240),
                name="incident_update_cadence_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:room", args=[self.pk])

    @property
    def ref(self) -> str:
        return f"INC-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != Status.RESOLVED

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE

    @property
    def is_major(self) -> bool:
        return self.severity in MAJOR_SEVERITIES

    def holders(self) -> dict[str, "RoleAssignment"]:
        """Current holders by role; uses the `with_roles()` prefetch when present."""
        current = getattr(self, "current_roles", None)
        if current is None:
            current = self.role_assignments.filter(relieved_at__isnull=True).select_related("user")
        return {a.role: a for a in current}

    @property
    def commander(self):
        holder = self.holders().get(Role.COMMANDER)
        return holder.user if holder else None

    def durations(self, now=None) -> dict[str, timedelta | None]:
        now = now or timezone.now()
        end = self.resolved_at or now
        return {
            "since_start": end - self.started_at,
            "since_declared": end - self.declared_at,
            "to_mitigate": (self.mitigated_at - self.started_at) if self.mitigated_at else None,
            "to_resolve": (self.resolved_at - self.started_at) if self.resolved_at else None,
        }
