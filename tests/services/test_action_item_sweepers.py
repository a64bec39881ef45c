"""Two sweepers racing on the real PostgreSQL still remind once per item per day, send one digest per
owner per week and create one Jira issue per item: the claims are conditional UPDATEs and unique rows."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from action_items import actions as item_actions
from action_items import tasks
from action_items.actions import follow_up
from action_items.models import ActionItem, OwnerDigest
from incidents import actions
from incidents.models import EntryKind, TimelineEntry
from tests.action_items.conftest import GOOD
from tests.action_items.jira_server import FakeJira
from tests.conftest import require_services

pytestmark = [pytest.mark.integration, require_services("DATABASE_URL")]
TODAY = timezone.localdate()


def race(target, *args, workers=2):
    """Run `target` in several threads released together; each thread has its own database connection."""
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(target(*args))
        except Exception as error:  # reported below, so a failing thread fails the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


@pytest.fixture
def overdue_items(transactional_db, alice, bob, carol, checkout):
    incident = actions.declare_incident(actor=alice, title="Checkout returns 500", severity="SEV2", services=[checkout])
    made = [
        item_actions.create_action_item(
            incident, actor=alice, owner=[bob, carol][n % 2], **{**GOOD, "title": f"Add alert {n}"}
        )
        for n in range(30)
    ]
    ActionItem.objects.update(due_date=TODAY - timedelta(days=10))
    return made


def test_it_reminds_each_item_once_when_two_sweepers_race(overdue_items):
    results = race(follow_up.send_overdue_reminders, TODAY, workers=3)
    assert sum(results) == 30
    assert TimelineEntry.objects.filter(kind=EntryKind.REMINDER).count() == 30


def test_it_sends_one_digest_per_owner_when_two_sweepers_race(overdue_items):
    results = race(follow_up.send_weekly_digests, TODAY, workers=3)
    assert sum(results) == 2
    assert OwnerDigest.objects.count() == 2
    # The loser's room entries rolled back with its claim: one digest entry per owner and incident.
    assert TimelineEntry.objects.filter(kind=EntryKind.REMINDER, metadata__reminder="digest").count() == 2


def test_it_creates_one_jira_issue_when_two_workers_get_the_same_task(overdue_items, settings):
    item = overdue_items[0]
    with FakeJira() as jira:
        settings.JIRA = {**settings.JIRA, "BASE_URL": jira.url, "PROJECT_KEY": "OPS"}
        ActionItem.objects.filter(pk=item.pk).update(export_state="pending", export_next_attempt_at=timezone.now())
        race(tasks.export_action_item_to_jira, item.pk, workers=3)
    assert len(jira.requests) == 1
    item.refresh_from_db()
    assert item.jira_key == "OPS-7"
