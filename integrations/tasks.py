"""Outbound notification tasks: retried with exponential back-off; the last failure is told to the room."""

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.conf import settings

from . import slack


class SlackTask(DjangoTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Called once, after the last retry: record the failure in the room instead of raising anywhere.
        slack.give_up(args[0] if args else kwargs["delivery_id"], error=str(exc))


@shared_task(
    base=SlackTask,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(slack.SlackDeliveryError,),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=False,
    max_retries=settings.SLACK_MAX_RETRIES,
)
def deliver_slack(delivery_id: int) -> None:
    """Post one Slack message; safe to run twice (a sent delivery is skipped)."""
    slack.deliver(delivery_id)
