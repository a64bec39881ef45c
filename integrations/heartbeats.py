"""The dead-man's switch: an endpoint that expects a heartbeat (any delivery, e.g. Alertmanager's always-firing
`Watchdog` alert) at least every N minutes declares "Monitoring is blind: no heartbeat from <source> since <time>"
when it goes quiet, and resolves that incident when deliveries return. The most dangerous outage sends no alert.

The sweeper (`tasks.sweep_heartbeats`, run by beat every minute) reads the endpoint's newest delivery; each
declaration or resolution holds the endpoint's row lock and checks `blind_incident` first, so a sweeper run twice
declares once. An incident people resolved while the sender is still quiet stays resolved until it speaks again.
These are the integrations app's actions for the switch.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from incidents import actions
from incidents.models import Incident, Status

from .models import Endpoint
from .routing import fallback_commander

BLIND_TITLE = "Monitoring is blind: no heartbeat from {source} since {since:%Y-%m-%d %H:%M} UTC"


def watched_endpoints():
    """Active endpoints that expect a heartbeat, with the time of their newest delivery (`last_delivery_at`)."""
    return (
        Endpoint.objects.filter(active=True, expect_heartbeat_minutes__isnull=False)
        .annotate(last_delivery_at=Max("deliveries__received_at"))
        .select_related("blind_incident", "commander")
        .order_by("pk")
    )


def sweep(now: datetime | None = None) -> tuple[int, int]:
    """Declare for every endpoint gone quiet, resolve for every one heard again; returns (declared, resolved)."""
    now = now or timezone.now()
    declared = resolved = 0
    for endpoint in watched_endpoints():
        last = endpoint.last_delivery_at or endpoint.created_at
        quiet = now - last > timedelta(minutes=endpoint.expect_heartbeat_minutes)
        if quiet and endpoint.blind_incident_id is None:
            declared += declare_blind(endpoint.pk, since=last)
        elif not quiet and endpoint.blind_incident_id is not None:
            resolved += clear_blind(endpoint.pk, heard_at=last)
    return declared, resolved


def declare_blind(endpoint_id: int, *, since: datetime) -> bool:
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id, blind_incident__isnull=True).first()
        if endpoint is None:
            return False  # another sweeper declared it
        commander = endpoint.commander or fallback_commander()
        if commander is None:
            return False  # nobody could command it; the signal-health page shows the source as quiet regardless
        incident = actions.declare_incident(
            actor=None,
            commander=commander,
            title=BLIND_TITLE.format(source=endpoint.name, since=since)[:200],
            severity=endpoint.heartbeat_severity,
            services=[endpoint.service] if endpoint.service else [],
            summary=(
                f"The endpoint “{endpoint.name}” expects a delivery every {endpoint.expect_heartbeat_minutes} minutes "
                f"and has sent none since {since:%Y-%m-%d %H:%M} UTC. Alerts from it may be missing: check the sender "
                f"and the network between it and Warroom. This incident resolves itself when deliveries return."
            ),
            started_at=since,
            detected_at=timezone.now(),
        )
        endpoint.blind_incident = incident
        endpoint.save(update_fields=["blind_incident"])
    return True


def clear_blind(endpoint_id: int, *, heard_at: datetime) -> bool:
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id).first()
        if endpoint is None or endpoint.blind_incident_id is None:
            return False
        incident = Incident.objects.get(pk=endpoint.blind_incident_id)
        if incident.status != Status.RESOLVED:
            actions.resolve(
                incident,
                actor=None,
                note=f"Heartbeats from {endpoint.name} are back (a delivery at {heard_at:%Y-%m-%d %H:%M:%S} UTC).",
            )
        endpoint.blind_incident = None
        endpoint.save(update_fields=["blind_incident"])
    return True
