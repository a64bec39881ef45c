"""Background work of the integrations: ingest deliveries, retry the stuck ones, purge old ones; post to the chats
(Slack, Teams, Mattermost: retried with exponential back-off; the last failure is told to the room); send the
event stream."""

from datetime import timedelta

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.conf import settings

from . import actions, heartbeats, ingest
from .outbound import chat, event_stream, paging


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
    return actions.purge_old_deliveries(timedelta(days=settings.WARROOM["DELIVERY_RETENTION_DAYS"]))


class ChatTask(DjangoTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Called once, after the last retry: record the failure in the room instead of raising anywhere.
        chat.give_up(args[0] if args else kwargs["delivery_id"], error=str(exc))


@shared_task(
    base=ChatTask,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(chat.ChatDeliveryError,),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=False,
    max_retries=settings.SLACK_MAX_RETRIES,
)
def deliver_chat(delivery_id: int) -> None:
    """Post one chat message; safe to run twice (a sent delivery is skipped)."""
    chat.deliver(delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def deliver_event(delivery_id: int) -> None:
    """One attempt at one event delivery; safe to run twice (the row is claimed; a sent one is skipped)."""
    event_stream.deliver(delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_event_deliveries() -> int:
    """Queue every event delivery that is due: retries after their back-off, and any whose task was lost."""
    ids = event_stream.due_deliveries()
    for delivery_id in ids:
        deliver_event.delay(delivery_id)
    return len(ids)


@shared_task(acks_late=True, ignore_result=True)
def sweep_heartbeats() -> tuple[int, int]:
    """The dead-man's switch: declare for senders gone quiet, resolve for those heard again."""
    return heartbeats.sweep()


class PageTask(DjangoTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Called once, after the last retry: the room hears that the page failed.
        page_id = args[0] if args else kwargs["page_id"]
        action = args[1] if len(args) > 1 else kwargs.get("action", "trigger")
        paging.give_up(page_id, action, error=str(exc))


@shared_task(
    base=PageTask,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(paging.PageDeliveryError,),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=False,
    max_retries=settings.PAGING_MAX_RETRIES,
)
def send_page(page_id: int, action: str = "trigger") -> None:
    """Send a page's PagerDuty trigger or resolve; safe to run twice (a sent one is skipped)."""
    paging.send(page_id, action)


@shared_task(acks_late=True, ignore_result=True)
def sweep_pages() -> int:
    """Queue every page trigger or resolve still owed (its task was lost)."""
    due = paging.due_pages()
    for page_id, action in due:
        send_page.delay(page_id, action)
    return len(due)
