"""Status updates: three parts, a promised next time, internal at once, external only after approval."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents import actions
from incidents.comms import actions as comms
from incidents.comms.panels import promise_record
from incidents.models import EntryKind, Incident, StatusUpdate


def _fresh(incident):
    return Incident.objects.get(pk=incident.pk)


def test_it_sets_the_first_update_due_from_the_severity_cadence(alice):
    for severity, minutes in [("SEV1", 15), ("SEV2", 30), ("SEV3", 60)]:
        incident = _fresh(actions.declare_incident(actor=alice, title=f"{severity} thing", severity=severity))
        assert incident.next_update_due_at == incident.declared_at + timedelta(minutes=minutes)
    for severity in ["SEV4", "SEV5"]:
        incident = _fresh(actions.declare_incident(actor=alice, title=f"{severity} thing", severity=severity))
        assert incident.next_update_due_at is None


def test_it_reads_the_cadence_from_settings(alice, settings):
    settings.WARROOM = {
        **settings.WARROOM,
        "UPDATE_CADENCE_MINUTES": {**settings.WARROOM["UPDATE_CADENCE_MINUTES"], "SEV4": 120},
    }
    incident = _fresh(actions.declare_incident(actor=alice, title="Slow reports", severity="SEV4"))
    assert incident.next_update_due_at == incident.declared_at + timedelta(minutes=120)


def test_it_publishes_an_internal_update_and_restarts_the_countdown(incident, alice):
    before = timezone.now()
    update = comms.post_update(
        incident,
        actor=alice,
        audience="internal",
        status="Still investigating.",
        actions="Rolled back web.",
        next_steps="Watch errors.",
    )
    incident = _fresh(incident)
    assert update.state == StatusUpdate.State.PUBLISHED
    assert update.published_at >= before
    assert incident.next_update_due_at == update.published_at + timedelta(minutes=30)
    assert update.on_time is True
    entry = incident.entries.filter(kind=EntryKind.UPDATE).get()
    assert entry.body.startswith(
        f"Alice Ng posted an internal update. Next update by {incident.next_update_due_at:%H:%M} UTC."
    )
    assert "**Current status:** Still investigating." in entry.body
    assert "**Actions taken:** Rolled back web." in entry.body
    assert "<strong>Next steps:</strong> Watch errors." in entry.html


def test_it_keeps_the_promised_time_the_author_chose(incident, alice):
    update = comms.post_update(incident, actor=alice, audience="internal", status="Stable.", next_update_in_minutes=45)
    assert _fresh(incident).next_update_due_at == update.published_at + timedelta(minutes=45)


def test_it_counts_a_late_update_as_late(incident, alice):
    Incident.objects.filter(pk=incident.pk).update(next_update_due_at=timezone.now() - timedelta(minutes=5))
    update = comms.post_update(incident, actor=alice, audience="internal", status="Sorry, late.")
    assert update.on_time is False
    record = promise_record(_fresh(incident))
    assert (record["on_time"], record["late"], record["published"]) == (0, 1, 1)
    assert record["first_internal"] is not None and record["first_external"] is None


@pytest.mark.parametrize(
    "kwargs, field, message",
    [
        ({"audience": "internal", "status": "  "}, "status", "Current status cannot be empty."),
        (
            {"audience": "radio", "status": "x"},
            "audience",
            "Unknown audience “radio”. Choose one of: internal, external.",
        ),
        (
            {"audience": "internal", "status": "x", "next_update_in_minutes": 0},
            "next_update_in_minutes",
            "Next update in: choose 1 to 240 minutes.",
        ),
        ({"audience": "external", "status": "x", "public_state": "panicking"}, "public_state", None),
    ],
)
def test_it_refuses_bad_updates_and_writes_nothing(incident, alice, kwargs, field, message):
    due = _fresh(incident).next_update_due_at
    with pytest.raises(actions.ActionError) as error:
        comms.post_update(incident, actor=alice, **kwargs)
    assert error.value.field == field
    if message:
        assert error.value.message == message
    assert StatusUpdate.objects.count() == 0
    assert _fresh(incident).next_update_due_at == due
    assert not incident.entries.filter(kind=EntryKind.UPDATE).exists()


def test_it_keeps_an_external_update_as_a_draft_until_approved(incident, alice, bob):
    due = _fresh(incident).next_update_due_at
    draft = comms.post_update(
        incident, actor=bob, audience="external", status="We are investigating errors at checkout."
    )
    assert draft.state == StatusUpdate.State.DRAFT and draft.published_at is None
    assert (draft.public_state, draft.component_state, draft.headline) == (
        "investigating",
        "partial_outage",
        "Problems with Checkout",
    )
    assert _fresh(incident).next_update_due_at == due  # a draft promises nothing yet
    assert (
        "not public until the Incident Commander or the Communications Lead approves it" in incident.entries.last().body
    )

    comms.approve_update(draft, actor=alice)  # alice is IC
    draft.refresh_from_db()
    assert draft.state == StatusUpdate.State.PUBLISHED and draft.approved_by == alice
    assert _fresh(incident).next_update_due_at == draft.published_at + timedelta(minutes=30)
    assert incident.entries.last().body.startswith(
        "Alice Ng approved Bob Ortiz’s external update and published it to the status page"
    )


def test_it_lets_the_comms_lead_approve(incident, alice, bob, carol):
    actions.assign_role(incident, role="comms_lead", user=carol, actor=alice)
    draft = comms.post_update(incident, actor=bob, audience="external", status="Investigating.")
    comms.approve_update(draft, actor=carol)
    assert StatusUpdate.objects.get(pk=draft.pk).approved_by == carol


def test_it_refuses_approval_from_someone_without_the_role(incident, alice, bob):
    draft = comms.post_update(incident, actor=alice, audience="external", status="Investigating.")
    with pytest.raises(comms.NotAllowed) as error:
        comms.approve_update(draft, actor=bob)
    assert error.value.status_code == 403
    assert StatusUpdate.objects.get(pk=draft.pk).state == StatusUpdate.State.DRAFT


def test_it_refuses_approval_from_a_relieved_comms_lead(incident, alice, bob, carol):
    actions.assign_role(incident, role="comms_lead", user=carol, actor=alice)
    actions.relieve_role(incident, role="comms_lead", actor=alice)
    draft = comms.post_update(incident, actor=bob, audience="external", status="Investigating.")
    with pytest.raises(comms.NotAllowed):
        comms.approve_update(draft, actor=carol)


def test_it_refuses_to_approve_twice(incident, alice, bob):
    draft = comms.post_update(incident, actor=bob, audience="external", status="Investigating.")
    comms.approve_update(draft, actor=alice)
    with pytest.raises(actions.ActionConflict):
        comms.approve_update(draft, actor=alice)
    assert incident.entries.filter(kind=EntryKind.UPDATE).count() == 2  # the draft and one publication


def test_it_overrides_the_cadence_per_incident_and_keeps_an_earlier_promise(incident, alice):
    due = _fresh(incident).next_update_due_at
    comms.set_update_cadence(incident, minutes=60, actor=alice)
    incident = _fresh(incident)
    assert incident.update_cadence_minutes == 60
    assert incident.next_update_due_at == due  # the 30-minute promise already made stands
    comms.set_update_cadence(incident, minutes=5, actor=alice)
    assert _fresh(incident).next_update_due_at < due
    assert "set the update cadence to every 5 minutes" in incident.entries.last().body
    update = comms.post_update(incident, actor=alice, audience="internal", status="ok")
    assert _fresh(incident).next_update_due_at == update.published_at + timedelta(minutes=5)


@pytest.mark.parametrize("minutes", [0, 241, -3])
def test_it_refuses_a_cadence_out_of_range(incident, alice, minutes):
    with pytest.raises(actions.ActionError):
        comms.set_update_cadence(incident, minutes=minutes, actor=alice)
    assert _fresh(incident).update_cadence_minutes is None


def test_it_follows_a_severity_change(incident, alice):
    actions.change_severity(incident, severity="SEV1", actor=alice)
    assert _fresh(incident).next_update_due_at <= timezone.now() + timedelta(minutes=15)
    actions.change_severity(incident, severity="SEV4", actor=alice)
    assert _fresh(incident).next_update_due_at is None
    actions.change_severity(incident, severity="SEV3", actor=alice)
    assert _fresh(incident).next_update_due_at > timezone.now() + timedelta(minutes=59)


def test_it_has_nothing_due_once_resolved_and_starts_over_when_reopened(incident, alice):
    actions.resolve(incident, actor=alice)
    assert _fresh(incident).next_update_due_at is None
    comms.post_update(incident, actor=alice, audience="internal", status="Resolved, all good.")
    assert _fresh(incident).next_update_due_at is None
    actions.change_status(incident, status="investigating", actor=alice)
    assert _fresh(incident).next_update_due_at > timezone.now() + timedelta(minutes=29)


def test_it_writes_the_communication_record_to_the_timeline_on_resolve(incident, alice):
    Incident.objects.filter(pk=incident.pk).update(next_update_due_at=timezone.now() - timedelta(minutes=1))
    comms.post_update(incident, actor=alice, audience="internal", status="Late one.")
    comms.post_update(incident, actor=alice, audience="internal", status="On time.")
    actions.resolve(incident, actor=alice)
    entry = incident.entries.get(kind=EntryKind.SYSTEM, metadata__has_key="promise_keeping")
    assert entry.body == (
        "Communication record: first internal update 0 min after declaring, first external update none; "
        "2 updates published, 1 on time, 1 late."
    )
    assert entry.metadata["promise_keeping"]["first_external"] is None
    assert entry.metadata["promise_keeping"]["late"] == 1


def test_it_prefills_the_update_from_the_room(alice, checkout):
    from incidents.comms.panels import external_templates, prefill

    incident = actions.declare_incident(
        actor=alice,
        title="Card errors",
        severity="SEV1",
        services=[checkout],
        summary="Card payments fail for *30%* of EU users.\n\nMore.",
    )
    actions.change_status(incident, status="identified", actor=alice)
    actions.post_entry(incident, kind="decision", body="Turn off the new-checkout flag.", actor=alice)
    incident = _fresh(incident)
    data = prefill(incident, [checkout], external_templates(incident, [checkout]))
    assert (
        data["status"]
        == "Identified (SEV1 · Critical). Affected: Checkout. Impact: Card payments fail for 30% of EU users."
    )
    assert data["actions"] == "- Turn off the new-checkout flag."
    assert (data["public_state"], data["component_state"], data["next_update_in_minutes"]) == (
        "identified",
        "major_outage",
        15,
    )
    assert (
        data["external_status"]
        == "We have identified the cause of the problems with Checkout and are working on a fix."
    )
