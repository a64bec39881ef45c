"""The room's Alerts panel: what it shows, and its live push when a delivery changes it."""

from django.db.models import Prefetch
from django.template.loader import render_to_string

from incidents.live import broadcast

from .models import Alert, AlertGroup, AlertStatus

PANEL = "integrations/alerts_panel.html#panel"
MAX_GROUPS = 20


def alerts_context(incident_id: int) -> dict:
    """Two queries whatever the number of alerts: the groups, then all their alerts."""
    alerts = Alert.objects.order_by("status", "-starts_at", "pk")
    groups = list(
        AlertGroup.objects.filter(incident_id=incident_id)
        .select_related("endpoint")
        .prefetch_related(Prefetch("alerts", queryset=alerts))
        .order_by("-created_at")[:MAX_GROUPS]
    )
    firing = sum(1 for g in groups for a in g.alerts.all() if a.status == AlertStatus.FIRING)
    return {"alert_groups": groups, "firing_count": firing}


def render_panel(incident_id: int, *, oob: bool = False) -> str:
    return render_to_string(PANEL, {**alerts_context(incident_id), "oob": oob})


def send_alerts_panel(incident_id: int) -> None:
    """Re-render the panel once and push it to every open room of the incident."""
    broadcast.group_send(incident_id, {"type": "room.html", "html": render_panel(incident_id, oob=True)})
