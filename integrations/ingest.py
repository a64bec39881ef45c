"""Ingest actions: a stored delivery becomes alerts, incidents and deploy records — completely or not at all.

`receive_delivery` stores the raw request; its caller queues `tasks.process_delivery`, which re-reads it,
locks it, and does all its writes in one transaction (a lost task is requeued by the sweeper). Repeats
change nothing: alerts are matched by the sender's fingerprint within a firing cycle, deploys by the
sender's id, and a timeline entry is written only when an alert's state changes.
Resolved alerts never resolve an incident: people do.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from incidents import actions
from incidents.actions import record
from incidents.models import EntryKind, Incident, Service
from warroom.errors import ActionError
from warroom.schema import parse_payload

from . import routing, senders
from .markdown import alert_line, escape
from .models import Alert, AlertGroup, AlertStatus, Delivery, DeliveryStatus, Endpoint, EndpointKind, hash_token
from .senders.events import AlertBatch, AlertEvent, DeployEvent, PayloadError

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
MAX_URL = 500  # Deploy.url
REPEAT = "Repeat, nothing changed: "  # the note of a delivery that only repeated what was known


def receive_delivery(endpoint: Endpoint, body: str, headers: dict[str, str]) -> Delivery:
    """Store a delivery as it arrived; the caller queues `tasks.process_delivery` for it."""
    return Delivery.objects.create(endpoint=endpoint, body=body, headers=headers)


def process_delivery(delivery_id: int) -> str | None:
    """Ingest one delivery in one transaction; safe to run twice (a processed delivery is skipped)."""
    try:
        with transaction.atomic():
            delivery = (
                Delivery.objects.select_for_update(of=("self",))
                .select_related("endpoint")
                .filter(pk=delivery_id)
                .first()
            )
            if delivery is None or delivery.status != DeliveryStatus.RECEIVED:
                return None
            # NUL characters and lone surrogates are dropped, so a stray byte cannot stop a critical alert.
            payload = parse_payload(delivery.body)
            parsed = senders.PARSERS[delivery.endpoint.kind](payload, delivery.headers)
            if delivery.endpoint.kind == EndpointKind.DEPLOY:
                status, note = _ingest_deploys(delivery, parsed)
            else:
                status, note = _ingest_alerts(delivery, parsed)
            delivery.status, delivery.note, delivery.processed_at = status, note, timezone.now()
            delivery.duplicate = status == DeliveryStatus.PROCESSED and note.startswith(REPEAT)
            delivery.save(update_fields=["status", "note", "processed_at", "duplicate"])
            return note
    except (PayloadError, ActionError, ValueError) as error:
        # The delivery itself is wrong (or refused by an action): retrying cannot help.
        _fail(delivery_id, f"{type(error).__name__}: {error}")
        return None
    except Exception as error:
        # Anything else (database down, a bug): nothing was written; the sweeper retries a few times.
        attempts = Delivery.objects.filter(pk=delivery_id).values_list("attempts", flat=True).first() or 0
        if attempts + 1 >= MAX_ATTEMPTS:
            _fail(delivery_id, f"gave up after {MAX_ATTEMPTS} attempts: {type(error).__name__}: {error}")
        else:
            Delivery.objects.filter(pk=delivery_id).update(attempts=attempts + 1)
        raise


def _fail(delivery_id: int, note: str) -> None:
    log.warning("delivery %s failed: %s", delivery_id, note)
    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.RECEIVED).update(
        status=DeliveryStatus.FAILED, note=note[:2000], processed_at=timezone.now()
    )


def reopen_delivery(delivery: Delivery) -> None:
    """Make a failed or ignored delivery waiting again (after fixing a rule or a service name); the caller queues
    `tasks.process_delivery`, and the sweeper picks it up should that task be lost."""
    waiting = {"status": DeliveryStatus.RECEIVED, "attempts": 0, "note": "", "processed_at": None}
    Delivery.objects.filter(pk=delivery.pk).update(**waiting)


# --- deploys -----------------------------------------------------------------------------------------


def _ingest_deploys(delivery: Delivery, events: list[DeployEvent]) -> tuple[str, str]:
    if not events:
        return DeliveryStatus.IGNORED, "Not a successful deploy; nothing to record."
    notes = []
    for event in events:
        service = routing.service_named(event.service) or delivery.endpoint.service
        if service is None:
            raise ActionError(f"No service named “{event.service}”: add it, or set the endpoint's service.")
        deploy = actions.record_deploy(
            service=service,
            version=event.version,
            environment=event.environment,
            deployed_at=event.deployed_at,
            deployed_by=event.deployed_by,
            url=event.url if len(event.url) <= MAX_URL else "",  # a cut URL would lead nowhere
            source=event.source,
            external_id=event.external_id,
        )
        notes.append(f"deploy {deploy.pk}: {service.slug} {event.version}")
    return DeliveryStatus.PROCESSED, "; ".join(notes)


# --- alerts ----------------------------------------------------------------------------------------


def _ingest_alerts(delivery: Delivery, batch: AlertBatch) -> tuple[str, str]:
    if not batch.events:
        return DeliveryStatus.IGNORED, "No alerts in this delivery."
    by_group: dict[str, list[AlertEvent]] = defaultdict(list)
    for event in batch.events:
        by_group[event.group_key].append(event)
    notes, changed = [], False
    for key, events in by_group.items():
        group = _locked_group(delivery.endpoint, key, events)
        if group.truncated_alerts != batch.truncated:
            group.truncated_alerts = batch.truncated
            group.save(update_fields=["truncated_alerts", "updated_at"])
        acknowledged: list[Alert] = []
        if all(event.keyed for event in events):
            fired, resolved, acknowledged = _apply_keyed(group, events)
        else:
            fired, resolved = _apply(group, events)
        changed = changed or bool(fired or resolved or acknowledged)
        incident = _incident_for(group, fired, delivery) if fired else group.incident
        if incident is not None:
            _record_arrivals(incident, group, fired, resolved, delivery)
            if acknowledged:
                _record_acknowledged(incident, group, acknowledged, delivery)
        notes.append(
            f"group {group.pk}: {len(fired)} firing, {len(resolved)} resolved"
            + (f", {len(acknowledged)} acknowledged" if acknowledged else "")
            + (f" → {incident.ref}" if incident else "")
        )
    return DeliveryStatus.PROCESSED, ("" if changed else REPEAT) + "; ".join(notes)


def _locked_group(endpoint: Endpoint, key: str, events: list[AlertEvent]) -> AlertGroup:
    # get_or_create survives a concurrent insert of the same group; the row lock then serialises
    # every delivery of one group, so two workers never both declare for it.
    group, _ = AlertGroup.objects.get_or_create(
        endpoint=endpoint, key_hash=hash_token(key), defaults={"group_key": key, "title": events[0].name[:200]}
    )
    return AlertGroup.objects.select_for_update(of=("self",)).select_related("incident").get(pk=group.pk)


def _apply(group: AlertGroup, events: list[AlertEvent]) -> tuple[list[Alert], list[Alert]]:
    """Upsert the group's alerts; return those that started firing and those that stopped, in this delivery."""
    now = timezone.now()
    known = {(a.fingerprint, a.cycle): a for a in group.alerts.all()}
    fired, resolved, seen = [], [], []
    for event in events:
        alert = known.get((event.fingerprint, event.cycle))
        if alert is None and not event.firing:
            # A resolve that does not repeat the start time still closes that fingerprint's open alert.
            alert = next(
                (a for a in known.values() if a.fingerprint == event.fingerprint and a.status == AlertStatus.FIRING),
                None,
            )
        if alert is None:
            alert = Alert.objects.create(
                group=group,
                fingerprint=event.fingerprint,
                cycle=event.cycle,
                status=event.status,
                name=event.name[:200],
                summary=event.summary,
                labels=event.labels,
                annotations=event.annotations,
                source_url=event.source_url,
                starts_at=event.starts_at,
                ends_at=event.ends_at if not event.firing else None,
                first_seen_at=now,
                last_seen_at=now,
            )
            known[(alert.fingerprint, alert.cycle)] = alert
            if event.firing:
                fired.append(alert)
        elif alert.status == AlertStatus.FIRING and not event.firing:
            alert.status, alert.ends_at, alert.last_seen_at = AlertStatus.RESOLVED, event.ends_at or now, now
            alert.save(update_fields=["status", "ends_at", "last_seen_at"])
            resolved.append(alert)
        else:
            # A repeat, or a late firing copy of an alert already resolved in this cycle: nothing new.
            seen.append(alert.pk)
    if seen:
        Alert.objects.filter(pk__in=seen).update(last_seen_at=now)
    return fired, resolved


