"""The event stream out: what each subscriber is owed, signed per Standard Webhooks, sent with back-off.

`emit` writes one EventDelivery per subscriber inside the action's transaction and queues `deliver` after commit;
the sweeper (`due_deliveries`, run by beat) sends whatever is due, so a lost task or a broker outage delays a
delivery but never loses it. `deliver` claims the row with a conditional UPDATE (one sender at a time), posts,
logs the attempt and either settles the row or moves `next_attempt_at` out: 30 s, 1, 2, 4 … minutes, at most an
hour apart, for about nine hours (MAX_ATTEMPTS), then gives up. Sending never blocks an action.

Signature (https://www.standardwebhooks.com): `webhook-id` (the message id, the same on every attempt),
`webhook-timestamp` (seconds), `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed
with the base64-decoded part of the subscription's `whsec_…` secret.
"""

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..event_payloads import envelope
from ..models import EventDelivery, EventDeliveryAttempt, WebhookSubscription
from .targets import UnsafeTarget, post_json

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 16
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
TIMEOUT_SECONDS = 10.0
CLAIM_SECONDS = 60  # longer than one attempt can take; a crashed sender's claim lapses after it


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 30 s doubled each time, at most an hour."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS))


def new_message_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value for one attempt."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def subscribers(event_type: str) -> list[WebhookSubscription]:
    # Filtered in Python: a JSON "contains" lookup is not portable to SQLite, and subscriptions are few.
    return [s for s in WebhookSubscription.objects.filter(enabled=True) if event_type in s.events]


def emit(event_type: str, build) -> list[EventDelivery]:
    """Owe `event_type` to every subscriber; `build()` makes the payload's data, only when someone listens.

    Called inside the action's transaction; the deliveries are sent after commit (or by the sweeper)."""
    listening = subscribers(event_type)
    if not listening:
        return []
    data = build()
    if data is None:
        return []
    deliveries = []
    for subscription in listening:
        message_id = new_message_id()
        deliveries.append(
            EventDelivery.objects.create(
                subscription=subscription,
                message_id=message_id,
                event_type=event_type,
                payload=envelope(event_type, message_id, data),
            )
        )
    return deliveries


def claim(delivery_id: int) -> EventDelivery | None:
    """The due, unclaimed delivery, now claimed by this caller; None when it is not due or another has it."""
    now = timezone.now()
    claimed = (
        EventDelivery.objects.filter(pk=delivery_id, state=EventDelivery.State.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    if not claimed:
        return None
    return EventDelivery.objects.select_related("subscription").get(pk=delivery_id)


def deliver(delivery_id: int) -> str | None:
    """One attempt at a due delivery; returns its new state (None: not due, or another sender holds it)."""
    delivery = claim(delivery_id)
    if delivery is None:
        return None
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(delivery.subscription.secret, delivery.message_id, timestamp, body),
    }
    started = time.monotonic()
    status, answer, error = None, "", ""
    try:
        status, answer = post_json(delivery.subscription.url, body, headers, TIMEOUT_SECONDS)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except UnsafeTarget as refusal:
        error = str(refusal)
    except OSError as failure:
        error = f"no connection: {getattr(failure, 'reason', failure)}"
    return _settle(delivery, status, answer, error, int((time.monotonic() - started) * 1000))


def _settle(delivery: EventDelivery, status: int | None, answer: str, error: str, duration_ms: int) -> str:
    now = timezone.now()
    attempts = delivery.attempts + 1
    with transaction.atomic():
        EventDeliveryAttempt.objects.create(
            delivery=delivery, status_code=status, error=error[:500], response_body=answer, duration_ms=duration_ms
        )
        fields = {"attempts": attempts, "last_status_code": status, "last_error": error[:500], "claimed_until": None}
        if not error:
            fields.update(state=EventDelivery.State.SENT, delivered_at=now)
        elif attempts >= MAX_ATTEMPTS:
            fields.update(state=EventDelivery.State.FAILED)
            log.warning("event delivery %s gave up after %s attempts: %s", delivery.pk, attempts, error)
        else:
            fields.update(next_attempt_at=now + retry_delay(attempts))
        EventDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return fields.get("state", EventDelivery.State.PENDING)


def due_deliveries(limit: int = 200) -> list[int]:
    """Pending deliveries whose time has come and that no sender holds: the sweeper sends these."""
    now = timezone.now()
    return list(
        EventDelivery.objects.filter(state=EventDelivery.State.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def replay(delivery: EventDelivery) -> None:
    """Send a delivery again from the admin (sent or given up): due now, with a fresh run of attempts. Its
    webhook-id stays, so a subscriber that already handled it can tell; the caller queues `tasks.deliver_event`."""
    EventDelivery.objects.filter(pk=delivery.pk).update(
        state=EventDelivery.State.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_until=None
    )
