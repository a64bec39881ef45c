"""Communicate: structured status updates and the words the public status page uses."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .incident import Incident


class Audience(models.TextChoices):
    INTERNAL = "internal", "Internal"
    EXTERNAL = "external", "External (status page)"


class PublicState(models.TextChoices):
    """Status-page words: what customers read, never the room's internal lifecycle."""

    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"


class ComponentState(models.TextChoices):
    OPERATIONAL = "operational", "Operational"
    DEGRADED = "degraded_performance", "Degraded performance"
    PARTIAL_OUTAGE = "partial_outage", "Partial outage"
    MAJOR_OUTAGE = "major_outage", "Major outage"


class StatusUpdate(models.Model):
    """A structured update: current status, actions taken, next steps, and the time of the next one.

    Internal updates publish at once; external ones are drafts until the IC or the Comms Lead approves.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="status_updates")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    state = models.CharField(max_length=10, choices=State.choices)
    headline = models.CharField(max_length=200, blank=True, help_text="external only: the status page's title")
    public_state = models.CharField(max_length=20, choices=PublicState.choices, blank=True)
    component_state = models.CharField(max_length=30, choices=ComponentState.choices, blank=True)
    status = models.TextField("current status")
    actions = models.TextField("actions taken", blank=True)
    next_steps = models.TextField(blank=True)
    html = models.TextField(editable=False)
    next_update_in_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # The promise this update answered (the incident's due time when it was published) and the one it made.
    answered_due_at = models.DateTimeField(null=True, blank=True)
    next_update_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["incident", "audience", "state"], name="update_incident_audience_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="update_audience_valid"),
            models.CheckConstraint(
                condition=Q(state="draft", published_at__isnull=True)
                | Q(state="published", published_at__isnull=False),
                name="update_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"INC-{self.incident_id} {self.audience} update #{self.pk}"

    @property
    def on_time(self) -> bool | None:
        """Kept its predecessor's promise? None when nothing was promised (the first update, SEV4-5)."""
        if self.published_at is None or self.answered_due_at is None:
            return None
        return self.published_at <= self.answered_due_at