def _apply_keyed(group: AlertGroup, events: list[AlertEvent]) -> tuple[list[Alert], list[Alert], list[Alert]]:
    """Alerts identified by the sender's dedup key alone (PagerDuty, Opsgenie): a trigger for an open key is a
    repeat, one for a resolved or unknown key starts a new alert; acknowledge and resolve act on the open one and
    are repeats once done. Returns the alerts that started firing, stopped, and were acknowledged."""
    now = timezone.now()
    open_alerts = {a.fingerprint: a for a in group.alerts.filter(status=AlertStatus.FIRING)}
    fired, resolved, acknowledged, seen = [], [], [], []
    for event in events:
        alert = open_alerts.get(event.fingerprint)
        if event.firing and alert is None:
            alert = Alert.objects.create(
                group=group,
                fingerprint=event.fingerprint,
                cycle=now.isoformat(),  # a new firing cycle of this key
                status=AlertStatus.FIRING,
                name=event.name[:200],
                summary=event.summary,
                labels=event.labels,
                annotations=event.annotations,
                source_url=event.source_url,
                starts_at=min(event.starts_at or now, now),
                first_seen_at=now,
                last_seen_at=now,
            )
            open_alerts[alert.fingerprint] = alert
            fired.append(alert)
        elif alert is None:
            continue  # acknowledging or resolving what is not open: nothing to do, as PagerDuty does
        elif event.status == AlertStatus.RESOLVED:
            alert.status, alert.ends_at, alert.last_seen_at = AlertStatus.RESOLVED, now, now
            alert.save(update_fields=["status", "ends_at", "last_seen_at"])
            del open_alerts[alert.fingerprint]
            resolved.append(alert)
        elif not event.firing and alert.acknowledged_at is None:
            alert.acknowledged_at = alert.last_seen_at = now
            alert.save(update_fields=["acknowledged_at", "last_seen_at"])
            acknowledged.append(alert)
        else:
            seen.append(alert.pk)
    if seen:
        Alert.objects.filter(pk__in=seen).update(last_seen_at=now)
    return fired, resolved, acknowledged


