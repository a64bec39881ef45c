"""IC hand-off is explicit: offered, accepted by the new IC, briefed. The IC is never also the Tech Lead."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from incidents import actions
from incidents import actions as handoff
from incidents.models import EntryKind, HandOff, Role, RoleAssignment
from incidents.restore import actions as decisions
from incidents.restore import actions as restore
from incidents.room.panels import Loads, roles_context
from incidents.tasks import sweep_restore_reminders


def test_it_offers_command_and_changes_it_only_when_accepted(incident, alice, bob):
    offer = actions.assign_role(incident, role="commander", user=bob, actor=alice)
    assert isinstance(offer, HandOff)
    assert incident.commander == alice, "alice stays in command until bob accepts"
    assert (
        incident.entries.last().body
        == "Alice Ng offered Incident Commander to Bob Ortiz; Alice Ng stays in command until Bob Ortiz accepts."
    )
    handoff.accept_handoff(offer, actor=bob)
    assert incident.commander == bob
    rows = list(RoleAssignment.objects.filter(incident=incident, role=Role.COMMANDER))
    assert [r.user for r in rows] == [alice, bob] and rows[0].relieved_at is not None
    kinds = list(incident.entries.values_list("kind", flat=True))
    assert kinds[-2:] == [EntryKind.ROLE, EntryKind.BRIEFING]
    assert incident.entries.get(kind=EntryKind.ROLE, metadata__role="commander", metadata__previous="alice").body == (
        "Bob Ortiz took over as Incident Commander from Alice Ng."
    )


def test_it_lets_only_the_named_person_accept(incident, alice, bob, carol):
    offer = actions.assign_role(incident, role="commander", user=bob, actor=alice)
    with pytest.raises(actions.ActionConflict, match="Only Bob Ortiz can accept"):
        handoff.accept_handoff(offer, actor=carol)
    handoff.cancel_handoff(offer, actor=bob)
    assert incident.entries.last().body == "Bob Ortiz declined the offer of Incident Commander."
    with pytest.raises(actions.ActionConflict, match="no longer pending"):
        handoff.accept_handoff(offer, actor=bob)
    assert incident.commander == alice


def test_it_posts_a_briefing_written_from_the_record(incident, alice, bob, carol):
    restore.assess_impact(incident, actor=alice, users_affected_pct=40, core_flow_down=True)
    decisions.propose_decision(incident, actor=carol, question="Roll back checkout?", chosen="Roll back to v2.4.0")
    restore.add_theory(incident, actor=carol, hypothesis="Bad deploy")
    ruled_out = restore.add_theory(incident, actor=carol, hypothesis="DNS")
    restore.set_theory_state(ruled_out, actor=carol, state="ruled_out")
    offer = actions.assign_role(incident, role="commander", user=bob, actor=alice)
    actions.assign_role(incident, role="commander", user=bob, actor=bob)  # naming yourself accepts the offer
    offer.refresh_from_db()
    assert offer.accepted_at is not None
    briefing = incident.entries.filter(kind=EntryKind.BRIEFING).get()
    assert briefing.actor is None
    lines = briefing.body.splitlines()
    assert lines[:6] == [
        "**Hand-off briefing** for Bob Ortiz, Incident Commander from now (taking over from Alice Ng).",
        "",
        "- Severity: **SEV2**; status: Investigating",
        "- Impact: Checkout; 40% of users; core flow down (suggested SEV1)",
        "- Open decisions: Roll back checkout? → Roll back to v2.4.0 (proposed)",
        "- Open theories: Bad deploy",
    ]
    incident.refresh_from_db()
    due = getattr(incident, "next_update_due_at", None)  # the status-update cadence (issue 5), when present
    assert lines[6:] == ([f"- Next update due: {due:%H:%M} UTC"] if due else [])


def test_it_adds_the_last_and_next_update_to_the_briefing_when_there_are_some(incident, alice, bob):
    with transaction.atomic():
        actions.record(
            incident,
            kind=EntryKind.UPDATE,
            body="Alice posted an internal update.\n\n> rolled back",
            metadata={"state": "published"},
        )
        actions.record(
            incident, kind=EntryKind.UPDATE, body="Alice drafted an external update.", metadata={"state": "draft"}
        )
    incident.next_update_due_at = timezone.now().replace(
        hour=22, minute=30
    )  # the status-update feature adds this column
    lines = handoff.briefing(incident, new_commander=bob, previous=alice).splitlines()
    assert lines[-2].startswith("- Last update: ") and lines[-2].endswith(" UTC: Alice posted an internal update.")
    assert lines[-1] == "- Next update due: 22:30 UTC"


def test_it_closes_a_pending_offer_when_someone_takes_command(incident, alice, bob, carol):
    offer = actions.assign_role(incident, role="commander", user=bob, actor=alice)
    carol.is_superuser = True
    carol.save()
    actions.take_command(incident, actor=carol, reason="Alice lost her connection.")
    offer.refresh_from_db()
    assert offer.cancelled_at is not None and incident.commander == carol


def test_it_refuses_a_tech_lead_who_is_the_ic(incident, alice):
    with pytest.raises(actions.ActionConflict) as error:
        actions.assign_role(incident, role="tech_lead", user=alice, actor=alice)
    assert error.value.message == (
        "Alice Ng is Incident Commander and cannot also be Tech Lead: the Incident Commander coordinates, "
        "the Tech Lead changes production. Choose someone else as Tech Lead, or hand off command first."
    )
    assert incident.entries.count() == 1


def test_it_refuses_command_to_the_tech_lead_at_offer_and_at_acceptance(incident, alice, bob):
    actions.assign_role(incident, role="tech_lead", user=bob, actor=alice)
    with pytest.raises(actions.ActionConflict, match="Bob Ortiz is Tech Lead and cannot also be Incident Commander"):
        actions.assign_role(incident, role="commander", user=bob, actor=alice)
    actions.relieve_role(incident, role="tech_lead", actor=alice)
    offer = actions.assign_role(incident, role="commander", user=bob, actor=alice)
    actions.assign_role(incident, role="tech_lead", user=bob, actor=alice)
    with pytest.raises(actions.ActionConflict, match="cannot also be Incident Commander"):
        handoff.accept_handoff(offer, actor=bob)


def test_it_suggests_a_rotation_after_four_hours_once(incident, alice, django_capture_on_commit_callbacks):
    holder = incident.holders()[Role.COMMANDER]
    assert roles_context(incident, Loads())["rotation_due"] is False
    assert sweep_restore_reminders() == 0
    RoleAssignment.objects.filter(pk=holder.pk).update(assigned_at=timezone.now() - timedelta(hours=4, minutes=1))
    assert roles_context(incident, Loads())["rotation_due"] is True
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_restore_reminders() == 1
    assert sweep_restore_reminders() == 0, "one reminder per stint, however often the sweeper runs"
    assert (
        incident.entries.filter(kind=EntryKind.REMINDER)
        .get()
        .body.startswith("Alice Ng has been Incident Commander for 4 hours.")
    )
