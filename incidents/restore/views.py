"""Pages and htmx answers of the restore panels: impact, timestamps, decisions, theories, hand-off.

Short views: access check, form, action, then the same partials the live feed pushes. A form with
errors comes back with them and 422; plain posts redirect to the room with a message.
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from incidents import actions as handoff
from incidents.access import get_incident_for_user
from incidents.models import Deploy, HandOff, Incident, Mitigation, Service
from incidents.room.answers import form_answer, newest_entry_id, run_control, run_form

from . import actions as decisions
from . import actions as restore
from .forms import (
    AssessmentForm,
    ConfirmSeverityForm,
    DecisionForm,
    OutcomeForm,
    TheoryForm,
    TheoryStateForm,
    TimestampsForm,
)


def _incident(request, pk) -> Incident:
    return get_incident_for_user(request.user, pk, write=True, queryset=Incident.objects.prefetch_related("services"))


# --- impact and timestamps -----------------------------------------------------------------------------


@require_POST
def assess(request, pk):
    incident = _incident(request, pk)
    form = AssessmentForm(request.POST)

    def action(data):
        restore.assess_impact(
            incident,
            actor=request.user,
            services=data["services"],
            users_affected_pct=data["users_affected_pct"],
            core_flow_down=data["core_flow_down"],
            customer_visible=data["customer_visible"],
            notes=data["notes"],
        )

    before = newest_entry_id(incident)
    ok = run_form(form, action)
    return form_answer(
        request,
        incident,
        after=before,
        ok=ok,
        template="incidents/_restore.html#impact-form",
        context={"assessment_form": form, "form": form},
    )


@require_POST
def confirm_severity(request, pk, assessment_id):
    def perform(incident, data):
        assessment = get_object_or_404(incident.assessments, pk=assessment_id)
        restore.confirm_severity(
            assessment, actor=request.user, severity=data["severity"] or None, reason=data["reason"]
        )

    return run_control(
        request, pk, perform, form_class=ConfirmSeverityForm, panel="restore", control="confirm-severity"
    )


@require_POST
def edit_timestamps(request, pk):
    incident = _incident(request, pk)
    form = TimestampsForm(request.POST)
    before = newest_entry_id(incident)
    ok = run_form(form, lambda data: restore.edit_timestamps(incident, actor=request.user, **form.changes(incident)))
    if ok:
        incident.refresh_from_db()
        form = TimestampsForm(initial={f: getattr(incident, f) for f in TimestampsForm.base_fields})
    return form_answer(
        request,
        incident,
        after=before,
        ok=ok,
        template="incidents/_restore.html#timestamps-form",
        context={"timestamps_form": form, "form": form},
    )


# --- decisions -------------------------------------------------------------------------------------------


@require_GET
def decision_new(request, pk):
    """A decision form, prefilled when it comes from the recovery panel (a catalogue entry, a generic mitigation, a deploy)."""
    incident = _incident(request, pk)
    services = incident.services.all()
    deploy = _get(Deploy.objects.select_related("service").filter(service__in=services), request.GET.get("deploy"))
    mitigation = _get(
        Mitigation.objects.select_related("service").filter(service__in=services), request.GET.get("mitigation")
    )
    service = _get(Service.objects.all(), request.GET.get("service"))
    initial, preconditions = {}, ""
    if deploy or mitigation or service:
        values = decisions.prefill_decision(
            incident, mitigation=mitigation, kind=request.GET.get("kind", ""), service=service, deploy=deploy
        )
        initial = {
            **{k: values[k] for k in ("question", "chosen", "risk", "revert_plan", "mitigation_kind")},
            "options": "\n".join(values["options"]),
            "mitigation": values["mitigation"].pk if values["mitigation"] else None,
            "deploy": deploy.pk if deploy else None,
        }
        preconditions = values["preconditions"]
    context = {
        "incident": incident,
        "form": DecisionForm(initial=initial),
        "preconditions": preconditions,
        "can_write": True,
        "in_panel": bool(request.htmx),
    }
    if request.htmx:
        return render(request, "incidents/restore_decision.html#decision-form", context)
    return render(request, "incidents/restore_decision.html", context)


@require_POST
def propose_decision(request, pk):
    incident = _incident(request, pk)
    form = DecisionForm(request.POST)

    def action(data):
        decisions.propose_decision(
            incident,
            actor=request.user,
            question=data["question"],
            options=data["options"],
            chosen=data["chosen"],
            risk=data["risk"],
            revert_plan=data["revert_plan"],
            owner=data["owner"],
            timebox_minutes=data["timebox_minutes"],
            mitigation=_get(Mitigation.objects.filter(service__in=incident.services.all()), data["mitigation"]),
            mitigation_kind=data["mitigation_kind"],
            deploy=_get(Deploy.objects.all(), data["deploy"]),
            decide=bool(request.POST.get("decide")),
        )

    before = newest_entry_id(incident)
    ok = run_form(form, action)
    context = {"incident": incident, "form": form, "can_write": True, "in_panel": bool(request.htmx)}
    if not request.htmx:
        if ok:
            return redirect(incident)
        return render(request, "incidents/restore_decision.html", context, status=422)
    # The box under the decision list: emptied once the decision is logged, the form again with its errors if not.
    template = "incidents/_restore_empty.html" if ok else "incidents/restore_decision.html#decision-form"
    return form_answer(request, incident, after=before, ok=ok, template=template, context=context)


@require_POST
def decide(request, pk, decision_id):
    def perform(incident, data):
        decisions.decide(_decision(incident, decision_id), actor=request.user)

    return run_control(request, pk, perform, panel="restore", control=f"decision-{decision_id}")


@require_POST
def withdraw_decision(request, pk, decision_id):
    def perform(incident, data):
        decisions.withdraw_decision(_decision(incident, decision_id), actor=request.user)

    return run_control(request, pk, perform, panel="restore", control=f"decision-{decision_id}")


@require_POST
def decision_outcome(request, pk, decision_id):
    def perform(incident, data):
        decisions.record_outcome(
            _decision(incident, decision_id), actor=request.user, outcome=data["outcome"], note=data["note"]
        )

    return run_control(request, pk, perform, form_class=OutcomeForm, panel="restore", control=f"decision-{decision_id}")


def _decision(incident: Incident, decision_id: int):
    return get_object_or_404(incident.decisions, pk=decision_id)


# --- theories and hand-off -----------------------------------------------------------------------------


@require_POST
def add_theory(request, pk):
    incident = _incident(request, pk)
    form = TheoryForm(request.POST)
    before = newest_entry_id(incident)
    ok = run_form(form, lambda data: restore.add_theory(incident, actor=request.user, **data))
    context = {"theory_form": TheoryForm() if ok else form, "form": form}
    return form_answer(
        request, incident, after=before, ok=ok, template="incidents/_restore_theories.html#theory-form", context=context
    )


@require_POST
def theory_state(request, pk, theory_id):
    def perform(incident, data):
        restore.set_theory_state(get_object_or_404(incident.theories, pk=theory_id), actor=request.user, **data)

    return run_control(
        request, pk, perform, form_class=TheoryStateForm, panel="theories", control=f"theory-{theory_id}"
    )


@require_POST
def accept_handoff(request, pk, handoff_id):
    def perform(incident, data):
        handoff.accept_handoff(_offer(incident, handoff_id), actor=request.user)

    return run_control(request, pk, perform, panel="roles", control="role-commander")


@require_POST
def cancel_handoff(request, pk, handoff_id):
    def perform(incident, data):
        handoff.cancel_handoff(_offer(incident, handoff_id), actor=request.user)

    return run_control(request, pk, perform, panel="roles", control="role-commander")


def _offer(incident: Incident, handoff_id: int) -> HandOff:
    return get_object_or_404(HandOff.objects.filter(incident=incident), pk=handoff_id)


def _get(queryset, pk):
    try:
        return queryset.filter(pk=int(pk)).first() if pk not in (None, "") else None
    except (TypeError, ValueError):
        return None
