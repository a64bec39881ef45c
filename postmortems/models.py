"""Learning after the incident: the postmortem document, its revisions and its contributing-factor tree.

Only postmortems/actions.py writes these models; action items live in action_items/.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Postmortem(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    incident = models.OneToOneField("incidents.Incident", on_delete=models.CASCADE, related_name="postmortem")
    status = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(default=1, help_text="guards every save against a stale editor")
    markdown = models.TextField(blank=True)
    html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # The review meeting: the deadline comes from the severity, the slot is proposed inside it.
    review_due_at = models.DateTimeField(null=True, blank=True, help_text="latest time for the review meeting")
    review_at = models.DateTimeField(null=True, blank=True, help_text="when the review meeting is planned")
    review_reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="stamped by the sweeper: one reminder per slot"
    )

    class Meta:
        indexes = [models.Index(fields=["status", "review_at"], name="postmortem_status_review_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "published"]), name="postmortem_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Postmortem of INC-{self.incident_id}"

    @property
    def is_published(self) -> bool:
        return self.status == self.State.PUBLISHED


class Revision(models.Model):
    """The text as one save left it: who saved which version when, so any two can be compared."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    markdown = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["postmortem", "version"], name="revision_unique_version")]

    def __str__(self) -> str:
        return f"{self.postmortem} v{self.version}"


class ContributingFactor(models.Model):
    """One node of the contributing-factor tree: a condition, or the trigger, with its sub-factors."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="factors")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    text = models.CharField(max_length=500)
    is_trigger = models.BooleanField(
        default=False, help_text="the event that set things off, kept apart from the conditions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["postmortem"], condition=Q(is_trigger=True), name="factor_one_trigger_per_postmortem"
            ),
        ]

    def __str__(self) -> str:
        return self.text
