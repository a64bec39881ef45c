"""What the public status page adds to the room's record: planned maintenance windows, and the subscribers
told about each public update (with one delivery row per notice and subscriber).

Incidents reach the page only through their approved external updates (incidents.models.StatusUpdate);
a maintenance window is public text from the start, written by a responder for customers.
Written only by statuspage/actions.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from incidents.models import Service


class Maintenance(models.Model):
    """A planned window in which some components are expected to be unavailable or degraded."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    title = models.CharField(max_length=200)
    body = models.TextField("public text", help_text="Markdown; customers read it on the status page")
    html = models.TextField(editable=False)
    services = models.ManyToManyField(Service, related_name="maintenances", verbose_name="affected components")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    # When the sweeper actually started and completed it (the window says when it was planned).
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="maintenance_status_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "in_progress", "completed"]), name="maintenance_status_valid"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="maintenance_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class Subscriber(models.Model):
    """Someone told about every public update: an email address (after it confirmed) or a webhook URL.

    An address is personal data: only the address, its components and its confirmation time are kept, and
    unsubscribing deletes the row. No components means all of them.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        WEBHOOK = "webhook", "Webhook"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    email = models.EmailField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    # The webhook's HMAC-SHA256 key: kept to sign each delivery, shown once when the subscriber is added.
    secret = models.CharField(max_length=64, blank=True, editable=False)
    # The capability in the confirm and unsubscribe links.
    token = models.CharField(max_length=64, unique=True, editable=False)
    services = models.ManyToManyField(Service, related_name="status_subscribers", blank=True, verbose_name="components")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["email", "webhook"]), name="subscriber_kind_valid"),
            models.UniqueConstraint(fields=["email"], condition=Q(kind="email"), name="subscriber_unique_email"),
            models.UniqueConstraint(fields=["url"], condition=Q(kind="webhook"), name="subscriber_unique_url"),
        ]

    def __str__(self) -> str:
        return self.email or self.url


class Notice(models.Model):
    """One thing subscribers are told once: an approved external update, or a maintenance window's step."""

    key = models.CharField(max_length=100, unique=True, help_text="update:<id> or maintenance:<id>:<status>")
    subject = models.CharField(max_length=300)
    text = models.TextField()
    payload = models.JSONField(help_text="the webhook body, in Statuspage's shape")
    services = models.ManyToManyField(Service, related_name="+", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """A notice owed to one subscriber: claimed before sending, so each is sent once; retried with back-off."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Given up"

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_state_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["notice", "subscriber"], name="delivery_once_per_subscriber"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sending", "sent", "failed"]), name="delivery_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.subscriber}"
