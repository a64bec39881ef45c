"""Actions of the restore stage: impact assessment and the severity it suggests, lifecycle timestamp
corrections, and the working-theories board. Decisions live beside, in decisions.py; the IC
hand-off is the kernel's (incidents/actions/roles.py). Like every action: validate, write in one transaction, record.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from incidents.actions import body_max_length, clean_text, display_name, lock_incident, record
from incidents.actions.base import check_not_too_early
from incidents.models import EntryKind, ImpactAssessment, Incident, Role, Service, Severity, Theory
from incidents.restore.severity_rules import Impact, suggest_severity
from warroom.errors import ActionConflict, ActionError
from warroom.markdown import render_markdown

#: Keep the assessment note and theory texts short enough to read in a side panel.
NOTE_MAX = 2000
HYPOTHESIS_MAX = 300


def require_commander(incident: Incident, actor, doing: str) -> None:
    """The IC decides; everyone else proposes. Raises 409 with who to ask."""
    commander = incident.holders().get(Role.COMMANDER)
    if commander is None or actor is None or commander.user_id != actor.pk:
        who = display_name(commander.user) if commander else "nobody"
        raise ActionConflict(
            f"Only the Incident Commander ({who}) can {doing}. Ask them, or take command first.", "actor"
        )


# --- impact and severity ---------------------------------------------------------------------------


def assess_impact(
    incident: Incident,
    *,
    actor,
    users_affected_pct: int,
    core_flow_down: bool,
    customer_visible: bool = False,
    services: Iterable[Service] | None = None,
    notes: str = "",
) -> ImpactAssessment:
    """Record who is hurt and how badly; suggests a severity that the IC then confirms or overrides.

    `services`, when given, become the incident's affected services (the recovery panel follows them).
    """
    if users_affected_pct is None or not 0 <= int(users_affected_pct) <= 100:
        raise ActionError("Users affected is a share between 0 and 100 %.", "users_affected_pct")
    users_affected_pct = int(users_affected_pct)
    notes = clean_text(notes, field="notes", label="Notes", max_length=NOTE_MAX, required=False)
    with transaction.atomic():
        incident = lock_incident(incident)
        if services is None:
            services = list(incident.services.all())
        else:
            services = list(services)
            incident.services.set(services)
        names = tuple(s.name for s in services)
        suggestion = suggest_severity(Impact(users_affected_pct, bool(core_flow_down), bool(customer_visible), names))
        assessment = ImpactAssessment.objects.create(
            incident=incident,
            users_affected_pct=users_affected_pct,
            core_flow_down=bool(core_flow_down),
            customer_visible=bool(customer_visible),
            notes=notes,
            suggested_severity=suggestion.severity,
            reason=suggestion.reason,
            assessed_by=actor,
        )
        assessment.services.set(services)
        facts = [
            f"services: {', '.join(names)}" if names else "no service named",
            f"{users_affected_pct}% of users affected",
            "core business flow down" if core_flow_down else "core flows working",
            "customer-visible" if customer_visible else "not customer-visible",
        ]
        body = f"{display_name(actor)} assessed the impact: {'; '.join(facts)}."
        if notes:
            body += f" Notes: {notes}"
        body += f"\n\nSuggested severity **{suggestion.severity}** ({suggestion.reason}); now {incident.severity}."
        record(
            incident,
            kind=EntryKind.IMPACT,
            body=body,
            actor=actor,
            metadata={
                "assessment": assessment.pk,
                "suggested_severity": suggestion.severity,
                "users_affected_pct": users_affected_pct,
                "core_flow_down": bool(core_flow_down),
                "customer_visible": bool(customer_visible),
                "services": [s.slug for s in services],
            },
        )
    return assessment


def confirm_severity(assessment: ImpactAssessment, *, actor, severity: str | None = None, reason: str = "") -> Incident:
    """The IC accepts the suggested severity (no `severity`) or overrides it; either way it is on the timeline."""
    chosen = severity or assessment.suggested_severity
    if chosen not in Severity.values:
        raise ActionError(f"Unknown severity “{chosen}”. Choose one of: {', '.join(Severity.values)}.", "severity")
    reason = clean_text(reason, field="reason", label="The reason", max_length=NOTE_MAX, required=False)
    with transaction.atomic():
        incident = lock_incident(assessment.incident)
        require_commander(incident, actor, "confirm the severity")
        assessment = ImpactAssessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.confirmed_at is not None:
            raise ActionConflict(
                f"This assessment was already settled as {assessment.confirmed_severity}. Assess again to change it."
            )
        previous = incident.severity
        assessment.confirmed_severity, assessment.confirmed_by, assessment.confirmed_at = chosen, actor, timezone.now()
        assessment.save(update_fields=["confirmed_severity", "confirmed_by", "confirmed_at"])
        if chosen == assessment.suggested_severity:
            body = f"{display_name(actor)} accepted the suggested severity **{chosen}** ({assessment.reason})"
        else:
            body = f"{display_name(actor)} set the severity to **{chosen}**, overriding the suggested {assessment.suggested_severity}"
            if reason:
                body += f". Reason: {reason}"
        body += f"; was {previous}." if previous != chosen else "; unchanged."
        if previous != chosen:
            incident.severity = chosen
            incident.save(update_fields=["severity", "updated_at"])
        record(
            incident,
            kind=EntryKind.SEVERITY,
            body=body,
            actor=actor,
            metadata={
                "from": previous,
                "to": chosen,
                "assessment": assessment.pk,
                "suggested": assessment.suggested_severity,
            },
        )
    return incident


# --- lifecycle timestamps ---------------------------------------------------------------------------

EDITABLE_TIMES = {"started_at": "start", "detected_at": "detection", "acknowledged_at": "acknowledgement"}


def edit_timestamps(incident: Incident, *, actor, **times: datetime | None) -> Incident:
    """Correct when impact started, was detected or acknowledged; the previous values stay in the entry."""
    unknown = set(times) - set(EDITABLE_TIMES)
    if unknown:
        raise ActionError(f"Only {', '.join(EDITABLE_TIMES)} can be corrected.", sorted(unknown)[0])
    now = timezone.now()
    with transaction.atomic():
        incident = lock_incident(incident)
        changes = {field: value for field, value in times.items() if value != getattr(incident, field)}
        if "started_at" in changes and changes["started_at"] is None:
            raise ActionError("An incident always has a start time.", "started_at")
        if not changes:
            raise ActionConflict("Nothing changed.", next(iter(times), None))
        after = {field: changes.get(field, getattr(incident, field)) for field in EDITABLE_TIMES}
        _check_order(after, incident, now)
        sentences = []
        for field, value in changes.items():
            before = getattr(incident, field)
            setattr(incident, field, value)
            was = f" (was {_hm(before)})" if before else ""
            sentences.append(f"{EDITABLE_TIMES[field]} {_hm(value) if value else 'cleared'}{was}")
        incident.save(update_fields=[*changes, "updated_at"])
        record(
            incident,
            kind=EntryKind.LIFECYCLE,
            body=f"{display_name(actor)} corrected the {'; '.join(sentences)}.",
            actor=actor,
            metadata={"changes": {f: v.isoformat() if v else None for f, v in changes.items()}},
        )
    return incident


def _check_order(times: dict, incident: Incident, now: datetime) -> None:
    for field, value in times.items():
        if value and value > now + timedelta(minutes=5):
            raise ActionError(f"The {EDITABLE_TIMES[field]} time is in the future.", field)
        check_not_too_early(value, field=field, label=f"The {EDITABLE_TIMES[field]} time")
    started, detected, acknowledged = times["started_at"], times["detected_at"], times["acknowledged_at"]
    if detected and detected < started:
        raise ActionError("Detection cannot come before the impact started.", "detected_at")
    if acknowledged and detected and acknowledged < detected:
        raise ActionError("Acknowledgement cannot come before detection.", "acknowledged_at")
    if incident.mitigated_at and started > incident.mitigated_at:
        raise ActionError("The start cannot come after the mitigation.", "started_at")


def _hm(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


# --- working theories -------------------------------------------------------------------------------

_THEORY_VERBS = {
    Theory.State.RULED_OUT: "ruled out",
    Theory.State.CONFIRMED: "confirmed",
    Theory.State.OPEN: "reopened",
}


def add_theory(incident: Incident, *, actor, hypothesis: str, evidence: str = "") -> Theory:
    hypothesis = clean_text(hypothesis, field="hypothesis", label="The hypothesis", max_length=HYPOTHESIS_MAX)
    evidence = clean_text(
        evidence, field="evidence", label="The evidence", max_length=body_max_length(), required=False
    )
    with transaction.atomic():
        incident = lock_incident(incident)
        theory = Theory.objects.create(
            incident=incident,
            hypothesis=hypothesis,
            evidence=evidence,
            evidence_html=render_markdown(evidence),
            created_by=actor,
        )
        body = f"{display_name(actor)} added a working theory: *{hypothesis}*"
        body += f"\n\nEvidence: {evidence}" if evidence else "."
        record(
            incident,
            kind=EntryKind.THEORY,
            body=body,
            actor=actor,
            metadata={"theory": theory.pk, "state": theory.state},
        )
    return theory


def set_theory_state(theory: Theory, *, actor, state: str, evidence: str = "") -> Theory:
    """Rule a theory out, confirm it or reopen it; the evidence is appended, never replaced."""
    if state not in Theory.State.values:
        raise ActionError(f"Unknown theory state “{state}”. Choose one of: {', '.join(Theory.State.values)}.", "state")
    evidence = clean_text(
        evidence, field="evidence", label="The evidence", max_length=body_max_length(), required=False
    )
    with transaction.atomic():
        incident = lock_incident(theory.incident)
        theory = Theory.objects.select_for_update().get(pk=theory.pk)
        if theory.state == state:
            raise ActionConflict(f"The theory is already {theory.get_state_display().lower()}.", "state")
        previous = theory.state
        theory.state = state
        if evidence:
            theory.evidence = f"{theory.evidence}\n\n{evidence}".strip()
            theory.evidence_html = render_markdown(theory.evidence)
        theory.save(update_fields=["state", "evidence", "evidence_html", "updated_at"])
        body = f"{display_name(actor)} {_THEORY_VERBS[Theory.State(state)]} the theory *{theory.hypothesis}*"
        body += f": {evidence}" if evidence else "."
        record(
            incident,
            kind=EntryKind.THEORY,
            body=body,
            actor=actor,
            metadata={"theory": theory.pk, "from": previous, "state": state},
        )
    return theory
