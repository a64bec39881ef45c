"""Impact assessment, severity confirmation, lifecycle corrections and the theories board, as actions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents import actions
from incidents.models import EntryKind, ImpactAssessment, Service, Theory
from incidents.restore import actions as restore


@pytest.fixture
def payments(db):
    return Service.objects.create(name="Payments", slug="payments")


def test_it_assesses_impact_and_suggests_a_severity_in_words(incident, alice, checkout, payments):
    assessment = restore.assess_impact(
        incident,
        actor=alice,
        users_affected_pct=40,
        core_flow_down=True,
        customer_visible=True,
        services=[checkout, payments],
        notes="EU only",
    )
    assert assessment.suggested_severity == "SEV1"
    assert assessment.reason == "core Checkout and Payments flow down and 40% of users affected → SEV1"
    assert set(incident.services.all()) == {checkout, payments}
    entry = incident.entries.last()
    assert entry.kind == EntryKind.IMPACT
    assert entry.body == (
        "Alice Ng assessed the impact: services: Checkout, Payments; 40% of users affected; core business flow down; customer-visible. "
        "Notes: EU only\n\nSuggested severity **SEV1** (core Checkout and Payments flow down and 40% of users affected → SEV1); now SEV2."
    )
    incident.refresh_from_db()
    assert incident.severity == "SEV2", "a suggestion changes nothing until the IC confirms"


def test_it_keeps_the_incident_services_when_the_assessment_names_none(incident, alice, checkout):
    assessment = restore.assess_impact(incident, actor=alice, users_affected_pct=5, core_flow_down=False)
    assert list(assessment.services.all()) == [checkout]


@pytest.mark.parametrize("pct", [-1, 101])
def test_it_refuses_a_share_outside_0_to_100(incident, alice, pct):
    with pytest.raises(actions.ActionError, match="between 0 and 100"):
        restore.assess_impact(incident, actor=alice, users_affected_pct=pct, core_flow_down=False)
    assert ImpactAssessment.objects.count() == 0 and incident.entries.count() == 1


def test_it_lets_the_ic_accept_the_suggested_severity(incident, alice):
    assessment = restore.assess_impact(incident, actor=alice, users_affected_pct=40, core_flow_down=True)
    restore.confirm_severity(assessment, actor=alice)
    incident.refresh_from_db()
    assessment.refresh_from_db()
    assert incident.severity == "SEV1" and assessment.confirmed_severity == "SEV1"
    entry = incident.entries.last()
    assert entry.kind == EntryKind.SEVERITY
    assert (
        entry.body
        == "Alice Ng accepted the suggested severity **SEV1** (core Checkout flow down and 40% of users affected → SEV1); was SEV2."
    )


def test_it_lets_the_ic_override_with_a_reason(incident, alice):
    assessment = restore.assess_impact(incident, actor=alice, users_affected_pct=40, core_flow_down=True)
    restore.confirm_severity(assessment, actor=alice, severity="SEV2", reason="only test tenants")
    incident.refresh_from_db()
    assert incident.severity == "SEV2"
    assert (
        incident.entries.last().body
        == "Alice Ng set the severity to **SEV2**, overriding the suggested SEV1. Reason: only test tenants; unchanged."
    )


def test_it_lets_only_the_ic_confirm_and_only_once(incident, alice, bob):
    assessment = restore.assess_impact(incident, actor=bob, users_affected_pct=40, core_flow_down=True)
    with pytest.raises(
        actions.ActionConflict, match=r"Only the Incident Commander \(Alice Ng\) can confirm the severity"
    ):
        restore.confirm_severity(assessment, actor=bob)
    restore.confirm_severity(assessment, actor=alice)
    with pytest.raises(actions.ActionConflict, match="already settled as SEV1"):
        restore.confirm_severity(assessment, actor=alice, severity="SEV3")


def test_it_corrects_lifecycle_times_with_the_old_value_in_the_entry(incident, alice):
    started = incident.started_at
    earlier = started - timedelta(minutes=25)
    detected = started - timedelta(minutes=10)
    restore.edit_timestamps(incident, actor=alice, started_at=earlier, detected_at=detected, acknowledged_at=None)
    incident.refresh_from_db()
    assert incident.started_at == earlier and incident.detected_at == detected
    entry = incident.entries.last()
    assert entry.kind == EntryKind.LIFECYCLE
    assert entry.body.startswith(
        f"Alice Ng corrected the start {earlier:%Y-%m-%d %H:%M} UTC (was {started:%Y-%m-%d %H:%M} UTC)"
    )
    assert entry.metadata["changes"]["started_at"] == earlier.isoformat()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"started_at": timezone.now() + timedelta(hours=1)}, "The start time is in the future."),
        ({"detected_at": timezone.now() - timedelta(days=2)}, "Detection cannot come before the impact started."),
        ({"started_at": None}, "An incident always has a start time."),
    ],
)
def test_it_refuses_impossible_times(incident, alice, changes, message):
    with pytest.raises(actions.ActionError, match=message):
        restore.edit_timestamps(incident, actor=alice, **changes)
    assert incident.entries.count() == 1


def test_it_refuses_acknowledgement_before_detection(incident, alice):
    now = timezone.now()
    with pytest.raises(actions.ActionError, match="Acknowledgement cannot come before detection"):
        restore.edit_timestamps(incident, actor=alice, detected_at=now, acknowledged_at=now - timedelta(seconds=30))


def test_it_keeps_ruled_out_theories_with_their_evidence(incident, alice, bob):
    theory = restore.add_theory(
        incident, actor=bob, hypothesis="The v2.4.1 deploy broke card payments", evidence="errors began 21:02"
    )
    restore.set_theory_state(theory, actor=alice, state="ruled_out", evidence="errors also on v2.4.0 canary")
    theory.refresh_from_db()
    assert theory.state == Theory.State.RULED_OUT
    assert theory.evidence == "errors began 21:02\n\nerrors also on v2.4.0 canary"
    bodies = [e.body for e in incident.entries.filter(kind=EntryKind.THEORY)]
    assert bodies == [
        "Bob Ortiz added a working theory: *The v2.4.1 deploy broke card payments*\n\nEvidence: errors began 21:02",
        "Alice Ng ruled out the theory *The v2.4.1 deploy broke card payments*: errors also on v2.4.0 canary",
    ]
    with pytest.raises(actions.ActionConflict, match="already ruled out"):
        restore.set_theory_state(theory, actor=alice, state="ruled_out")
    with pytest.raises(actions.ActionError, match="Unknown theory state"):
        restore.set_theory_state(theory, actor=alice, state="maybe")
