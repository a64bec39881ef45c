"""The review meeting: deadline by severity, a proposed slot inside it, an .ics invite, one reminder."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import EntryKind
from postmortems import actions, tasks
from postmortems.review import invite_ics, propose_review_slot, review_deadline

FRIDAY_5PM = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
TUESDAY_9AM = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "severity, resolved, deadline",
    [
        ("SEV1", FRIDAY_5PM, datetime(2026, 11, 23, 17, 0, tzinfo=UTC)),  # 3 calendar days
        ("SEV2", FRIDAY_5PM, datetime(2026, 11, 27, 17, 0, tzinfo=UTC)),  # 5 business days skip the weekend
        ("SEV2", TUESDAY_9AM, datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
    ],
)
def test_it_sets_the_deadline_from_the_severity(severity, resolved, deadline):
    assert review_deadline(severity, resolved) == deadline


@pytest.mark.parametrize(
    "severity, resolved", [("SEV1", FRIDAY_5PM), ("SEV2", FRIDAY_5PM), ("SEV1", TUESDAY_9AM), ("SEV2", TUESDAY_9AM)]
)
def test_it_proposes_a_business_day_slot_inside_the_deadline(severity, resolved):
    deadline = review_deadline(severity, resolved)
    slot = propose_review_slot(resolved, deadline)
    assert resolved < slot <= deadline
    assert slot.weekday() < 5


def test_it_proposes_the_next_business_afternoon():
    assert propose_review_slot(FRIDAY_5PM, review_deadline("SEV1", FRIDAY_5PM)) == datetime(
        2026, 11, 23, 14, 0, tzinfo=UTC
    )
    assert propose_review_slot(TUESDAY_9AM, review_deadline("SEV2", TUESDAY_9AM)) == datetime(
        2026, 11, 25, 14, 0, tzinfo=UTC
    )


def test_it_writes_a_valid_ics_invite():
    ics = invite_ics(
        uid="x@warroom",
        start=datetime(2026, 11, 25, 14, 0, tzinfo=UTC),
        summary="Review: INC-1, checkout; 500s",
        description="Read the draft first: " + "https://warroom.example/incidents/1/postmortem/" * 2,
        url="https://w/1",
        now=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    )
    lines = ics.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and ics.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20261125T140000Z" in lines and "DTEND:20261125T150000Z" in lines
    assert "SUMMARY:Review: INC-1\\, checkout\\; 500s" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long description is folded


def test_it_escapes_a_bare_carriage_return_in_the_summary():
    """A title holding a lone CR must not start a new property line (an injected ATTENDEE, say)."""
    ics = invite_ics(
        uid="x@warroom",
        start=datetime(2026, 11, 25, 14, 0, tzinfo=UTC),
        summary="Review: INC-1 checkout\rATTENDEE:mailto:evil@example.com",
        description="x",
        url="https://w/1",
        now=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    )
    assert "\r" not in ics.replace("\r\n", "")
    assert "SUMMARY:Review: INC-1 checkout\\nATTENDEE:mailto:evil@example.com" in ics.split("\r\n")
    assert not any(line.startswith("ATTENDEE") for line in ics.split("\r\n"))


def test_it_serves_the_invite(client, postmortem, alice):
    client.force_login(alice)
    response = client.get(reverse("postmortems:review_invite", args=[postmortem.incident_id]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f"DTSTART:{postmortem.review_at:%Y%m%dT%H%M%S}Z" in response.content.decode()


def test_the_draft_gets_the_deadline_and_a_slot(postmortem):
    incident = postmortem.incident
    assert postmortem.review_due_at == review_deadline(incident.severity, incident.resolved_at)
    assert incident.resolved_at < postmortem.review_at <= postmortem.review_due_at


def _meeting_in(postmortem, alice, hours):
    return actions.schedule_review(postmortem, review_at=timezone.now() + timedelta(hours=hours), actor=alice)


def test_it_reminds_once_when_the_draft_is_not_in_review_24h_before(postmortem, alice):
    _meeting_in(postmortem, alice, 20)
    assert tasks.remind_review_meetings() == 1
    assert tasks.remind_review_meetings() == 0  # a second sweep (or a second beat) sends nothing
    reminders = postmortem.incident.entries.filter(kind=EntryKind.REMINDER)
    assert reminders.count() == 1
    assert "the draft is not in review yet" in reminders.get().body


def test_it_does_not_remind_early_or_when_in_review(postmortem, alice):
    _meeting_in(postmortem, alice, 30)
    assert tasks.remind_review_meetings() == 0
    actions.send_to_review(postmortem, actor=alice)
    _meeting_in(postmortem, alice, 2)
    assert tasks.remind_review_meetings() == 0


def test_a_new_slot_gets_its_own_reminder(postmortem, alice):
    _meeting_in(postmortem, alice, 10)
    assert tasks.remind_review_meetings() == 1
    _meeting_in(postmortem, alice, 12)
    assert tasks.remind_review_meetings() == 1


def test_it_refuses_a_meeting_in_the_past(postmortem, alice):
    with pytest.raises(actions.ActionError, match="cannot be in the past"):
        _meeting_in(postmortem, alice, -1)