def _incident_for(group: AlertGroup, fired: list[Alert], delivery: Delivery) -> Incident | None:
    """The open incident that holds this group or its service; or a new one when routing says declare."""
    if group.incident is not None and group.incident.is_open:
        return group.incident
    first = fired[0]
    route = routing.route(delivery.endpoint, first.labels, first.annotations)
    incident = None
    if route.service is not None:
        # Lock the service: two groups of one service arriving together must not both declare.
        Service.objects.select_for_update().filter(pk=route.service.pk).first()
        incident = Incident.objects.open().filter(services=route.service).order_by("-declared_at").first()
    if incident is None and route.declare:
        if route.commander is None:
            raise ActionError(
                f"Endpoint “{delivery.endpoint.name}” has no commander for the incidents it declares: set one in the admin."
            )
        now = timezone.now()
        started = min((a.starts_at for a in fired if a.starts_at), default=now)
        incident = actions.declare_incident(
            actor=None,
            commander=route.commander,
            title=route.title,
            severity=route.severity,
            services=[route.service] if route.service else [],
            started_at=min(started, now),
            detected_at=now,
            visibility=route.visibility,
        )
    if incident is not None:
        group.incident = incident
        group.save(update_fields=["incident", "updated_at"])
    return incident


def _record_arrivals(
    incident: Incident, group: AlertGroup, fired: list[Alert], resolved: list[Alert], delivery: Delivery
) -> None:
    source = delivery.endpoint.name
    meta = {"delivery": delivery.pk, "group": group.pk}
    if fired:
        noun = "alert is" if len(fired) == 1 else "alerts are"
        body = f"{len(fired)} {noun} firing, from {escape(source)}:\n\n" + "\n".join(alert_line(a) for a in fired)
        if group.truncated_alerts:
            body += f"\n\n{group.truncated_alerts} more alerts of this group were not sent."
        record(incident, kind=EntryKind.ALERT, body=body, metadata={**meta, "firing": [a.pk for a in fired]})
    if resolved:
        noun = "alert" if len(resolved) == 1 else "alerts"
        body = f"{len(resolved)} {noun} resolved at the source, {escape(source)}:\n\n" + "\n".join(
            alert_line(a) for a in resolved
        )
        record(incident, kind=EntryKind.ALERT, body=body, metadata={**meta, "resolved": [a.pk for a in resolved]})
        if not Alert.objects.filter(group__incident=incident, status=AlertStatus.FIRING).exists():
            record(
                incident,
                kind=EntryKind.ALERT,
                body="All alerts of this incident resolved. The incident stays open until someone resolves it.",
                metadata={**meta, "all_resolved": True},
            )


def _record_acknowledged(incident: Incident, group: AlertGroup, alerts: list[Alert], delivery: Delivery) -> None:
    noun = "alert" if len(alerts) == 1 else "alerts"
    body = f"{len(alerts)} {noun} acknowledged at the source, {escape(delivery.endpoint.name)}:\n\n" + "\n".join(
        alert_line(a) for a in alerts
    )
    meta = {"delivery": delivery.pk, "group": group.pk, "acknowledged": [a.pk for a in alerts]}
    record(incident, kind=EntryKind.ALERT, body=body, metadata=meta)


def stuck_deliveries(older_than: timedelta = timedelta(minutes=1)):
    """Deliveries still waiting after a minute: their queued task was lost (a restart) or failed transiently."""
    return Delivery.objects.filter(status=DeliveryStatus.RECEIVED, received_at__lt=timezone.now() - older_than)
