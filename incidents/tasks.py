"""Background work of the room. Tasks take ids, re-read rows and are safe to run twice."""

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from incidents.comms import reminders
from incidents.restore import sweepers as restore_reminders


@shared_task(acks_late=True, ignore_result=True)
def sweep_update_reminders(now: str | None = None) -> int:
    """Beat, every 30 s: remind every incident whose promised status update is late.

    Reads the `next_update_due_at` column (no countdowns in the broker), so a restart loses nothing;
    each reminder is claimed in the database, so two sweepers or a re-run post it once. `now` (ISO) is
    for tests and replays. Returns the number of reminder entries written.
    """
    moment = datetime.fromisoformat(now) if now else timezone.now()
    return sum(len(reminders.remind_overdue(pk, now=moment)) for pk in reminders.overdue_incident_ids(moment))


@shared_task(acks_late=True, ignore_result=True)
def sweep_restore_reminders() -> int:
    """Beat, every minute: suggest an IC rotation after 4 hours in command; say when a decision's time-box ran out."""
    return restore_reminders.suggest_ic_rotations() + restore_reminders.flag_expired_timeboxes()
