"""The room's Alerts panel: the alerts attached to an incident, grouped as their senders group them.

Registered with the room's panel registry; alert entries (EntryKind.ALERT) refresh it live.
"""

from django.db.models import Prefetch

from incidents.models import Incident
from incidents.room.panels import Loads, Panel, register

from .models import Alert, AlertGroup, AlertStatus
from .outbound.paging import targets

PARTIAL = "integrations/alerts_panel.html#panel"
MAX_GROUPS = 20


def room_panel_context(incident: Incident, loads: Loads | None = None) -> dict:
    """Three queries whatever the number of alerts: the groups (with their endpoint), all their alerts, and the
    paging targets the "Page on-call" form offers."""
    alerts = Alert.objects.order_by("status", "-starts_at", "pk")
    groups = list(
        AlertGroup.objects.filter(incident_id=incident.pk)
        .select_related("endpoint")
        .prefetch_related(Prefetch("alerts", queryset=alerts))
        .order_by("-created_at")[:MAX_GROUPS]
    )
    firing = sum(1 for g in groups for a in g.alerts.all() if a.status == AlertStatus.FIRING)
    paging_targets = loads.get_or_load("paging_targets", targets) if loads is not None else targets()
    return {"alert_groups": groups, "firing_count": firing, "paging_targets": paging_targets}


def register_with_room() -> None:
    register(Panel("alerts", PARTIAL, room_panel_context))
