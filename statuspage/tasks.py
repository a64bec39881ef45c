"""Background work of the status page: the maintenance sweeper, the notices owed to subscribers and their sending.

Tasks take ids and re-read rows; notices are unique per update or maintenance step and deliveries are claimed
(statuspage/actions/notices.py), so a task run twice sends each notice once per subscriber. Beat runs the
sweepers (CELERY_BEAT_SCHEDULE in warroom/settings.py); what a lost task owed is found again in the database.
"""

from celery import shared_task

from . import actions, senders
from .models import Maintenance, Subscriber

BATCH = 50  # deliveries per task


def send_in_batches(delivery_ids: list[int]) -> int:
    for start in range(0, len(delivery_ids), BATCH):
        send_deliveries.delay(delivery_ids[start : start + BATCH])
    return len(delivery_ids)


@shared_task(acks_late=True, ignore_result=True)
def notify_update(update_id: int) -> int:
    """An approved external update: make its notice and send it to every subscriber of its components."""
    notice = actions.notify_update(update_id)
    return send_in_batches(actions.deliveries_due(notice_id=notice.pk)) if notice else 0


@shared_task(acks_late=True, ignore_result=True)
def notify_maintenance(window_id: int, step: str) -> int:
    notice = actions.notify_maintenance(window_id, step)
    return send_in_batches(actions.deliveries_due(notice_id=notice.pk)) if notice else 0


def announce_maintenance_on_commit(window: Maintenance) -> None:
    """A window was scheduled (and has perhaps begun already): tell subscribers once the transaction commits."""
    notify_maintenance.delay_on_commit(window.pk, Maintenance.Status.SCHEDULED)
    if window.status == Maintenance.Status.IN_PROGRESS:
        notify_maintenance.delay_on_commit(window.pk, Maintenance.Status.IN_PROGRESS)


@shared_task(acks_late=True, ignore_result=True)
def send_deliveries(delivery_ids: list[int]) -> int:
    """Send a batch; each delivery is claimed first, so one a parallel run took is skipped."""
    sent = 0
    for delivery_id in delivery_ids:
        delivery = actions.claim_delivery(delivery_id)
        if delivery is None:
            continue
        try:
            senders.send(delivery)
        except senders.SendError as error:
            actions.finish_delivery(delivery_id, error=str(error))
        else:
            actions.finish_delivery(delivery_id)
            sent += 1
    return sent


@shared_task(acks_late=True, ignore_result=True)
def send_confirmation(subscriber_id: int) -> None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id, confirmed_at__isnull=True).first()
    if subscriber is not None:
        senders.send_confirmation(subscriber)


@shared_task(acks_late=True, ignore_result=True)
def sweep_maintenances() -> dict[str, list[int]]:
    """Start and complete windows on time, and tell subscribers each step."""
    steps = actions.sweep_maintenances()
    for window_id in steps["started"]:
        notify_maintenance.delay(window_id, Maintenance.Status.IN_PROGRESS)
    for window_id in steps["completed"]:
        notify_maintenance.delay(window_id, Maintenance.Status.COMPLETED)
    return steps


@shared_task(acks_late=True, ignore_result=True)
def sweep_notifications() -> int:
    """Make the notices a lost task did not, then send every delivery whose (re)try time has come."""
    missing = actions.missing_notices()
    for update_id in missing["updates"]:
        actions.notify_update(update_id)
    for window_id, step in missing["maintenance"]:
        actions.notify_maintenance(window_id, step)
    return send_in_batches(actions.deliveries_due())
