"""The Celery app. Broker and schedule come from settings (see warroom/settings.py)."""

import logging
import os

from celery import Celery
from celery.signals import worker_init, worker_ready
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")

app = Celery("warroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

log = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Queue `task` once the current transaction commits; a broker that is down is logged, never raised into
    the committed action. Whatever the task owes is recoverable from the database: a sweeper queues it again."""

    def send():
        try:
            task.delay(*args)
        except Exception:
            log.exception("could not queue %s%r; its sweeper will pick it up", task.name, args)

    transaction.on_commit(send)


HEARTBEAT_KEY = "warroom:worker-heartbeat"
HEARTBEAT_EVERY = 15.0  # seconds; /healthz calls the queue down when none arrived for 6 periods


@app.task(name="warroom.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Beat sends it, a worker runs it: proof the whole queue (beat → broker → worker) is moving."""
    from django.core.cache import cache
    from django.utils import timezone

    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)


@app.task(name="warroom.purge_idempotent_requests", ignore_result=True)
def purge_idempotent_requests() -> int:
    """Answers kept for Idempotency-Key replays expire after 24 hours."""
    from django.utils import timezone

    from .idempotency import KEEP_FOR
    from .models import IdempotentRequest

    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return deleted


@worker_ready.connect
def _first_heartbeat(**kwargs) -> None:
    # A worker that just started is proof enough; beat keeps it fresh from here.
    heartbeat()


@worker_init.connect
def _broadcast_from_one_loop(**kwargs) -> None:
    from incidents.live import broadcast

    broadcast.use_private_loop()
