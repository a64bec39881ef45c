"""Two beats at once, on the real PostgreSQL: the claim in the database lets exactly one reminder through."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from incidents import actions, tasks
from incidents.models import EntryKind, Incident
from tests.conftest import require_services

pytestmark = [pytest.mark.integration, require_services("DATABASE_URL")]


def test_it_posts_one_reminder_when_sweepers_race(transactional_db, alice):
    incident = actions.declare_incident(actor=alice, title="Payments time out", severity="SEV1")
    due = Incident.objects.get(pk=incident.pk).next_update_due_at
    at = (due + timedelta(minutes=30)).isoformat()  # late enough for the reminder and the escalation
    start = threading.Barrier(4)
    written, errors = [], []

    def sweeper():
        try:
            start.wait()
            written.append(tasks.sweep_update_reminders(now=at))
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert sum(written) == 2
    reminders = list(incident.entries.filter(kind=EntryKind.REMINDER).order_by("pk"))
    assert [r.metadata["escalated"] for r in reminders] == [False, True]
