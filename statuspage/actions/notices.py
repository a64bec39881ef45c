"""What subscribers are owed: one notice per approved external update and per maintenance step, and one delivery
row per notice and subscriber (unique), claimed with a conditional UPDATE before sending, so a task that runs
twice, or a sweeper racing a worker, sends each exactly once. Failures are retried with back-off, then given up
and kept with their reason (Admin › Status page › Deliveries).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from incidents.models import Audience, StatusUpdate

from .. import public, v2
from ..branding import branding
from ..models import Delivery, Maintenance, Notice, Subscriber

CLAIM_FOR = timedelta(minutes=5)  # a worker that died holding a claim is overtaken after this
RECENT = timedelta(hours=24)  # the sweeper makes the notices a lost task did not, this far back


def max_attempts() -> int:
    return settings.WARROOM.get("STATUS_PAGE_DELIVERY_ATTEMPTS", 6)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... at most an hour."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), timedelta(hours=1))


def _queue(*, key: str, subject: str, text: str, payload: dict, services) -> Notice:
    """The notice under `key` (made once) and a pending delivery for every confirmed subscriber of its components."""
    with transaction.atomic():
        notice, created = Notice.objects.get_or_create(
            key=key, defaults={"subject": subject[:300], "text": text, "payload": payload}
        )
        if created:
            notice.services.set(services)
        wanted = (
            Subscriber.objects.filter(confirmed_at__isnull=False)
            .filter(Q(services=None) | Q(services__in=[s.pk for s in services]))
            .order_by()
            .values_list("pk", flat=True)
            .distinct()
        )
        Delivery.objects.bulk_create(
            [Delivery(notice=notice, subscriber_id=pk) for pk in wanted], ignore_conflicts=True, batch_size=500
        )
    return notice


def webhook_payload(kind: str, body: dict, snapshot: public.Snapshot) -> dict:
    """Statuspage's webhook shape: the page's state and the incident (or maintenance) as the JSON API shows it."""
    brand = branding()
    return {
        "meta": {"documentation": brand.link("api/v2/summary.json"), "generated_at": v2.stamp(timezone.now())},
        "page": {
            "id": brand.page_id,
            "status_indicator": snapshot.indicator,
            "status_description": snapshot.description,
        },
        kind: body,
    }


def notify_update(update_id: int) -> Notice | None:
    """The notice of an approved external update; None for anything customers may not read."""
    update = StatusUpdate.objects.filter(pk=update_id).only("pk", "incident_id", "audience", "state").first()
    if update is None or update.audience != Audience.EXTERNAL or update.state != StatusUpdate.State.PUBLISHED:
        return None
    found = public.load_incidents(where=Q(pk=update.incident_id))
    if not found:
        return None
    incident = found[0]
    said = next(u for u in incident.updates if u.id == update.pk)
    brand = branding()
    snapshot = public.snapshot()
    by_service = {c.service.pk: v2.component_json(c, brand) for c in snapshot.components}
    link = brand.link(f"incidents/{incident.id}/")
    names = ", ".join(s.name for s in incident.services)
    text = (
        f"{said.headline or incident.name}\n{said.state_label} · {said.published_at:%Y-%m-%d %H:%M} UTC"
        f"{' · affects ' + names if names else ''}\n\n{said.text}\n\n{link}"
    )
    return _queue(
        key=f"update:{update.pk}",
        subject=f"[{brand.name}] {said.headline or incident.name}: {said.state_label}",
        text=text,
        payload=webhook_payload("incident", v2.incident_json(incident, by_service, brand), snapshot),
        services=incident.services,
    )


MAINTENANCE_SUBJECTS = {
    Maintenance.Status.SCHEDULED: "Scheduled maintenance",
    Maintenance.Status.IN_PROGRESS: "Maintenance started",
    Maintenance.Status.COMPLETED: "Maintenance completed",
}


def notify_maintenance(window_id: int, step: str) -> Notice | None:
    """The notice that a window was scheduled, started or completed."""
    windows = public.load_maintenances(ids=[window_id])
    if not windows or step not in MAINTENANCE_SUBJECTS:
        return None
    window = windows[0]
    brand = branding()
    snapshot = public.snapshot()
    by_service = {c.service.pk: v2.component_json(c, brand) for c in snapshot.components}
    names = ", ".join(s.name for s in window.services)
    text = (
        f"{window.title}\n{MAINTENANCE_SUBJECTS[step]} · planned {window.starts_at:%Y-%m-%d %H:%M} UTC to "
        f"{window.ends_at:%Y-%m-%d %H:%M} UTC · affects {names}\n\n{window.body}\n\n{brand.link(f'#maintenance-{window.pk}')}"
    )
    return _queue(
        key=f"maintenance:{window.pk}:{step}",
        subject=f"[{brand.name}] {MAINTENANCE_SUBJECTS[step]}: {window.title}",
        text=text,
        payload=webhook_payload("scheduled_maintenance", v2.maintenance_json(window, by_service, brand), snapshot),
        services=window.services,
    )


def missing_notices(now: datetime | None = None) -> dict[str, list]:
    """Updates and maintenance steps of the last day that have no notice yet (their task was lost)."""
    since = (now or timezone.now()) - RECENT
    updates = list(
        public.public_updates().filter(published_at__gte=since).order_by("pk").values_list("pk", flat=True)[:500]
    )
    steps = []
    for window in Maintenance.objects.filter(updated_at__gte=since).only("pk", "status", "created_at"):
        steps.append((window.pk, Maintenance.Status.SCHEDULED))
        if window.status != Maintenance.Status.SCHEDULED:
            steps.append((window.pk, Maintenance.Status.IN_PROGRESS))
        if window.status == Maintenance.Status.COMPLETED:
            steps.append((window.pk, Maintenance.Status.COMPLETED))
    keys = {f"update:{pk}" for pk in updates} | {f"maintenance:{pk}:{step}" for pk, step in steps}
    have = set(Notice.objects.filter(key__in=keys).values_list("key", flat=True))
    return {
        "updates": [pk for pk in updates if f"update:{pk}" not in have],
        "maintenance": [(pk, step) for pk, step in steps if f"maintenance:{pk}:{step}" not in have],
    }


def deliveries_due(now: datetime | None = None, notice_id: int | None = None) -> list[int]:
    """Pending deliveries whose time has come, and claims a dead worker left behind."""
    now = now or timezone.now()
    due = Delivery.objects.filter(
        Q(state=Delivery.State.PENDING, next_attempt_at__lte=now)
        | Q(state=Delivery.State.SENDING, claimed_until__lt=now)
    )
    if notice_id is not None:
        due = due.filter(notice_id=notice_id)
    return list(due.order_by("pk").values_list("pk", flat=True)[:5000])


def claim_delivery(delivery_id: int, now: datetime | None = None) -> Delivery | None:
    """Take a due delivery for sending (one attempt more); None when sent, given up, not due or held by another."""
    now = now or timezone.now()
    claimable = Q(state=Delivery.State.PENDING, next_attempt_at__lte=now) | Q(
        state=Delivery.State.SENDING, claimed_until__lt=now
    )
    claimed = (
        Delivery.objects.filter(claimable, pk=delivery_id)
        .filter(subscriber__confirmed_at__isnull=False)
        .update(state=Delivery.State.SENDING, claimed_until=now + CLAIM_FOR, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    return Delivery.objects.select_related("notice", "subscriber").get(pk=delivery_id)


def finish_delivery(delivery_id: int, *, error: str = "", now: datetime | None = None) -> Delivery:
    """Record an attempt: sent, retried later with back-off, or given up after the last attempt."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        delivery.claimed_until = None
        if not error:
            delivery.state, delivery.sent_at, delivery.last_error = Delivery.State.SENT, now, ""
        elif delivery.attempts >= max_attempts():
            delivery.state, delivery.last_error = Delivery.State.FAILED, error[:2000]
        else:
            delivery.state, delivery.last_error = Delivery.State.PENDING, error[:2000]
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save(update_fields=["state", "sent_at", "last_error", "next_attempt_at", "claimed_until"])
    return delivery
