"""Integrations: webhook endpoints that let alerting systems and CI/CD talk to the war room.

Alerts and deploys arrive at `POST /hooks/<kind>/<token>`; each delivery is stored raw, answered at
once, and ingested by a task (integrations/ingest.py). Alerts are grouped as their sender groups them
(Alertmanager's groupKey, Sentry's issue id, Datadog's cycle key) and matched by fingerprint, so a
repeated delivery changes nothing. Only integrations/ingest.py writes alerts and groups.

Out: chat incoming webhooks (ChatWebhook: Slack, Teams, Mattermost) and the record of each message sent
(ChatDelivery); the event stream
(event_stream.py: WebhookSubscription, EventDelivery and its attempt log) and paging the on-call (paging.py:
PagingTarget, Page), re-exported here.
"""

import hashlib
import re
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, Service, Severity, Visibility

from .event_stream import EVENT_TYPES, EventDelivery, EventDeliveryAttempt, WebhookSubscription, new_signing_secret
from .paging import PAGERDUTY_EVENTS_URL, Page, PageState, PagingKind, PagingTarget

__all__ = [
    "EVENT_TYPES",
    "PAGERDUTY_EVENTS_URL",
    "EventDelivery",
    "EventDeliveryAttempt",
    "Page",
    "PageState",
    "PagingKind",
    "PagingTarget",
    "WebhookSubscription",
    "new_signing_secret",
]


class EndpointKind(models.TextChoices):
    ALERTMANAGER = "alertmanager", "Prometheus Alertmanager"
    GRAFANA = "grafana", "Grafana Alerting"
    SENTRY = "sentry", "Sentry"
    DATADOG = "datadog", "Datadog"
    GENERIC = "generic", "Generic JSON alert"
    DEPLOY = "deploy", "Deploys (GitHub, GitLab, Jenkins, generic)"
    PAGERDUTY = "pagerduty", "PagerDuty Events API v2"
    OPSGENIE = "opsgenie", "Opsgenie alert API"


ALERT_KINDS = [k for k in EndpointKind if k != EndpointKind.DEPLOY]
#: Kinds that speak a vendor's own API at its own path (the secret travels in the body or a header, not the URL).
VENDOR_API_KINDS = {EndpointKind.PAGERDUTY: "/v2/enqueue", EndpointKind.OPSGENIE: "/v2/alerts"}


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class EndpointQuerySet(models.QuerySet):
    def for_token(self, kind: str, raw: str):
        """The active endpoint of this kind behind a URL token, or None. Only the token's hash is stored."""
        if not raw or len(raw) > 200:
            return None
        return self.filter(kind=kind, token_hash=hash_token(raw), active=True).first()


class Endpoint(models.Model):
    """One sender's door into the room: a secret URL, an optional signing secret and routing rules."""

    kind = models.CharField(max_length=20, choices=EndpointKind.choices)
    name = models.CharField(max_length=100, unique=True)
    token_prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    signing_secret = models.CharField(
        max_length=200,
        blank=True,
        help_text="Grafana and Sentry sign with HMAC-SHA256; GitHub with X-Hub-Signature-256; GitLab sends it as "
        "X-Gitlab-Token; others may send X-Warroom-Signature: sha256=<hex>. Empty: the URL token alone authenticates.",
    )
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Service when the payload names none.",
    )
    commander = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Incident Commander of incidents this endpoint declares (until someone takes over).",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # The dead-man's switch: a sender that goes quiet this long declares "Monitoring is blind".
    expect_heartbeat_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Expect a delivery (e.g. Alertmanager's always-firing Watchdog alert) at least this often; "
        "empty: no heartbeat expected.",
    )
    heartbeat_severity = models.CharField(
        max_length=4,
        choices=Severity.choices,
        default=Severity.SEV2,
        help_text="severity of the blind-monitoring incident",
    )
    blind_incident = models.ForeignKey(
        Incident,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="the open “Monitoring is blind” incident of this endpoint",
    )
    # Requests refused at the door (bad signature, not this kind's payload): never stored, so counted here.
    rejected_count = models.PositiveIntegerField(default=0, editable=False)
    last_error = models.CharField(max_length=500, blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def issue_token(self) -> str:
        """Set a new secret and return it; it is shown once (only its hash is kept).

        PagerDuty's routing key and Opsgenie's API key keep the shape those vendors issue (32 hex digits, a UUID),
        so a client that checks the shape takes them.
        """
        if self.kind == EndpointKind.PAGERDUTY:
            raw = secrets.token_hex(16)
        elif self.kind == EndpointKind.OPSGENIE:
            raw = str(uuid.uuid4())
        else:
            raw = "wh_" + secrets.token_urlsafe(24)
        self.token_prefix, self.token_hash = raw[:10], hash_token(raw)
        return raw

    @staticmethod
    def url_for(kind: str, raw_token: str) -> str:
        """Where the sender posts: the secret URL, or the vendor API's path (the secret then goes in the request)."""
        if kind in VENDOR_API_KINDS:
            return settings.SITE_URL + VENDOR_API_KINDS[kind]
        return settings.SITE_URL + reverse("integrations:hook", args=[kind, raw_token])


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One webhook request as it arrived. Kept 30 days for replay and debugging, then purged."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    received_at = models.DateTimeField(default=timezone.now)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True, help_text="the sender's event headers")
    status = models.CharField(max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.RECEIVED)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="failed tries (database or worker trouble)")
    note = models.TextField(blank=True, help_text="what processing did, or why it failed")
    duplicate = models.BooleanField(default=False, help_text="a repeat: processing changed nothing")

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["status", "received_at"], name="delivery_status_received_idx"),
            models.Index(fields=["received_at"], name="delivery_received_idx"),
            models.Index(fields=["endpoint", "received_at"], name="delivery_endpoint_received_idx"),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} to {self.endpoint_id} ({self.status})"


