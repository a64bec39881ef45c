"""Role authority as the practice defines it: command changes hands by an accepted offer, "take command" is
the override for an absent IC, the IC names the other roles, four eyes approve external words."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from incidents import actions
from incidents.comms import actions as comms
from incidents.models import AuditEvent, EntryKind, HandOff, Incident, Role, TimelineEntry
from incidents.restore.actions import decisions

User = get_user_model()


@pytest.fixture
def admin(db):
    return User.objects.create_superuser("root", password="pw-root-123")


def silence(incident, minutes=20):
    """Make the room look as it would after `minutes` of the IC saying nothing."""
    then = timezone.now() - timedelta(minutes=minutes)
    TimelineEntry.objects.filter(incident=incident).update(occurred_at=then, created_at=then)
    incident.role_assignments.update(assigned_at=then)
    HandOff.objects.filter(incident=incident).update(offered_at=then)


# --- command -------------------------------------------------------------------------------------------------------


def test_a_writer_cannot_seize_command(incident, alice, bob):
    with pytest.raises(actions.NotAllowed) as error:
        actions.assign_role(incident, role="commander", user=bob, actor=bob)
    assert error.value.status_code == 403
    assert "offers it and you accept" in error.value.message
    assert Incident.objects.get(pk=incident.pk).commander == alice


def test_a_writer_cannot_offer_command_to_someone_else(incident, alice, bob, carol):
    with pytest.raises(actions.NotAllowed, match="Only the Incident Commander"):
        actions.assign_role(incident, role="commander", user=carol, actor=bob)
    assert not HandOff.objects.filter(incident=incident).exists()


def test_command_changes_only_when_the_offer_is_accepted(incident, alice, bob):
    offer = actions.assign_role(incident, role="commander", user=bob, actor=alice)
    assert isinstance(offer, HandOff)
    assert Incident.objects.get(pk=incident.pk).commander == alice
    actions.accept_handoff(offer, actor=bob)
    assert Incident.objects.get(pk=incident.pk).commander == bob


def test_only_the_offerer_or_the_offeree_withdraws_an_offer(incident, alice, bob, carol):
    offer = actions.assign_role(incident, role="commander", user=bob, actor=alice)
    with pytest.raises(actions.NotAllowed, match="made this offer"):
        actions.cancel_handoff(offer, actor=carol)
    actions.cancel_handoff(offer, actor=bob)
    offer.refresh_from_db()
    assert offer.cancelled_at is not None


def test_take_command_is_refused_while_the_ic_is_active(incident, alice, bob):
    with pytest.raises(actions.NotAllowed) as error:
        actions.take_command(incident, actor=bob, reason="Alice is not answering.")
    assert "in command and active" in error.value.message
    assert Incident.objects.get(pk=incident.pk).commander == alice


def test_take_command_needs_a_reason(incident, bob):
    silence(incident)
    with pytest.raises(actions.ActionError, match="reason cannot be empty"):
        actions.take_command(incident, actor=bob, reason="  ")


def test_a_responder_takes_command_of_a_room_whose_ic_went_silent(incident, alice, bob):
    silence(incident)
    actions.take_command(incident, actor=bob, reason="Alice's laptop died; she is not in the room.")
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.commander == bob
    entry = incident.entries.filter(kind=EntryKind.ROLE).last()
    assert entry.body == "Bob Ortiz took command from Alice Ng: Alice's laptop died; she is not in the room."
    assert incident.entries.filter(kind=EntryKind.BRIEFING).exists()
    event = AuditEvent.objects.get(action="took_command")
    assert event.actor == bob and event.incident_id == incident.pk and event.detail["previous"] == "alice"


def test_an_unanswered_offer_opens_take_command(incident, alice, bob, carol):
    actions.assign_role(incident, role="commander", user=bob, actor=alice)
    actions.post_entry(incident, kind="note", body="Still here.", actor=alice)
    HandOff.objects.filter(incident=incident).update(offered_at=timezone.now() - timedelta(minutes=20))
    actions.take_command(incident, actor=carol, reason="Bob never answered the offer.")
    assert Incident.objects.get(pk=incident.pk).commander == carol


def test_an_admin_may_always_take_command(incident, alice, admin):
    actions.take_command(incident, actor=admin, reason="Escalated by the VP of Engineering.")
    assert Incident.objects.get(pk=incident.pk).commander == admin


def test_the_ic_cannot_take_command_twice(incident, alice):
    with pytest.raises(actions.NotAllowed, match="already the Incident Commander"):
        actions.take_command(incident, actor=alice, reason="x")


# --- the other roles -----------------------------------------------------------------------------------------------


def test_the_ic_names_the_tech_lead_and_others_may_not(incident, alice, bob, carol):
    with pytest.raises(actions.NotAllowed, match="Only the Incident Commander or the Deputy IC names the Tech Lead"):
        actions.assign_role(incident, role="tech_lead", user=carol, actor=bob)
    actions.assign_role(incident, role="tech_lead", user=carol, actor=alice)
    assert Incident.objects.get(pk=incident.pk).holders()[Role.TECH_LEAD].user == carol


def test_the_deputy_names_roles_too(incident, alice, bob, carol):
    actions.assign_role(incident, role="deputy", user=bob, actor=alice)
    actions.assign_role(incident, role="scribe", user=carol, actor=bob)
    assert Incident.objects.get(pk=incident.pk).holders()[Role.SCRIBE].user == carol


def test_anyone_may_volunteer_for_an_empty_role_but_not_take_a_held_one(incident, alice, bob, carol):
    actions.assign_role(incident, role="scribe", user=bob, actor=bob)
    with pytest.raises(actions.NotAllowed, match="Bob Ortiz holds Scribe"):
        actions.assign_role(incident, role="scribe", user=carol, actor=carol)


def test_a_holder_may_step_down_but_not_relieve_others(incident, alice, bob, carol):
    actions.assign_role(incident, role="scribe", user=bob, actor=alice)
    actions.assign_role(incident, role="tech_lead", user=carol, actor=alice)
    with pytest.raises(actions.NotAllowed):
        actions.relieve_role(incident, role="tech_lead", actor=bob)
    actions.relieve_role(incident, role="scribe", actor=bob)
    assert Role.SCRIBE not in Incident.objects.get(pk=incident.pk).holders()


# --- four eyes on external words -----------------------------------------------------------------------------------


def test_the_ic_cannot_approve_her_own_external_update(incident, alice):
    draft = comms.post_update(incident, actor=alice, audience="external", status="We are investigating.")
    with pytest.raises(actions.NotAllowed, match="You wrote this update"):
        comms.approve_update(draft, actor=alice)


def test_a_writer_who_names_himself_comms_lead_cannot_approve_his_own_draft(incident, alice, bob):
    actions.assign_role(incident, role="comms_lead", user=bob, actor=bob)  # volunteering for an empty role
    draft = comms.post_update(incident, actor=bob, audience="external", status="We are investigating.")
    with pytest.raises(actions.NotAllowed, match="You wrote this update"):
        comms.approve_update(draft, actor=bob)
    comms.approve_update(draft, actor=alice)  # the IC is the second pair of eyes
    draft.refresh_from_db()
    assert draft.approved_by == alice


def test_low_severities_allow_self_approval(alice, checkout):
    incident = actions.declare_incident(actor=alice, title="Typo on the status page", severity="SEV4")
    draft = comms.post_update(incident, actor=alice, audience="external", status="Fixed a typo.")
    comms.approve_update(draft, actor=alice)
    draft.refresh_from_db()
    assert draft.approved_by == alice


# --- decisions -----------------------------------------------------------------------------------------------------


def test_only_the_proposer_or_the_ic_withdraws_a_decision(incident, alice, bob, carol):
    first = decisions.propose_decision(incident, actor=bob, question="Roll back?", chosen="Roll back to v2.4.0")
    with pytest.raises(actions.NotAllowed, match="proposed this decision"):
        decisions.withdraw_decision(first, actor=carol)
    decisions.withdraw_decision(first, actor=bob)
    second = decisions.propose_decision(incident, actor=bob, question="Scale up?", chosen="Scale to 12 pods")
    decisions.withdraw_decision(second, actor=alice)


# --- the API answers 403 with the reason ---------------------------------------------------------------------------


def test_the_api_refuses_a_seizure_of_command_with_403(incident, alice, bob, api_as):
    bob_api = api_as(bob)
    response = bob_api.post(f"/api/v1/incidents/{incident.pk}/roles", {"role": "commander", "username": "bob"})
    assert response.status_code == 403
    assert "offers it and you accept" in response.json()["error"]
    offer = api_as(alice).post(f"/api/v1/incidents/{incident.pk}/roles", {"role": "commander", "username": "bob"})
    assert offer.status_code == 200 and offer.json()["roles"]["commander"] == "alice"
    accepted = bob_api.post(f"/api/v1/incidents/{incident.pk}/handoff/accept", {})
    assert accepted.status_code == 200 and accepted.json()["roles"]["commander"] == "bob"


def test_the_api_take_command(incident, alice, carol, api_as):
    carol_api = api_as(carol)
    refused = carol_api.post(f"/api/v1/incidents/{incident.pk}/take-command", {"reason": "Alice is gone."})
    assert refused.status_code == 403
    silence(incident)
    taken = carol_api.post(f"/api/v1/incidents/{incident.pk}/take-command", {"reason": "Alice is gone."})
    assert taken.status_code == 200 and taken.json()["roles"]["commander"] == "carol"


def test_the_api_refuses_self_approval_with_403(incident, alice, api_as):
    alice_api = api_as(alice)
    draft = alice_api.post(
        f"/api/v1/incidents/{incident.pk}/updates", {"audience": "external", "status": "We are investigating."}
    )
    assert draft.status_code == 201, draft.content
    response = alice_api.post(f"/api/v1/updates/{draft.json()['id']}/approve", {})
    assert response.status_code == 403
    assert "You wrote this update" in response.json()["error"]
