"""The reminder sweeper for real: `celery beat` and `celery worker` processes on Redis and PostgreSQL."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from incidents import actions
from incidents.models import EntryKind, Incident
from tests.conftest import require_services
from tests.services.test_run_modes import stop, wait_for
from warroom.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def test_it_registers_the_sweeper_with_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["update-reminders"]
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] <= 60  # a late update is noticed within a minute


def _test_database_url(db: dict) -> str:
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@require_services("DATABASE_URL", "REDIS_URL")
def test_it_posts_the_reminder_from_real_beat_and_worker_processes(transactional_db, alice, settings, tmp_path):
    incident = actions.declare_incident(actor=alice, title="Payments time out", severity="SEV1")
    Incident.objects.filter(pk=incident.pk).update(next_update_due_at=timezone.now() - timedelta(minutes=1))
    env = {**os.environ, "DATABASE_URL": _test_database_url(settings.DATABASES["default"])}
    celery = [sys.executable, "-m", "celery", "-A", "warroom"]
    quiet = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    worker = subprocess.Popen(
        [*celery, "worker", "--pool=solo", "--loglevel=WARNING", "-n", f"reminders-{os.getpid()}@%h"], **quiet
    )
    beat = subprocess.Popen([*celery, "beat", "--loglevel=WARNING", f"--schedule={tmp_path / 'beat'}"], **quiet)
    try:
        reminder = wait_for(
            lambda: incident.entries.filter(kind=EntryKind.REMINDER).first(),
            timeout=120,
            what="a reminder from the beat sweeper",
        )
    finally:
        stop(beat)
        stop(worker)
    assert reminder.metadata["to"] == "alice" and reminder.metadata["escalated"] is False
    assert incident.entries.filter(kind=EntryKind.REMINDER).count() == 1
    assert Incident.objects.get(pk=incident.pk).reminded_for_due_at is not None
