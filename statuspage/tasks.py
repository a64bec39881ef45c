"""Background work of the status page. Beat runs the sweeper (CELERY_BEAT_SCHEDULE in warroom/settings.py);
due times are the windows' own columns and each step is claimed, so a run twice starts and completes once."""

from celery import shared_task

from . import actions


@shared_task(acks_late=True, ignore_result=True)
def sweep_maintenances() -> dict[str, list[int]]:
    return actions.sweep_maintenances()
