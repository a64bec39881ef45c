"""The room's Alerts panel: the alerts attached to an incident, grouped as their senders group them."""

from django.db.models import Prefetch
from django.template.loader import render_to_string

from incidents import broadcast
from incidents.models import Incident

from .models import Alert, AlertGroup, AlertStatus

PARTIAL = "integrations/alerts_panel.html#panel"
MAX_GROUPS = 20


def room_panel_context(incident_or_id: Incident | int) -> dict:
    """Two queries whatever the number of alerts: the groups (with their endpoint), then all their alerts."""
    incident_id = incident_or_id.pk if isinstance(incident_or_id, Incident) else incident_or_id
    alerts = Alert.objects.order_by("status", "-starts_at", "pk")
    groups = list(
        AlertGroup.objects.filter(incident_id=incident_id)
        .select_related("endpoint")
        .prefetch_related(Prefetch("alerts", queryset=alerts))
        .order_by("-created_at")[:MAX_GROUPS]
    )
    firing = sum(1 for g in groups for a in g.alerts.all() if a.status == AlertStatus.FIRING)
    return {"alert_groups": groups, "firing_count": firing}


def render_panel(incident_or_id: Incident | int, *, oob: bool = False) -> str:
    return render_to_string(PARTIAL, {**room_panel_context(incident_or_id), "oob": oob})


def push_alerts_panel(incident_id: int) -> None:
    """Re-render the panel once and push it to every open room of the incident (queued by ingest on commit)."""
    broadcast.send_html(incident_id, render_panel(incident_id, oob=True))
