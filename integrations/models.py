"""Outbound notification settings and the record of each delivery (so a retry never posts twice)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class SlackWebhook(models.Model):
    """An incoming-webhook URL that receives declare / update / reminder / resolve messages.

    The env variable SLACK_WEBHOOK_URL adds one more without the admin.
    """

    name = models.CharField(max_length=100, help_text="e.g. #incidents")
    url = models.URLField(max_length=500, help_text="https://hooks.slack.com/services/…")
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SlackDelivery(models.Model):
    """One message to one webhook. The task re-reads it; a sent delivery is never posted again."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="slack_deliveries")
    event = models.CharField(max_length=20, help_text="declare, update, reminder, resolve")
    url = models.URLField(max_length=500)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "Slack deliveries"
        constraints = [models.CheckConstraint(condition=Q(state__in=["pending", "sent", "failed"]), name="slack_delivery_state_valid")]

    def __str__(self) -> str:
        return f"{self.event} for INC-{self.incident_id} ({self.state})"
