"""GET /healthz: is each part this process depends on up? 200 when all are, 503 otherwise."""

import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "backend": connection.vendor}


def _channel_layer() -> dict:
    layer = get_channel_layer()
    if layer is None:
        return {"ok": False, "error": "no channel layer configured"}

    async def round_trip():
        channel = await layer.new_channel("healthz.")
        token = uuid.uuid4().hex
        await layer.send(channel, {"type": "healthz", "token": token})
        message = await layer.receive(channel)
        return message.get("token") == token

    ok = async_to_sync(round_trip)()
    return {"ok": ok, "backend": type(layer).__name__}


def _task_queue() -> dict:
    from django.core.cache import cache
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    from warroom.celery import HEARTBEAT_EVERY, HEARTBEAT_KEY, app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        broker = conn.transport.driver_name
    seen = parse_datetime(cache.get(HEARTBEAT_KEY) or "")
    age = (timezone.now() - seen).total_seconds() if seen else None
    report = {"ok": age is not None and age < 6 * HEARTBEAT_EVERY, "broker": broker, "worker_heartbeat_age_s": age}
    if not report["ok"]:
        report["error"] = "No worker heartbeat in the last 90 s: is the Celery worker (and beat) running?"
    return report


CHECKS = {"database": _database, "channel_layer": _channel_layer, "task_queue": _task_queue}


@login_not_required
@never_cache
@require_GET
def healthz(request):
    report = {}
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as error:  # a health check reports every failure; it never raises
            report[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    healthy = all(part["ok"] for part in report.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", **report}, status=200 if healthy else 503)
