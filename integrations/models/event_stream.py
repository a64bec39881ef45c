"""The event stream out: outgoing webhook subscriptions and what is owed to each (one row per event and
subscriber), signed per the Standard Webhooks convention and retried with exponential back-off for hours.

Written only by integrations/outbound/event_stream.py (deliveries) and integrations/actions.py (subscriptions).
"""

import base64
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

#: The event types a subscription may ask for (schemas: integrations/schemas/events/v1/<type>.json).
EVENT_TYPES = [
    "incident.declared",
    "incident.status_changed",
    "incident.severity_changed",
    "incident.role_assigned",
    "incident.update_published",
    "incident.resolved",
    "postmortem.published",
    "action_item.created",
    "action_item.updated",
    "action_item.overdue",
]


def new_signing_secret() -> str:
    """`whsec_` + base64 of 24 random bytes, as Standard Webhooks writes secrets."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class WebhookSubscription(models.Model):
    """A URL that receives the events it asked for. Its secret signs every delivery (shown once, at creation)."""

    url = models.URLField(max_length=500)
    events = models.JSONField(help_text='event types, e.g. ["incident.declared", "incident.resolved"]')
    secret = models.CharField(max_length=100, default=new_signing_secret, editable=False)
    description = models.CharField(max_length=200, blank=True)
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description or self.url


class EventDelivery(models.Model):
    """One event owed to one subscription. The row is the promise: the sweeper sends what is due, so a broker
    outage delays a delivery but never loses it. `message_id` is the `webhook-id`, the same on every attempt."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True, help_text="a worker is sending it until then")
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "event deliveries"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="event_delivery_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sent", "failed"]), name="event_delivery_state_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription_id} ({self.state})"


class EventDeliveryAttempt(models.Model):
    """The delivery log: one line per try, with the answer."""

    delivery = models.ForeignKey(EventDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    response_body = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error[:40]} at {self.attempted_at:%Y-%m-%d %H:%M:%S} UTC"
