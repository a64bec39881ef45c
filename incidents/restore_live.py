"""What the restore panels show, loaded with a fixed number of queries, and their live push.

The room page renders the panels through the `restore_panels` / `theories_panel` template tags; after
every restore action the same partials are rendered once, out of band, and sent to the room's group.
"""

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from . import broadcast

#: How far before the start of impact the recovery panel looks for deploys and flag changes.
CHANGE_WINDOW = timedelta(hours=24)
CHANGES_SHOWN = 30


def panels_on_commit(incident) -> None:
    transaction.on_commit(partial(send_panels, incident.pk))


def send_panels(incident_id: int) -> None:
    from .models import Incident

    incident = Incident.objects.prefetch_related("services").filter(pk=incident_id).first()
    if incident is None:
        return
    broadcast.send_html(incident_id, render_panels_oob(incident))


def render_panels_oob(incident, request=None) -> str:
    context = restore_context(incident)
    # One frame for every open room: controls are shown, and the server refuses observers' clicks (403).
    context.update(oob=True, can_write=True)
    return render_to_string("incidents/_restore.html#restore-oob", context, request) + render_to_string(
        "incidents/_restore_theories.html#theory-list-oob", context, request
    )


def restore_context(incident) -> dict:
    """Everything the restore slot and the theories board show: 7 queries whatever the counts."""
    from .models import GENERIC_MITIGATIONS, Decision, Deploy, FlagChange, Mitigation, Severity, Theory

    now = timezone.now()
    services = list(incident.services.all())
    since = min(incident.started_at, now) - CHANGE_WINDOW
    catalogue: dict[int, list] = {s.pk: [] for s in services}
    for mitigation in Mitigation.objects.filter(service__in=services):
        catalogue[mitigation.service_id].append(mitigation)
    generic = [
        {"kind": kind.value, "label": kind.label, "preconditions": pre, "risk": risk} for kind, (pre, risk) in GENERIC_MITIGATIONS.items()
    ]
    deploys = list(Deploy.objects.filter(service__in=services, deployed_at__gte=since).select_related("service")[:CHANGES_SHOWN])
    preceding = next((d for d in deploys if d.deployed_at <= incident.started_at), None)
    flags = list(FlagChange.objects.filter(service__in=services, changed_at__gte=since).select_related("service")[:CHANGES_SHOWN])
    decisions = list(Decision.objects.filter(incident=incident).select_related("owner", "decided_by"))
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
