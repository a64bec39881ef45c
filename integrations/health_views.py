"""The signal-health page (`/signals/`): per alert or deploy source, its newest delivery, how many deliveries were
accepted, repeats or rejected (last 30 days: deliveries are purged after that), its last error, and whether its
heartbeat is late. Signed-in users reach it from the top bar; it reads everything in one query."""

from datetime import timedelta

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.shortcuts import render
from django.utils import timezone

from .models import Delivery, DeliveryStatus, Endpoint


def sources():
    failed = Delivery.objects.filter(endpoint=OuterRef("pk"), status=DeliveryStatus.FAILED).order_by("-received_at")
    return (
        Endpoint.objects.annotate(
            last_delivery_at=Max("deliveries__received_at"),
            accepted=Count(
                "deliveries", filter=~Q(deliveries__status=DeliveryStatus.FAILED) & Q(deliveries__duplicate=False)
            ),
            duplicates=Count("deliveries", filter=Q(deliveries__duplicate=True)),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            last_failure=Subquery(failed.values("note")[:1]),
            last_failure_at=Subquery(failed.values("received_at")[:1]),
        )
        .select_related("blind_incident")
        .order_by("name")
    )


def row(endpoint: Endpoint, now) -> dict:
    errors = [(endpoint.last_error_at, endpoint.last_error), (endpoint.last_failure_at, endpoint.last_failure)]
    last_error_at, last_error = max((e for e in errors if e[0]), default=(None, ""), key=lambda e: e[0])
    heartbeat_late = bool(
        endpoint.expect_heartbeat_minutes
        and now - (endpoint.last_delivery_at or endpoint.created_at)
        > timedelta(minutes=endpoint.expect_heartbeat_minutes)
    )
    return {
        "endpoint": endpoint,
        "rejected": endpoint.failed + endpoint.rejected_count,
        "last_error": last_error,
        "last_error_at": last_error_at,
        "heartbeat_late": heartbeat_late,
    }


def signal_health(request):
    now = timezone.now()
    return render(request, "integrations/signal_health.html", {"rows": [row(e, now) for e in sources()], "now": now})
