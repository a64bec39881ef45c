"""Reminders for overdue updates: one per missed due time, to the Comms Lead, then escalated to the IC."""

from datetime import timedelta

from django.utils import timezone

from incidents import actions, tasks
from incidents.comms import actions as comms
from incidents.comms import reminders
from incidents.models import EntryKind, Incident


def _due(incident):
    return Incident.objects.get(pk=incident.pk).next_update_due_at


def _reminders(incident):
    return list(incident.entries.filter(kind=EntryKind.REMINDER).order_by("pk"))


def _sweep(at):
    return tasks.sweep_update_reminders.apply(kwargs={"now": at.isoformat()}).get()


def test_it_sends_nothing_before_the_due_time(incident):
    assert _sweep(_due(incident) - timedelta(seconds=1)) == 0
    assert _reminders(incident) == []


def test_it_reminds_the_ic_when_there_is_no_comms_lead(incident):
    due = _due(incident)
    assert _sweep(due + timedelta(minutes=2)) == 1
    [reminder] = _reminders(incident)
    assert reminder.body.startswith(
        f"Status update overdue: the update promised for {due:%H:%M} UTC is 2 min late. Alice Ng (Incident Commander)"
    )
    assert reminder.metadata == {"due_at": due.isoformat(), "to": "alice", "role": "commander", "escalated": False}


def test_it_reminds_the_comms_lead_first_and_escalates_to_the_ic_after_the_grace(incident, alice, carol):
    actions.assign_role(incident, role="comms_lead", user=carol, actor=alice)
    due = _due(incident)
    _sweep(due + timedelta(minutes=1))
    _sweep(due + timedelta(minutes=5))
    [reminder] = _reminders(incident)
    assert reminder.metadata["to"] == "carol" and "carol (Communications Lead)" in reminder.body
    _sweep(due + timedelta(minutes=10))
    _sweep(due + timedelta(minutes=12))
    first, escalation = _reminders(incident)
    assert escalation.metadata == {"due_at": due.isoformat(), "to": "alice", "role": "commander", "escalated": True}
    assert escalation.body.startswith(
        f"Escalation: still no status update 10 min after {due:%H:%M} UTC. Alice Ng (Incident Commander)"
    )


def test_it_sends_one_reminder_when_the_sweeper_runs_twice(incident):
    at = _due(incident) + timedelta(minutes=1)
    assert _sweep(at) == 1
    assert _sweep(at) == 0
    assert reminders.remind_overdue(incident.pk, now=at) == []  # a re-delivered claim finds nothing left
    assert len(_reminders(incident)) == 1


def test_it_sends_reminder_and_escalation_at_once_when_the_sweeper_was_down(incident):
    at = _due(incident) + timedelta(minutes=30)  # e.g. worker restarted; the column is still there
    assert _sweep(at) == 2
    assert [r.metadata["escalated"] for r in _reminders(incident)] == [False, True]
    assert _sweep(at + timedelta(minutes=1)) == 0


def test_it_reminds_again_for_the_next_missed_promise(incident, alice):
    _sweep(_due(incident) + timedelta(minutes=1))
    update = comms.post_update(incident, actor=alice, audience="internal", status="Still investigating.")
    next_due = _due(incident)
    assert next_due == update.published_at + timedelta(minutes=30)
    assert _sweep(next_due - timedelta(minutes=1)) == 0
    assert _sweep(next_due + timedelta(minutes=1)) == 1
    assert [r.metadata["due_at"] for r in _reminders(incident)][-1] == next_due.isoformat()


def test_it_sends_no_reminder_for_a_resolved_incident(incident, alice):
    due = _due(incident)
    actions.resolve(incident, actor=alice)
    Incident.objects.filter(pk=incident.pk).update(next_update_due_at=due)  # even with a stale due time left behind
    assert _sweep(due + timedelta(hours=1)) == 0
    assert _reminders(incident) == []


def test_it_sends_no_reminder_without_a_cadence(alice):
    incident = actions.declare_incident(actor=alice, title="Typo on the pricing page", severity="SEV5")
    assert _sweep(timezone.now() + timedelta(days=1)) == 0
    assert _reminders(incident) == []


def test_it_pushes_the_red_panel_to_the_room_with_the_reminder(incident, capture_broadcasts):
    Incident.objects.filter(pk=incident.pk).update(next_update_due_at=timezone.now() - timedelta(minutes=3))
    with capture_broadcasts(incident) as sent:
        tasks.sweep_update_reminders()
    [message] = sent
    panel = message["panels"]["write"]
    assert 'class="card comms overdue"' in panel and "overdue by 3 min" in panel
