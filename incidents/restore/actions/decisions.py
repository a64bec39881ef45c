"""The decision log: a decision is proposed (question, options, chosen option, risk, revert plan),
decided by the IC, owned by someone (the Tech Lead by default), optionally time-boxed, and closed with
an outcome. Choosing a mitigation in the recovery panel starts one prefilled (see `prefill_decision`).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from incidents.actions import body_max_length, clean_text, display_name, lock_incident, record
from incidents.actions.authority import may_withdraw_decision
from incidents.models import (
    GENERIC_MITIGATIONS,
    Decision,
    Deploy,
    EntryKind,
    Incident,
    Mitigation,
    MitigationKind,
    Role,
)
from warroom.errors import ActionConflict, ActionError, NotAllowed

from .impact import require_commander

QUESTION_MAX = 300
MAX_OPTIONS = 10
MAX_TIMEBOX_MINUTES = 24 * 60


def propose_decision(
    incident: Incident,
    *,
    actor,
    question: str,
    chosen: str,
    options: list[str] | None = None,
    risk: str = "",
    revert_plan: str = "",
    owner=None,
    timebox_minutes: int | None = None,
    mitigation: Mitigation | None = None,
    mitigation_kind: str = "",
    deploy: Deploy | None = None,
    decide: bool = False,
) -> Decision:
    """Put a decision on the log; with `decide=True` the IC proposes and decides in one step."""
    body_max = body_max_length()
    question = clean_text(question, field="question", label="The question", max_length=QUESTION_MAX)
    chosen = clean_text(chosen, field="chosen", label="The chosen option", max_length=QUESTION_MAX)
    options = [o.strip() for o in (options or []) if o and o.strip()]
    if len(options) > MAX_OPTIONS:
        raise ActionError(f"List at most {MAX_OPTIONS} options.", "options")
    if any(len(o) > QUESTION_MAX for o in options):
        raise ActionError(f"Each option has at most {QUESTION_MAX} characters.", "options")
    if chosen not in options:
        options.append(chosen)
    risk = clean_text(risk, field="risk", label="The risk", max_length=body_max, required=False)
    revert_plan = clean_text(
        revert_plan, field="revert_plan", label="The revert plan", max_length=body_max, required=False
    )
    if timebox_minutes is not None and not 1 <= timebox_minutes <= MAX_TIMEBOX_MINUTES:
        raise ActionError(f"A time-box is between 1 and {MAX_TIMEBOX_MINUTES} minutes.", "timebox_minutes")
    if mitigation_kind and mitigation_kind not in MitigationKind.values:
        raise ActionError(f"Unknown mitigation “{mitigation_kind}”.", "mitigation_kind")
    if owner is not None and not owner.is_active:
        raise ActionError("The owner must be an active user.", "owner")
    with transaction.atomic():
        incident = lock_incident(incident)
        if not incident.is_open:
            raise ActionConflict(f"{incident.ref} is resolved; reopen it to log new decisions.")
        if decide:
            require_commander(incident, actor, "decide")
        if owner is None:
            tech_lead = incident.holders().get(Role.TECH_LEAD)
            owner = tech_lead.user if tech_lead else None
        now = timezone.now()
        decision = Decision.objects.create(
            incident=incident,
            question=question,
            options=options,
            chosen=chosen,
            risk=risk,
            revert_plan=revert_plan,
            owner=owner,
            timebox_minutes=timebox_minutes,
            mitigation=mitigation,
            mitigation_kind=mitigation_kind or (mitigation.kind if mitigation else ""),
            deploy=deploy,
            proposed_by=actor,
            proposed_at=now,
        )
        if decide:
            _mark_decided(decision, actor, now)
        verb = "decided" if decide else "proposed a decision"
        body = f"{display_name(actor)} {verb}: **{question}** → {chosen}."
        body += _decision_details(decision)
        record(incident, kind=EntryKind.DECISION, body=body, actor=actor, metadata=_meta(decision))
    return decision


def decide(decision: Decision, *, actor) -> Decision:
    """The IC takes a proposed decision; its time-box starts now."""
    with transaction.atomic():
        incident = lock_incident(decision.incident)
        require_commander(incident, actor, "decide")
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.state != Decision.State.PROPOSED:
            raise ActionConflict(f"The decision is already {decision.get_state_display().lower()}.", "state")
        _mark_decided(decision, actor, timezone.now())
        body = f"{display_name(actor)} decided: **{decision.question}** → {decision.chosen}."
        if decision.owner:
            body += f" Owner: {display_name(decision.owner)}."
        if decision.timebox_until:
            body += f" Time-box: {decision.timebox_minutes} min."
        record(incident, kind=EntryKind.DECISION, body=body, actor=actor, metadata=_meta(decision))
    return decision


def record_outcome(decision: Decision, *, actor, outcome: str, note: str = "") -> Decision:
    """Close a decided decision with what happened: worked, no effect, or made it worse."""
    if outcome not in Decision.Outcome.values:
        raise ActionError(
            f"Unknown outcome “{outcome}”. Choose one of: {', '.join(Decision.Outcome.values)}.", "outcome"
        )
    note = clean_text(note, field="note", label="The note", max_length=body_max_length(), required=False)
    with transaction.atomic():
        incident = lock_incident(decision.incident)
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.state == Decision.State.PROPOSED:
            raise ActionConflict(
                "The decision is only proposed; the Incident Commander decides it before it has an outcome.", "outcome"
            )
        if decision.state != Decision.State.DECIDED:
            raise ActionConflict(f"The decision is already {decision.get_state_display().lower()}.", "outcome")
        decision.state, decision.outcome, decision.outcome_note, decision.closed_at = (
            Decision.State.CLOSED,
            outcome,
            note,
            timezone.now(),
        )
        decision.save(update_fields=["state", "outcome", "outcome_note", "closed_at"])
        body = f"{display_name(actor)} recorded the outcome of **{decision.question}** → {decision.chosen}: **{decision.get_outcome_display()}**."
        if note:
            body += f" {note}"
        record(incident, kind=EntryKind.DECISION, body=body, actor=actor, metadata=_meta(decision))
    return decision


def withdraw_decision(decision: Decision, *, actor, note: str = "") -> Decision:
    """Take a proposal off the table (it stays in the log, marked withdrawn)."""
    note = clean_text(note, field="note", label="The note", max_length=body_max_length(), required=False)
    with transaction.atomic():
        incident = lock_incident(decision.incident)
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.state != Decision.State.PROPOSED:
            raise ActionConflict(
                "Only a proposed decision can be withdrawn; a decided one is closed with its outcome.", "state"
            )
        refusal = may_withdraw_decision(incident, decision, actor=actor)
        if refusal:
            raise NotAllowed(refusal, "state")
        decision.state, decision.closed_at = Decision.State.WITHDRAWN, timezone.now()
        decision.save(update_fields=["state", "closed_at"])
        body = f"{display_name(actor)} withdrew the proposal **{decision.question}** → {decision.chosen}."
        if note:
            body += f" {note}"
        record(incident, kind=EntryKind.DECISION, body=body, actor=actor, metadata=_meta(decision))
    return decision


def prefill_decision(
    incident: Incident, *, mitigation: Mitigation | None = None, kind: str = "", service=None, deploy=None
) -> dict:
    """Form values for a decision started from the recovery panel: a catalogue entry, a generic one, or a deploy."""
    if deploy is not None:
        service, kind = deploy.service, MitigationKind.ROLLBACK
    elif mitigation is not None:
        service, kind = mitigation.service, mitigation.kind
    kind = MitigationKind(kind) if kind in MitigationKind.values else MitigationKind.ROLLBACK
    catalogue = list(service.mitigations.all()) if service is not None else []
    if mitigation is None:
        mitigation = next((m for m in catalogue if m.kind == kind), None)
    preconditions, risk = GENERIC_MITIGATIONS[kind]
    if mitigation is not None:
        preconditions, risk = mitigation.preconditions or preconditions, mitigation.risk or risk
    label = mitigation.label if mitigation else kind.label
    where = service.name if service is not None else incident.title
    options = [m.label for m in catalogue] or [k.label for k in MitigationKind]
    chosen = label
    revert = ""
    if deploy is not None:
        chosen = f"Roll back {service.name} from {deploy.version}"
        revert = f"Redeploy {deploy.version} once the cause is understood."
    return {
        "question": f"How do we restore {where}?",
        "options": options if chosen in options else [*options, chosen],
        "chosen": chosen,
        "risk": risk,
        "revert_plan": revert,
        "preconditions": preconditions,
        "mitigation": mitigation,
        "mitigation_kind": kind.value,
        "deploy": deploy,
    }


def _mark_decided(decision: Decision, actor, now) -> None:
    decision.state, decision.decided_by, decision.decided_at = Decision.State.DECIDED, actor, now
    if decision.timebox_minutes:
        decision.timebox_until = now + timedelta(minutes=decision.timebox_minutes)
    decision.save(update_fields=["state", "decided_by", "decided_at", "timebox_until"])


def _decision_details(decision: Decision) -> str:
    lines = []
    others = [o for o in decision.options if o != decision.chosen]
    if others:
        lines.append(f"- Also considered: {'; '.join(others)}")
    if decision.risk:
        lines.append(f"- Risk: {decision.risk}")
    if decision.revert_plan:
        lines.append(f"- Revert plan: {decision.revert_plan}")
    if decision.owner:
        lines.append(f"- Owner: {display_name(decision.owner)}")
    if decision.timebox_minutes:
        lines.append(f"- Time-box: {decision.timebox_minutes} min")
    return "\n\n" + "\n".join(lines) if lines else ""


def _meta(decision: Decision) -> dict:
    return {"decision": decision.pk, "state": decision.state, "outcome": decision.outcome or None}