class RuleAction(models.TextChoices):
    DECLARE = "declare", "Declare an incident"
    RECORD = "record", "Only record the alert (attach if an incident holds its service)"


MATCHER_RE = re.compile(r'\s*(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)')


def parse_matchers(text: str) -> list[tuple[str, str, str]]:
    """`severity="critical", service=~"checkout|cart"` → [(label, op, value)], as Alertmanager writes them."""
    text = (text or "").strip()
    matchers, pos = [], 0
    while pos < len(text):
        match = MATCHER_RE.match(text, pos)
        if match is None:
            raise ValidationError(
                f'Cannot read the matchers from “{text[pos:][:40]}”. Write them as label="value", label=~"regex".'
            )
        label, op, value = match.group(1), match.group(2), match.group(3).replace('\\"', '"')
        if op in ("=~", "!~"):
            try:
                re.compile(value)
            except re.error as error:
                raise ValidationError(f"The regular expression for {label} is invalid: {error}.")
        matchers.append((label, op, value))
        pos = match.end()
    return matchers


class RoutingRule(models.Model):
    """Which firing alerts declare an incident, at what severity, for which service, under what title.

    Rules are tried in position order; the first whose matchers all hold decides. Without a match the
    default applies: severity label critical → SEV2, warning → SEV3, anything else is only recorded.
    """

    endpoint = models.ForeignKey(
        Endpoint,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
        help_text="Empty: all endpoints.",
    )
    position = models.PositiveIntegerField(default=100)
    matchers = models.CharField(
        max_length=500, blank=True, help_text='e.g. severity="critical", service=~"checkout|cart". Empty matches all.'
    )
    action = models.CharField(max_length=10, choices=RuleAction.choices, default=RuleAction.DECLARE)
    severity = models.CharField(
        max_length=4, choices=Severity.choices, blank=True, help_text="Empty: from the severity label."
    )
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: from the service label.",
    )
    title_template = models.CharField(
        max_length=200,
        blank=True,
        help_text="e.g. “{alertname} on {service}”: {label} or {annotation} names. Empty: summary or alertname.",
    )
    commander = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visibility = models.CharField(
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.INTERNAL,
        help_text="Private: the incident it declares is seen only by its role holders, invited people, "
        "the owning team's leads and admins (security alerts, say).",
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} when {self.matchers or 'any alert'}"

    def clean(self) -> None:
        try:
            parse_matchers(self.matchers)
        except ValidationError as error:
            raise ValidationError({"matchers": error.messages})


class AlertStatus(models.TextChoices):
    FIRING = "firing", "Firing"
    RESOLVED = "resolved", "Resolved"


class AlertGroup(models.Model):
    """Alerts the sender groups together (Alertmanager groupKey, Sentry issue, Datadog cycle): one incident candidate."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="groups")
    key_hash = models.CharField(max_length=64, help_text="SHA-256 of the sender's group key")
    group_key = models.TextField()
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="alert_groups"
    )
    title = models.CharField(max_length=200, blank=True)
    truncated_alerts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "key_hash"], name="alert_group_unique_key")]

    def __str__(self) -> str:
        return self.title or self.group_key[:60]


class Alert(models.Model):
    """One alert instance: the sender's fingerprint within one firing cycle (its start time or cycle key)."""

    group = models.ForeignKey(AlertGroup, on_delete=models.CASCADE, related_name="alerts")
    fingerprint = models.CharField(max_length=200)
    cycle = models.CharField(
        max_length=100, blank=True, help_text="startsAt or cycle key: a re-fire after resolving is a new alert"
    )
    status = models.CharField(max_length=10, choices=AlertStatus.choices)
    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    labels = models.JSONField(default=dict)
    annotations = models.JSONField(default=dict)
    source_url = models.URLField(max_length=1000, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True, help_text="acknowledged at the source")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "fingerprint", "cycle"], name="alert_unique_fingerprint_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.status}]"


# --- out: chat notifications (Slack, Microsoft Teams, Mattermost) ---------------------------------------------


class ChatKind(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"
    MATTERMOST = "mattermost", "Mattermost"


class ChatWebhook(models.Model):
    """An incoming-webhook URL of a chat (Slack, a Teams Workflows webhook, Mattermost) that receives declare /
    update / reminder / resolve messages and the action-item reminders and digests.

    The env variables SLACK_WEBHOOK_URL, TEAMS_WEBHOOK_URL and MATTERMOST_WEBHOOK_URL add one each without the admin.
    """

    kind = models.CharField(max_length=12, choices=ChatKind.choices, default=ChatKind.SLACK)
    name = models.CharField(max_length=100, help_text="e.g. #incidents")
    url = models.URLField(
        max_length=500,
        help_text="https://hooks.slack.com/services/…, a Teams Workflows “post to a channel when a webhook request is "
        "received” URL, or https://mattermost.example/hooks/…",
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "chat webhook"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class ChatDelivery(models.Model):
    """One message to one chat webhook. The task re-reads it; a sent delivery is never posted again."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="chat_deliveries")
    kind = models.CharField(max_length=12, choices=ChatKind.choices, default=ChatKind.SLACK)
    event = models.CharField(max_length=20, help_text="declare, update, reminder, resolve, action item reminder…")
    url = models.URLField(max_length=500)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "chat deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sent", "failed"]), name="slack_delivery_state_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.get_kind_display()} for INC-{self.incident_id} ({self.state})"
