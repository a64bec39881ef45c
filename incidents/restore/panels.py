"""The restore panels of the room: recovery options, impact, lifecycle, decisions, and the theories board.

Loaded with a fixed number of queries and shared by both panels; registered with the room's panel
registry, which renders them for the page, htmx answers and live pushes alike.
"""

from datetime import timedelta

from django.utils import timezone

from incidents.actions.base import EARLIEST_TIME
from incidents.models import GENERIC_MITIGATIONS, Decision, Deploy, FlagChange, Incident, Mitigation, Severity, Theory
from incidents.room.panels import Loads, Panel, register

from .forms import AssessmentForm, TheoryForm, TimestampsForm

#: How far before the start of impact the recovery panel looks for deploys and flag changes.
CHANGE_WINDOW = timedelta(hours=24)
CHANGES_SHOWN = 30


def restore_context(incident) -> dict:
    """Everything the restore panel and the theories board show: 7 queries whatever the counts."""
    now = timezone.now()
    services = list(incident.services.all())
    # A start time from before the record's sane window (kept from older data) must not take the room down.
    since = max(min(incident.started_at, now), EARLIEST_TIME + CHANGE_WINDOW) - CHANGE_WINDOW
    catalogue: dict[int, list] = {s.pk: [] for s in services}
    for mitigation in Mitigation.objects.filter(service__in=services):
        catalogue[mitigation.service_id].append(mitigation)
    generic = [
        {"kind": kind.value, "label": kind.label, "preconditions": pre, "risk": risk}
        for kind, (pre, risk) in GENERIC_MITIGATIONS.items()
    ]
    deploys = list(
        Deploy.objects.filter(service__in=services, deployed_at__gte=since).select_related("service")[:CHANGES_SHOWN]
    )
    preceding = next((d for d in deploys if d.deployed_at <= incident.started_at), None)
    flags = list(
        FlagChange.objects.filter(service__in=services, changed_at__gte=since).select_related("service")[:CHANGES_SHOWN]
    )
    decisions = list(Decision.objects.filter(incident=incident).select_related("owner", "decided_by", "proposed_by"))
    theories = sorted(Theory.objects.filter(incident=incident), key=lambda t: (_THEORY_ORDER[t.state], t.created_at))
    assessment = incident.assessments.prefetch_related("services").first()
    return {
        "incident": incident,
        "now": now,
        "recovery": [{"service": s, "mitigations": catalogue[s.pk]} for s in services],
        "generic_mitigations": generic,
        "deploys": deploys,
        "preceding_deploy": preceding,
        "flag_changes": flags,
        "open_decisions": [d for d in decisions if d.is_open],
        "closed_decisions": [d for d in decisions if not d.is_open][::-1],
        "theories": theories,
        "assessment": assessment,
        "outcomes": Decision.Outcome.choices,
        "severities": Severity.choices,
    }


_THEORY_ORDER = {"open": 0, "confirmed": 1, "ruled_out": 2}


def restore_panel_context(incident: Incident, loads: Loads) -> dict:
    data = loads.get_or_load("restore", lambda: restore_context(incident))
    assessment = data["assessment"]
    initial = {"services": list(incident.services.all())}
    if assessment is not None:
        initial.update(
            users_affected_pct=assessment.users_affected_pct,
            core_flow_down=assessment.core_flow_down,
            customer_visible=assessment.customer_visible,
            notes=assessment.notes,
        )
    times = {f: getattr(incident, f) for f in ("started_at", "detected_at", "acknowledged_at")}
    return {
        **data,
        "assessment_form": AssessmentForm(initial=initial),
        "timestamps_form": TimestampsForm(initial=times),
    }


def theories_panel_context(incident: Incident, loads: Loads) -> dict:
    return {**loads.get_or_load("restore", lambda: restore_context(incident)), "theory_form": TheoryForm()}


def register_with_room() -> None:
    register(
        Panel(
            "restore",
            "incidents/_restore.html",
            restore_panel_context,
            oob_template="incidents/_restore.html#restore-oob",
        ),
        Panel(
            "theories",
            "incidents/_restore_theories.html",
            theories_panel_context,
            oob_template="incidents/_restore_theories.html#theory-list-oob",
        ),
    )
