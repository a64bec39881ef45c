"""Background work of the integrations: ingest deliveries, retry the stuck ones, purge old ones."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import ingest
from .models import Delivery


@shared_task(acks_late=True, ignore_result=True)
def process_delivery(delivery_id: int) -> None:
    """Ingest one stored webhook delivery (idempotent: a processed delivery is skipped)."""
    ingest.process_delivery(delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def requeue_stuck_deliveries() -> int:
    """Deliveries whose task was lost (restart of the embedded worker) or hit a transient error get another go."""
    ids = list(ingest.stuck_deliveries().values_list("pk", flat=True)[:500])
    for delivery_id in ids:
        process_delivery.delay(delivery_id)
    return len(ids)


@shared_task(acks_late=True, ignore_result=True)
def purge_old_deliveries() -> int:
    """Raw deliveries are kept for debugging and replay, then deleted (alerts and deploys stay)."""
    cutoff = timezone.now() - timedelta(days=settings.WARROOM["DELIVERY_RETENTION_DAYS"])
    deleted, _ = Delivery.objects.filter(received_at__lt=cutoff).delete()
    return deleted
