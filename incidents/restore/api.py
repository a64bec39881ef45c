"""Restore-stage endpoints of the JSON API: change records (deploys, flag changes), impact assessment
and severity, lifecycle times, decisions, working theories and the IC hand-off."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from incidents import actions
from incidents import actions as handoff
from incidents.access import can_write, get_incident_for_user
from incidents.api import Error, IncidentOut, fresh_incident_json, user_named
from incidents.models import Decision, HandOff, Incident, Role, Service, Theory

from . import actions as decisions
from . import actions as restore
from .panels import restore_context
from .schemas import (
    AssessmentIn,
    AssessmentOut,
    ConfirmIn,
    DecisionIn,
    DecisionList,
    DecisionOut,
    DeployIn,
    DeployOut,
    FlagChangeIn,
    FlagChangeOut,
    OutcomeIn,
    RecoveryOut,
    TheoryIn,
    TheoryList,
    TheoryOut,
    TheoryStateIn,
    TimestampsIn,
)

User = get_user_model()
router = Router(tags=["restore"])

ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error}


# --- helpers ----------------------------------------------------------------------------------------------


def _writer(request) -> None:
    if not can_write(request.user):
        raise PermissionDenied("Observers can read but not change anything.")


def _service(slug: str) -> Service:
    service = Service.objects.filter(slug=slug).first()
    if service is None:
        raise actions.ActionError(f"Unknown service “{slug}”. Add it in the admin first.", "service")
    return service


def _services(slugs: list[str]) -> list[Service]:
    slugs = list(dict.fromkeys(slugs))
    services = list(Service.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {s.slug for s in services})
    if unknown:
        raise actions.ActionError(f"Unknown service(s): {', '.join(unknown)}.", "services")
    return services


def _url(value: str) -> str:
    if value and not value.startswith(("http://", "https://")):
        raise actions.ActionError("The url must start with http:// or https://.", "url")
    return value


def _decision(request, decision_id: int) -> Decision:
    decision = get_object_or_404(Decision.objects.select_related("owner"), pk=decision_id)
    get_incident_for_user(request.user, decision.incident_id, write=True)
    return decision


def deploy_json(deploy) -> dict:
    fields = ("id", "version", "environment", "deployed_at", "deployed_by", "url")
    return {**{f: getattr(deploy, f) for f in fields}, "service": deploy.service.slug}


def flag_change_json(change) -> dict:
    fields = ("id", "flag", "enabled", "changed_at", "changed_by")
    return {**{f: getattr(change, f) for f in fields}, "service": change.service.slug}


def assessment_json(a) -> dict:
    return {
        "id": a.pk,
        "suggested_severity": a.suggested_severity,
        "reason": a.reason,
        "services": [s.slug for s in a.services.all()],
        "users_affected_pct": a.users_affected_pct,
        "core_flow_down": a.core_flow_down,
        "customer_visible": a.customer_visible,
        "confirmed_severity": a.confirmed_severity or None,
    }


def decision_json(d: Decision) -> dict:
    return {
        "id": d.pk,
        "incident": d.incident_id,
        "question": d.question,
        "options": d.options,
        "chosen": d.chosen,
        "risk": d.risk,
        "revert_plan": d.revert_plan,
        "state": d.state,
        "owner": d.owner.get_username() if d.owner else None,
        "timebox_until": d.timebox_until,
        "timebox_expired": d.timebox_expired(),
        "outcome": d.outcome or None,
        "outcome_note": d.outcome_note,
    }


def theory_json(t: Theory) -> dict:
    return {"id": t.pk, "hypothesis": t.hypothesis, "evidence": t.evidence, "state": t.state}


# --- change records ---------------------------------------------------------------------------------------


@router.post("/deploys", response={201: DeployOut, **ERRORS}, summary="Record a deploy")
def create_deploy(request, payload: DeployIn):
    _writer(request)
    deploy = actions.record_deploy(
        service=_service(payload.service),
        version=payload.version,
        environment=payload.environment,
        deployed_at=payload.deployed_at,
        deployed_by=payload.deployed_by,
        url=_url(payload.url),
        source="api",
        external_id=payload.external_id,
    )
    return Status(201, deploy_json(deploy))


@router.post("/flag-changes", response={201: FlagChangeOut, **ERRORS}, summary="Record a feature-flag change")
def create_flag_change(request, payload: FlagChangeIn):
    _writer(request)
    change = actions.record_flag_change(
        service=_service(payload.service),
        flag=payload.flag,
        enabled=payload.enabled,
        changed_at=payload.changed_at,
        changed_by=payload.changed_by,
        url=_url(payload.url),
    )
    return Status(201, flag_change_json(change))


@router.get(
    "/incidents/{int:incident_id}/recovery",
    response={200: RecoveryOut, **ERRORS},
    summary="Recovery options and recent changes",
)
def recovery(request, incident_id: int):
    incident = get_incident_for_user(request.user, incident_id, queryset=Incident.objects.prefetch_related("services"))
    data = restore_context(incident)

    def mitigations(row) -> list[dict]:
        if not row["mitigations"]:
            return data["generic_mitigations"]
        return [
            {"kind": m.kind, "label": m.label, "preconditions": m.preconditions, "risk": m.risk}
            for m in row["mitigations"]
        ]

    preceding = data["preceding_deploy"]
    return {
        "services": [{"service": row["service"].slug, "mitigations": mitigations(row)} for row in data["recovery"]],
        "deploys": [deploy_json(d) for d in data["deploys"]],
        "flag_changes": [flag_change_json(f) for f in data["flag_changes"]],
        "preceding_deploy": preceding.pk if preceding else None,
    }


# --- impact, severity, times ------------------------------------------------------------------------------


@router.post(
    "/incidents/{int:incident_id}/assessment",
    response={200: AssessmentOut, **ERRORS},
    summary="Assess impact, get a severity",
)
def assess(request, incident_id: int, payload: AssessmentIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    services = _services(payload.services) if payload.services is not None else None
    assessment = restore.assess_impact(
        incident,
        actor=request.user,
        services=services,
        users_affected_pct=payload.users_affected_pct,
        core_flow_down=payload.core_flow_down,
        customer_visible=payload.customer_visible,
        notes=payload.notes,
    )
    return assessment_json(assessment)


@router.post(
    "/incidents/{int:incident_id}/assessment/confirm",
    response={200: IncidentOut, **ERRORS},
    summary="The IC accepts the suggested severity or overrides it",
)
def confirm(request, incident_id: int, payload: ConfirmIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    assessment = incident.assessments.first()
    if assessment is None:
        raise actions.ActionConflict("Assess the impact first: there is no suggestion to confirm.")
    restore.confirm_severity(assessment, actor=request.user, severity=payload.severity, reason=payload.reason)
    return fresh_incident_json(request, incident)


@router.patch(
    "/incidents/{int:incident_id}/timestamps", response={200: IncidentOut, **ERRORS}, summary="Correct lifecycle times"
)
def timestamps(request, incident_id: int, payload: TimestampsIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    restore.edit_timestamps(incident, actor=request.user, **payload.dict(exclude_unset=True))
    return fresh_incident_json(request, incident)


# --- decisions --------------------------------------------------------------------------------------------


@router.get(
    "/incidents/{int:incident_id}/decisions", response={200: DecisionList, **ERRORS}, summary="The decision log"
)
def list_decisions(request, incident_id: int):
    incident = get_incident_for_user(request.user, incident_id)
    return {"items": [decision_json(d) for d in incident.decisions.select_related("owner")]}


@router.post(
    "/incidents/{int:incident_id}/decisions",
    response={201: DecisionOut, **ERRORS},
    summary="Propose or take a decision",
)
def propose(request, incident_id: int, payload: DecisionIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    decision = decisions.propose_decision(
        incident,
        actor=request.user,
        question=payload.question,
        options=payload.options,
        chosen=payload.chosen,
        risk=payload.risk,
        revert_plan=payload.revert_plan,
        owner=user_named(payload.owner, "owner"),
        timebox_minutes=payload.timebox_minutes,
        decide=payload.decide,
    )
    return Status(201, decision_json(decision))


@router.post(
    "/decisions/{int:decision_id}/decide", response={200: DecisionOut, **ERRORS}, summary="The IC decides a proposal"
)
def decide(request, decision_id: int):
    return decision_json(decisions.decide(_decision(request, decision_id), actor=request.user))


@router.post(
    "/decisions/{int:decision_id}/withdraw", response={200: DecisionOut, **ERRORS}, summary="Withdraw a proposal"
)
def withdraw(request, decision_id: int):
    return decision_json(decisions.withdraw_decision(_decision(request, decision_id), actor=request.user))


@router.post(
    "/decisions/{int:decision_id}/outcome",
    response={200: DecisionOut, **ERRORS},
    summary="Close a decision with its outcome",
)
def outcome(request, decision_id: int, payload: OutcomeIn):
    decision = decisions.record_outcome(
        _decision(request, decision_id), actor=request.user, outcome=payload.outcome, note=payload.note
    )
    return decision_json(decision)


# --- theories ---------------------------------------------------------------------------------------------


@router.get("/incidents/{int:incident_id}/theories", response={200: TheoryList, **ERRORS}, summary="Working theories")
def list_theories(request, incident_id: int):
    incident = get_incident_for_user(request.user, incident_id)
    return {"items": [theory_json(t) for t in incident.theories.all()]}


@router.post(
    "/incidents/{int:incident_id}/theories", response={201: TheoryOut, **ERRORS}, summary="Add a working theory"
)
def add_theory(request, incident_id: int, payload: TheoryIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    theory = restore.add_theory(incident, actor=request.user, hypothesis=payload.hypothesis, evidence=payload.evidence)
    return Status(201, theory_json(theory))


@router.post(
    "/theories/{int:theory_id}/state",
    response={200: TheoryOut, **ERRORS},
    summary="Rule out, confirm or reopen a theory",
)
def theory_state(request, theory_id: int, payload: TheoryStateIn):
    theory = get_object_or_404(Theory, pk=theory_id)
    get_incident_for_user(request.user, theory.incident_id, write=True)
    return theory_json(
        restore.set_theory_state(theory, actor=request.user, state=payload.state, evidence=payload.evidence)
    )


# --- hand-off ---------------------------------------------------------------------------------------------


@router.post(
    "/incidents/{int:incident_id}/handoff/accept",
    response={200: IncidentOut, **ERRORS},
    summary="Accept command offered to you (offer it with POST /incidents/{id}/roles)",
)
def accept_handoff(request, incident_id: int):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    handoff.accept_handoff(_pending_offer(incident), actor=request.user)
    return fresh_incident_json(request, incident)


@router.post(
    "/incidents/{int:incident_id}/handoff/cancel",
    response={200: IncidentOut, **ERRORS},
    summary="Decline command offered to you, or withdraw the offer",
)
def cancel_handoff(request, incident_id: int):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    handoff.cancel_handoff(_pending_offer(incident), actor=request.user)
    return fresh_incident_json(request, incident)


def _pending_offer(incident) -> HandOff:
    offer = HandOff.objects.filter(
        incident=incident, role=Role.COMMANDER, accepted_at__isnull=True, cancelled_at__isnull=True
    ).first()
    if offer is None:
        raise actions.ActionConflict(
            "Nobody has offered command of this incident; ask the Incident Commander to hand off."
        )
    return offer
