"""The Celery app. Broker and schedule come from settings (see warroom/settings.py)."""

import os

from celery import Celery
from celery.signals import worker_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")

app = Celery("warroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

HEARTBEAT_KEY = "warroom:worker-heartbeat"
HEARTBEAT_EVERY = 15.0  # seconds; /healthz calls the queue down when none arrived for 6 periods


@app.task(name="warroom.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Beat sends it, a worker runs it: proof the whole queue (beat → broker → worker) is moving."""
    from django.core.cache import cache
    from django.utils import timezone

    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)


@worker_ready.connect
def _first_heartbeat(**kwargs) -> None:
    # A worker that just started is proof enough; beat keeps it fresh from here.
    heartbeat()


@worker_init.connect
def _broadcast_from_one_loop(**kwargs) -> None:
    from incidents.live import broadcast

    broadcast.use_private_loop()
