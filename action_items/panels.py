"""The room's action-item panel: this incident's items, open first, and the recurrence banner.

`room_panel_context` loads everything the partial needs (two queries); the room page, htmx answers and
live pushes all render `ROOM_PANEL_PARTIAL` from it, so a template never queries.
"""

from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone

from incidents.models import Incident

from .recurrence import recurrence_for

ROOM_PANEL_TEMPLATE = "action_items/_room_panel.html"
ROOM_PANEL_PARTIAL = ROOM_PANEL_TEMPLATE + "#panel"


def room_panel_context(incident: Incident, today: date | None = None) -> dict:
    """The room's action-item panel: this incident's items and any recurrence, in two queries."""
    items = list(incident.action_items.select_related("owner").order_by("due_date", "pk"))
    items.sort(key=lambda i: not i.is_open)  # open ones first, each group by due date (the sort is stable)
    return {
        "incident": incident,
        "action_items": items,
        "open_action_items": sum(i.is_open for i in items),
        "recurrences": recurrence_for(incident),
        "today": today or timezone.localdate(),
    }


def render_room_panel_oob(incident_id: int) -> str:
    """The panel as an out-of-band swap, for live pushes and htmx answers; empty if the incident is gone."""
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        return ""
    return render_to_string(ROOM_PANEL_PARTIAL, {**room_panel_context(incident), "oob": True})
