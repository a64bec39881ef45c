"""Action items: the SMART follow-ups an incident leaves behind, and the weekly digest sent to each owner.

Only the actions in action_items/actions/ write these models.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class ExportState(models.TextChoices):
    NONE = "none", "Not exported"
    PENDING = "pending", "Export queued"
    SENDING = "sending", "Exporting"
    EXPORTED = "exported", "In Jira"
    FAILED = "failed", "Export failed"


OPEN_ITEM_STATES = ["open", "in_progress"]


class ActionItemQuerySet(models.QuerySet):
    def still_open(self):
        return self.filter(status__in=OPEN_ITEM_STATES)

    def overdue(self, today=None):
        return self.still_open().filter(due_date__lt=today or timezone.localdate())


class ActionItem(models.Model):
    """A SMART follow-up: verb-first title, one owner, a due date, a type, a done state."""

    class Type(models.TextChoices):
        PREVENT = "prevent", "Prevent"
        DETECT = "detect", "Detect"
        MITIGATE = "mitigate", "Mitigate"
        PROCESS = "process", "Process"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        WONT_DO = "wont_do", "Won't do"

    class Priority(models.TextChoices):
        P1 = "P1", "P1 · Urgent"
        P2 = "P2", "P2 · High"
        P3 = "P3", "P3 · Normal"
        P4 = "P4", "P4 · Low"

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="action_items")
    postmortem = models.ForeignKey(
        "postmortems.Postmortem", null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    source_entry = models.ForeignKey(
        "incidents.TimelineEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="what done looks like")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_items")
    due_date = models.DateField()
    priority = models.CharField(max_length=2, choices=Priority.choices, default=Priority.P3)
    type = models.CharField(max_length=10, choices=Type.choices)
    status = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    wont_do_reason = models.TextField(blank=True)
    external_url = models.URLField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    # Reminders: the day the owner was last reminded; the sweeper claims an item by moving this forward.
    last_reminded_on = models.DateField(null=True, blank=True)

    # Jira export: the state lives here so a failure is shown and retried by the sweeper, never lost.
    export_state = models.CharField(max_length=10, choices=ExportState.choices, default=ExportState.NONE)
    export_error = models.TextField(blank=True)
    export_attempts = models.PositiveIntegerField(default=0)
    export_next_attempt_at = models.DateTimeField(null=True, blank=True)
    export_claimed_at = models.DateTimeField(null=True, blank=True)
    jira_key = models.CharField(max_length=50, blank=True)
    jira_url = models.URLField(max_length=500, blank=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="actionitem_status_due_idx"),
            models.Index(fields=["owner", "status"], name="actionitem_owner_status_idx"),
            models.Index(fields=["incident", "status"], name="actionitem_incident_status_idx"),
            models.Index(fields=["priority", "due_date", "id"], name="actionitem_priority_due_idx"),
            models.Index(fields=["export_state", "export_next_attempt_at"], name="actionitem_export_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="wont_do") | ~Q(wont_do_reason=""), name="actionitem_wont_do_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("action_items:detail", args=[self.pk])

    @property
    def ref(self) -> str:
        return f"AI-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ITEM_STATES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())


class OwnerDigest(models.Model):
    """The weekly digest sent to one owner; the unique (owner, week) row is the claim that makes it once."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField(help_text="Monday of the ISO week the digest covers")
    body = models.TextField()
    open_count = models.PositiveIntegerField(default=0)
    overdue_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_start", "owner_id"]
        constraints = [models.UniqueConstraint(fields=["owner", "week_start"], name="one_digest_per_owner_week")]

    def __str__(self) -> str:
        return f"Digest for {self.owner} week of {self.week_start}"
