"""`make run`: one process serves the ASGI app and runs the Celery worker and beat in threads.

Only this module starts the in-process worker (never AppConfig.ready). The in-memory channel layer
belongs to the server's event loop, so broadcasts from the worker thread are handed to that loop
(incidents/live/broadcast.py). Queued messages die with the process; due times live in database columns,
so the sweepers catch up on the next start.
"""

import asyncio
import logging
import os
import socket
import threading

log = logging.getLogger("warroom.embedded")


def _start_thread(name: str, target) -> threading.Thread:
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    import django

    django.setup()

    import uvicorn
    from celery.beat import Service as BeatService
    from django.conf import settings

    from incidents.live import broadcast
    from warroom.celery import app as celery_app

    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))

    worker = celery_app.WorkController(
        pool_cls="solo",
        concurrency=1,
        hostname=f"embedded@{socket.gethostname()}",
        without_heartbeat=True,
        without_mingle=True,
        without_gossip=True,
        loglevel="INFO",
    )
    beat = BeatService(app=celery_app, schedule_filename=settings.CELERY_BEAT_SCHEDULE_FILENAME)
    server = uvicorn.Server(
        uvicorn.Config("warroom.asgi:application", host=host, port=port, lifespan="off", log_level="info")
    )

    async def serve() -> None:
        broadcast.set_server_loop(asyncio.get_running_loop())
        try:
            await server.serve()
        finally:
            broadcast.set_server_loop(None)

    _start_thread("celery-worker", worker.start)
    _start_thread("celery-beat", beat.start)
    print(f"\n  Warroom is running at http://{host}:{port}/  (worker and beat inside; Ctrl-C stops all)\n", flush=True)
    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass  # Ctrl-C: uvicorn has shut down cleanly and re-raised the signal
    finally:
        beat.stop()
        worker.stop(in_sighandler=False)
        log.info("stopped")


if __name__ == "__main__":
    main()
