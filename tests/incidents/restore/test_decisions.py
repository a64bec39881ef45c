"""The decision log: proposed, decided by the IC, owned, time-boxed, closed with an outcome; every step on the timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents import actions
from incidents.models import Decision, EntryKind, Mitigation, MitigationKind
from incidents.restore import actions as decisions
from incidents.tasks import sweep_restore_reminders


def _propose(incident, actor, **kwargs):
    values = {
        "question": "Roll back checkout?",
        "chosen": "Roll back to v2.4.0",
        "options": ["Roll back to v2.4.0", "Turn off new-cart flag"],
    }
    return decisions.propose_decision(incident, actor=actor, **{**values, **kwargs})


def test_it_walks_a_decision_from_proposal_to_outcome(incident, alice, bob, carol):
    actions.assign_role(incident, role="tech_lead", user=bob, actor=alice)
    decision = _propose(incident, carol, risk="loses the tax fix", revert_plan="redeploy v2.4.1", timebox_minutes=15)
    assert decision.state == Decision.State.PROPOSED and decision.owner == bob, "the Tech Lead owns it by default"
    assert decision.timebox_until is None, "the time-box starts when the IC decides"
    decisions.decide(decision, actor=alice)
    decision.refresh_from_db()
    assert decision.state == Decision.State.DECIDED and decision.decided_by == alice
    assert decision.timebox_until == decision.decided_at + timedelta(minutes=15)
    decisions.record_outcome(decision, actor=bob, outcome="worked", note="error rate back to 0.1%")
    decision.refresh_from_db()
    assert decision.state == Decision.State.CLOSED and decision.outcome == "worked" and decision.closed_at
    bodies = [e.body for e in incident.entries.filter(kind=EntryKind.DECISION)]
    assert bodies == [
        "carol proposed a decision: **Roll back checkout?** → Roll back to v2.4.0.\n\n"
        "- Also considered: Turn off new-cart flag\n- Risk: loses the tax fix\n"
        "- Revert plan: redeploy v2.4.1\n- Owner: Bob Ortiz\n- Time-box: 15 min",
        "Alice Ng decided: **Roll back checkout?** → Roll back to v2.4.0. Owner: Bob Ortiz. Time-box: 15 min.",
        "Bob Ortiz recorded the outcome of **Roll back checkout?** → Roll back to v2.4.0: **Worked**. error rate back to 0.1%",
    ]


def test_it_lets_the_ic_propose_and_decide_in_one_step(incident, alice):
    decision = _propose(incident, alice, decide=True)
    assert decision.state == Decision.State.DECIDED
    assert incident.entries.last().body.startswith("Alice Ng decided: **Roll back checkout?** → Roll back to v2.4.0.")


def test_it_lets_only_the_ic_decide(incident, bob):
    decision = _propose(incident, bob)
    with pytest.raises(actions.ActionConflict, match="Only the Incident Commander"):
        decisions.decide(decision, actor=bob)
    with pytest.raises(actions.ActionConflict, match="Only the Incident Commander"):
        _propose(incident, bob, decide=True)
    assert Decision.objects.count() == 1


def test_it_refuses_an_outcome_before_the_decision(incident, alice, bob):
    decision = _propose(incident, bob)
    with pytest.raises(actions.ActionConflict, match="only proposed"):
        decisions.record_outcome(decision, actor=alice, outcome="worked")
    decisions.decide(decision, actor=alice)
    with pytest.raises(actions.ActionError, match="Unknown outcome"):
        decisions.record_outcome(decision, actor=alice, outcome="great")
    decisions.record_outcome(decision, actor=alice, outcome="worse")
    with pytest.raises(actions.ActionConflict, match="already closed"):
        decisions.record_outcome(decision, actor=alice, outcome="worked")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"question": " "}, "The question cannot be empty."),
        ({"chosen": ""}, "The chosen option cannot be empty."),
        ({"timebox_minutes": 0}, "A time-box is between 1 and 1440 minutes."),
        ({"options": [f"o{i}" for i in range(11)]}, "List at most 10 options."),
    ],
)
def test_it_refuses_bad_proposals_and_writes_nothing(incident, alice, kwargs, message):
    with pytest.raises(actions.ActionError, match=message):
        _propose(incident, alice, **kwargs)
    assert Decision.objects.count() == 0 and incident.entries.count() == 1


def test_it_withdraws_a_proposal_but_keeps_it_in_the_log(incident, alice, bob):
    decision = _propose(incident, bob)
    decisions.withdraw_decision(decision, actor=bob, note="flag off is faster")
    decision.refresh_from_db()
    assert decision.state == Decision.State.WITHDRAWN and not decision.is_open
    assert (
        incident.entries.last().body
        == "Bob Ortiz withdrew the proposal **Roll back checkout?** → Roll back to v2.4.0. flag off is faster"
    )


def test_it_prefills_a_decision_from_the_catalogue(incident, checkout):
    flag = Mitigation.objects.create(
        service=checkout, kind=MitigationKind.FLAG_OFF, title="Turn off new-cart", risk="old cart is slower"
    )
    Mitigation.objects.create(service=checkout, kind=MitigationKind.RESTART, title="Restart pods")
    values = decisions.prefill_decision(incident, mitigation=flag)
    assert values["question"] == "How do we restore Checkout?"
    assert values["options"] == ["Turn off new-cart", "Restart pods"]
    assert values["chosen"] == "Turn off new-cart"
    assert values["risk"] == "old cart is slower"
    assert values["preconditions"] == "The suspect change sits behind a feature flag.", (
        "generic preconditions fill the gap"
    )


def test_it_prefills_a_rollback_from_a_deploy(incident, checkout):
    deploy = actions.record_deploy(service=checkout, version="v2.4.1")
    values = decisions.prefill_decision(incident, deploy=deploy)
    assert values["chosen"] == "Roll back Checkout from v2.4.1"
    assert values["mitigation_kind"] == "rollback"
    assert values["revert_plan"] == "Redeploy v2.4.1 once the cause is understood."


def test_it_says_once_when_a_time_box_expires(incident, alice, bob, django_capture_on_commit_callbacks):
    decision = _propose(incident, alice, decide=True, timebox_minutes=10, owner=bob)
    assert sweep_restore_reminders() == 0
    Decision.objects.filter(pk=decision.pk).update(timebox_until=timezone.now() - timedelta(seconds=1))
    decision.refresh_from_db()
    assert decision.timebox_expired()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_restore_reminders() == 1
    assert sweep_restore_reminders() == 0, "a second sweep (or a second beat) says nothing new"
    reminder = incident.entries.filter(kind=EntryKind.REMINDER).get()
    assert reminder.body == (
        "The 10-minute time-box of **Roll back checkout?** → Roll back to v2.4.0 has expired. "
        "Bob Ortiz, record the outcome (worked, no effect, made it worse) or decide again."
    )
