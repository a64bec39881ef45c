"""The room's action-item panel: this incident's items, open first, and the recurrence banner.

`room_panel_context` loads everything the partial needs (two queries); registered with the room's panel
registry, which renders it for the page, htmx answers and live pushes (action-item entries refresh it).
"""

from datetime import date

from django.utils import timezone

from incidents.models import Incident
from incidents.room.panels import Panel, register

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


def register_with_room() -> None:
    register(Panel("action_items", ROOM_PANEL_PARTIAL, lambda incident, loads: room_panel_context(incident)))
