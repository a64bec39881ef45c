"""Overdue items remind their owner once a day, and each owner gets one digest a week, however often the sweepers run."""

from datetime import timedelta

import pytest
from django.utils import timezone

from action_items import actions as item_actions
from action_items import tasks
from action_items.actions import follow_up
from action_items.models import ActionItem, OwnerDigest
from incidents import actions
from incidents.models import EntryKind, TimelineEntry

TODAY = timezone.localdate()


def make_overdue(item, days=3):
    # The due date lies in the past only in a fixture: the action refuses past dates, as it should.
    ActionItem.objects.filter(pk=item.pk).update(due_date=TODAY - timedelta(days=days))
    item.refresh_from_db()
    return item


def reminders(**metadata):
    return TimelineEntry.objects.filter(kind=EntryKind.REMINDER, **{f"metadata__{k}": v for k, v in metadata.items()})


def test_it_reminds_the_owner_of_an_overdue_item_once_a_day(item):
    make_overdue(item, days=3)
    assert follow_up.send_overdue_reminders(TODAY) == 1
    assert follow_up.send_overdue_reminders(TODAY) == 0  # the sweeper ran again the same day
    assert reminders(reminder="overdue").count() == 1
    entry = reminders(reminder="overdue").get()
    assert entry.incident_id == item.incident_id
    assert entry.body.startswith(
        f"Reminder for Bob Ortiz: action item **{item.ref}** is overdue by 3 days (due {item.due_date.isoformat()})"
    )
    assert follow_up.send_overdue_reminders(TODAY + timedelta(days=1)) == 1  # the next day, once more
    assert reminders(reminder="overdue").count() == 2
    item.refresh_from_db()
    assert item.last_reminded_on == TODAY + timedelta(days=1)


def test_it_does_not_remind_items_that_are_due_later_or_closed(incident, bob, carol, raise_item, alice):
    raise_item(incident, bob)  # due in 30 days
    done = make_overdue(raise_item(incident, carol, title="Fix the retry storm"))
    item_actions.update_action_item(done, actor=alice, status="done")
    dropped = make_overdue(raise_item(incident, carol, title="Add a canary stage"))
    item_actions.update_action_item(dropped, actor=alice, status="wont_do", reason="Canary exists already.")
    assert follow_up.send_overdue_reminders(TODAY) == 0
    assert not reminders().exists()


def test_it_claims_each_item_once_even_when_two_sweepers_race(item):
    make_overdue(item)
    # Both sweepers saw the item as due before either claimed it; only the first claim wins.
    assert follow_up.remind_overdue_item(item.pk, TODAY) is True
    assert follow_up.remind_overdue_item(item.pk, TODAY) is False
    assert reminders().count() == 1


def test_it_runs_the_sweeper_as_a_celery_task(item):
    make_overdue(item, days=1)
    tasks.sweep_overdue_reminders.apply()
    tasks.sweep_overdue_reminders.apply()
    assert reminders(reminder="overdue").count() == 1
    assert "is overdue by 1 day " in reminders().get().body


def test_it_sends_one_weekly_digest_per_owner(incident, alice, bob, carol, raise_item):
    other = actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3")
    make_overdue(raise_item(incident, bob), days=10)  # overdue on every day of this week
    raise_item(incident, bob, title="Document the failover")
    raise_item(other, bob, title="Tune the search cache")
    raise_item(other, carol, title="Add a search latency alert")
    monday = follow_up.week_start(TODAY)
    assert follow_up.send_weekly_digests(monday) == 2
    assert follow_up.send_weekly_digests(monday + timedelta(days=2)) == 0  # same week: already sent
    digests = {d.owner.username: d for d in OwnerDigest.objects.all()}
    assert set(digests) == {"bob", "carol"}
    assert (digests["bob"].open_count, digests["bob"].overdue_count) == (3, 1)
    assert digests["bob"].body.startswith("Weekly action items for Bob Ortiz: 3 open, 1 overdue.")
    # Each room hears about its own items: bob's two incidents and carol's one.
    bodies = sorted(reminders(reminder="digest").values_list("body", flat=True))
    assert len(bodies) == 3
    assert any(
        b.startswith("Weekly digest for Bob Ortiz: 2 open action items from this incident, 1 overdue:") for b in bodies
    )
    assert follow_up.send_weekly_digests(monday + timedelta(days=7)) == 2  # next week, again


def test_it_waits_for_the_configured_digest_day(item, settings):
    settings.WARROOM = {**settings.WARROOM, "ACTION_ITEM_DIGEST_WEEKDAY": 4}  # Friday
    monday = follow_up.week_start(TODAY)
    assert follow_up.send_weekly_digests(monday + timedelta(days=3)) == 0
    assert follow_up.send_weekly_digests(monday + timedelta(days=4)) == 1


def test_it_skips_owners_without_open_items(item, alice):
    item_actions.update_action_item(item, actor=alice, status="done")
    assert follow_up.send_weekly_digests(TODAY) == 0
    assert not OwnerDigest.objects.exists()


@pytest.mark.parametrize("attempts, minutes", [(1, 1), (2, 2), (4, 8), (7, 60), (20, 60)])
def test_it_backs_off_jira_retries(attempts, minutes):
    assert follow_up.retry_delay(attempts) == timedelta(minutes=minutes)


def test_it_schedules_every_sweeper_under_a_task_name_celery_discovers(settings):
    from warroom.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscovery, no CELERY_IMPORTS
    scheduled = {
        entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if name.startswith("action-items-")
    }
    assert scheduled == {
        "action_items.tasks.sweep_overdue_reminders",
        "action_items.tasks.sweep_weekly_digests",
        "action_items.tasks.sweep_jira_exports",
    }
    assert scheduled <= set(app.tasks)
