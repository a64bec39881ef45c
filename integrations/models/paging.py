"""Paging the on-call: where a page goes (PagingTarget, admin-managed; PAGING_URL + PAGING_ROUTING_KEY add a default
PagerDuty target from the environment) and each page sent from a room (Page), with its trigger and resolve states.

Written only by integrations/actions.py (a new page) and integrations/outbound/paging.py (its delivery states).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"


class PagingKind(models.TextChoices):
    PAGERDUTY = "pagerduty", "PagerDuty Events API v2"
    WEBHOOK = "webhook", "Generic webhook (JSON)"


class PagingTarget(models.Model):
    """Who a room can page: a PagerDuty service (its Events API v2 routing key) or a generic webhook."""

    name = models.CharField(max_length=100, unique=True, help_text="e.g. Checkout on-call")
    kind = models.CharField(max_length=12, choices=PagingKind.choices, default=PagingKind.PAGERDUTY)
    url = models.URLField(max_length=500, default=PAGERDUTY_EVENTS_URL)
    routing_key = models.CharField(
        max_length=100, blank=True, help_text="the PagerDuty service's Events API v2 integration key"
    )
    service = models.ForeignKey(
        "incidents.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the service whose on-call it pages",
    )
    team = models.ForeignKey(
        "incidents.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the team whose on-call it pages",
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "paging target"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def pages_for(self) -> str:
        """Whose on-call this is, in words: the service, the team, or the target's own name."""
        return str(self.service or self.team or self.name)


class PageState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Page(models.Model):
    """One page sent from a room. Where it goes is copied from its target, so a later edit does not redirect it;
    `state` is the trigger's, `resolve_state` the resolve's (empty until the incident resolves)."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="pages")
    target = models.ForeignKey(PagingTarget, null=True, blank=True, on_delete=models.SET_NULL, related_name="pages")
    target_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=PagingKind.choices)
    url = models.URLField(max_length=500)
    routing_key = models.CharField(max_length=100, blank=True)
    paged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=PageState.choices, default=PageState.PENDING)
    resolve_state = models.CharField(max_length=10, choices=PageState.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    resolve_owed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"page {self.pk} of {self.target_name} for INC-{self.incident_id} ({self.state})"

    @property
    def dedup_key(self) -> str:
        return f"warroom-{self.incident_id}-{self.pk}"
