"""The record: one append-only line per change, the audit log, the live feed and the postmortem source."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .incident import Incident


class EntryKind(models.TextChoices):
    NOTE = "note", "Note"
    FINDING = "finding", "Finding"
    DECISION = "decision", "Decision"
    ACTION = "action", "Action"
    # Written by the system, never chosen in the composer.
    DECLARED = "declared", "Declared"
    ROLE = "role", "Role change"
    STATUS = "status", "Status change"
    SEVERITY = "severity", "Severity change"
    SUMMARY = "summary", "Summary change"
    REMINDER = "reminder", "Reminder"
    UPDATE = "update", "Status update"
    ALERT = "alert", "Alert"
    DEPLOY = "deploy", "Deploy"
    SYSTEM = "system", "System"
    # The restore stage (incidents/restore/) and the hand-off of command.
    IMPACT = "impact", "Impact assessment"
    THEORY = "theory", "Theory"
    BRIEFING = "briefing", "Hand-off briefing"
    LIFECYCLE = "lifecycle", "Timestamp correction"
    POSTMORTEM = "postmortem", "Postmortem"
    ACTION_ITEM = "action_item", "Action item"
    ACCESS = "access", "Access change"


POSTABLE_KINDS = [EntryKind.NOTE, EntryKind.FINDING, EntryKind.DECISION, EntryKind.ACTION]


class TimelineEntry(models.Model):
    """One line of the record. Append-only: the audit log, the live feed and the postmortem source."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    html = models.TextField(editable=False)
    occurred_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "timeline entries"
        indexes = [models.Index(fields=["incident", "id"], name="entry_incident_id_idx")]

    def __str__(self) -> str:
        return f"{self.incident_id}#{self.pk} {self.kind}"

    @property
    def is_system(self) -> bool:
        return self.kind not in POSTABLE_KINDS
