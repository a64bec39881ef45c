"""Fixtures the real-service tests share."""

import pytest


@pytest.fixture
def celery_worker_thread(live_app):
    """A real Celery worker (solo pool, in a thread) on the configured broker: Redis or the in-memory one."""
    from celery.contrib.testing.worker import start_worker

    from warroom.celery import app

    app.control.purge()  # earlier tests' leftovers must not run against this database
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        yield
