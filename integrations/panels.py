"""The room's Alerts panel: the alerts attached to an incident, grouped as their senders group them.

Registered with the room's panel registry; alert entries (EntryKind.ALERT) refresh it live.
"""

from django.db.models import Prefetch

from incidents.models import Incident
from incidents.room.panels import Loads, Panel, register

from .models import Alert, AlertGroup, AlertStatus

PARTIAL = "integrations/alerts_panel.html#panel"
MAX_GROUPS = 20


def room_panel_context(incident: Incident, loads: Loads | None = None) -> dict:
    """Two queries whatever the number of alerts: the groups (with their endpoint), then all their alerts."""
    alerts = Alert.objects.order_by("status", "-starts_at", "pk")
    groups = list(
        AlertGroup.objects.filter(incident_id=incident.pk)
        .select_related("endpoint")
        .prefetch_related(Prefetch("alerts", queryset=alerts))
        .order_by("-created_at")[:MAX_GROUPS]
    )
    firing = sum(1 for g in groups for a in g.alerts.all() if a.status == AlertStatus.FIRING)
    return {"alert_groups": groups, "firing_count": firing}


def register_with_room() -> None:
    register(Panel("alerts", PARTIAL, room_panel_context))
