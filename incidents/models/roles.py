"""Who holds which role, for which window of time, and offers of command waiting to be accepted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    COMMANDER = "commander", "Incident Commander"
    TECH_LEAD = "tech_lead", "Tech Lead"
    COMMS_LEAD = "comms_lead", "Communications Lead"
    SCRIBE = "scribe", "Scribe"
    DEPUTY = "deputy", "Deputy IC"


ROLE_INSTRUCTIONS = {
    Role.COMMANDER: [
        "Coordinate; do not debug or change production yourself.",
        "Restore service first: root cause is after-work.",
        "Make and log decisions; keep every role filled (you hold any that is unassigned).",
        "Hand off explicitly after about 4 hours.",
    ],
    Role.TECH_LEAD: [
        "Lead the technical response; the only one changing production.",
        "Assess impact: which services, what share of users, is a core flow down?",
        "Propose the fastest safe fix: flag off, roll back, restart or scale.",
    ],
    Role.COMMS_LEAD: [
        "Post a status update every 15–30 minutes, even to say “still investigating”.",
        "Each update: current status, actions taken, next steps, time of the next update.",
        "External words are facts only, approved before publishing.",
    ],
    Role.SCRIBE: [
        "Keep the timeline complete: findings, decisions, actions, with times.",
        "Capture action items as they come up.",
    ],
    Role.DEPUTY: [
        "Support the IC: track open questions and time-boxes.",
        "Be ready to take over command.",
    ],
}


class RoleAssignment(models.Model):
    """A role held for a window of time: a hand-off relieves one row and opens the next."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=20, choices=Role.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incident_roles")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    relieved_at = models.DateTimeField(null=True, blank=True)
    rotation_prompted_at = models.DateTimeField(
        null=True, blank=True, help_text="when the room suggested an IC rotation"
    )

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "role"], condition=Q(relieved_at__isnull=True), name="one_current_holder_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"


class HandOff(models.Model):
    """An offered role change waiting for the new holder to accept (explicit hand-off, used for the IC)."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="handoffs")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.COMMANDER)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["offered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "role"],
                condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="one_pending_handoff_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident.ref} {self.role} → {self.to_user}"
