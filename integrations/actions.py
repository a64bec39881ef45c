"""Actions on the integrations' own configuration and raw deliveries (alerts and deploys go through ingest)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from incidents.actions import clean_choice
from incidents.actions.timeline import record
from incidents.models import EntryKind, Incident, Severity
from warroom.errors import ActionError

from .models import EVENT_TYPES, Delivery, Endpoint, Page, PagingTarget, WebhookSubscription
from .outbound.targets import UnsafeTarget, check_target


def create_endpoint(
    *,
    kind: str,
    name: str,
    signing_secret: str = "",
    service=None,
    commander=None,
    expect_heartbeat_minutes: int | None = None,
) -> tuple[Endpoint, str]:
    """A new webhook endpoint and its secret token (shown once; only its hash is stored)."""
    endpoint = Endpoint(
        kind=kind,
        name=name,
        signing_secret=signing_secret,
        service=service,
        commander=commander,
        expect_heartbeat_minutes=expect_heartbeat_minutes,
    )
    token = endpoint.issue_token()
    endpoint.save()
    return endpoint, token


def rotate_endpoint_token(endpoint: Endpoint) -> str:
    """Replace the endpoint's token: senders using the old URL are refused from now on."""
    with transaction.atomic():
        token = endpoint.issue_token()
        endpoint.save(update_fields=["token_prefix", "token_hash"])
    return token


def note_rejection(endpoint: Endpoint, reason: str) -> None:
    """A request to a known endpoint was refused at the door (signature, size, payload): count it for signal health."""
    Endpoint.objects.filter(pk=endpoint.pk).update(
        rejected_count=F("rejected_count") + 1, last_error=reason[:500], last_error_at=timezone.now()
    )


def purge_old_deliveries(older_than: timedelta) -> int:
    """Raw deliveries are kept for debugging and replay, then deleted (alerts and deploys stay)."""
    deleted, _ = Delivery.objects.filter(received_at__lt=timezone.now() - older_than).delete()
    return deleted


def create_subscription(*, url: str, events: list[str], created_by=None, description: str = "") -> WebhookSubscription:
    """A new outgoing webhook for these event types; its signing secret is on the returned row (show it once)."""
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ActionError("The url must be an absolute http:// or https:// URL.", "url")
    if len(url) > 500:
        raise ActionError("The url is longer than 500 characters.", "url")
    if not events or not isinstance(events, list):
        raise ActionError(f"Name at least one event type: {', '.join(EVENT_TYPES)}.", "events")
    unknown = [event for event in events if event not in EVENT_TYPES]
    if unknown:
        raise ActionError(
            f"Unknown event types: {', '.join(map(str, unknown))}. Known: {', '.join(EVENT_TYPES)}.", "events"
        )
    try:
        check_target(url)
    except UnsafeTarget as refusal:
        raise ActionError(str(refusal), "url")
    return WebhookSubscription.objects.create(
        url=url, events=list(dict.fromkeys(events)), created_by=created_by, description=description[:200]
    )


def set_heartbeat(endpoint: Endpoint, *, minutes: int | None, severity: str | None = None) -> Endpoint:
    """Expect a delivery from this endpoint at least every `minutes` (None: no longer), at this severity when blind."""
    if minutes is not None and not 1 <= minutes <= 7 * 24 * 60:
        raise ActionError(
            "expect_heartbeat_minutes must be between 1 and 10080 (a week), or null.", "expect_heartbeat_minutes"
        )
    endpoint.expect_heartbeat_minutes = minutes
    fields = ["expect_heartbeat_minutes"]
    if severity is not None:
        endpoint.heartbeat_severity = clean_choice(severity, Severity, field="heartbeat_severity", label="severity")
        fields.append("heartbeat_severity")
    endpoint.save(update_fields=fields)
    return endpoint


def page_on_call(incident: Incident, *, target: PagingTarget, actor) -> Page:
    """Page the on-call through `target`: the timeline says who paged whom; the Page is owed for delivery and the
    the caller queues `tasks.send_page` after commit (the sweeper sends a page whose task was lost)."""

    if target is None:
        raise ActionError("Choose a paging target.", "target")
    try:
        check_target(target.url)
    except UnsafeTarget as refusal:
        raise ActionError(f"{target.name} cannot be paged: {refusal}", "target")
    with transaction.atomic():
        page = Page.objects.create(
            incident=incident,
            target=target if target.pk else None,
            target_name=target.name,
            kind=target.kind,
            url=target.url,
            routing_key=target.routing_key,
            paged_by=actor,
        )
        who = (actor.get_full_name() or actor.get_username()) if actor else "Warroom"
        record(
            incident,
            kind=EntryKind.SYSTEM,
            actor=actor,
            body=f"{who} paged the on-call of {target.pages_for} through {target.get_kind_display()}.",
            metadata={"page": page.pk, "paging_target": target.name, "dedup_key": page.dedup_key},
        )
    return page
