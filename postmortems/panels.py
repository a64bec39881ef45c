"""The room's postmortem card: whether a draft exists, its state and the review meeting (one query).

`room_panel_context` loads what the card shows; registered with the room's panel registry, which renders
it for the page, htmx answers and live pushes (postmortem entries refresh it).
"""

from incidents.models import Incident
from incidents.room.panels import Panel, register

from .models import Postmortem

ROOM_CARD_TEMPLATE = "postmortems/_room_card.html"


def room_panel_context(incident: Incident) -> dict:
    """The postmortem card's data: the incident and its postmortem, if one has been drafted."""
    card_fields = ["pk", "status", "version", "review_at", "incident_id"]
    postmortem = Postmortem.objects.filter(incident_id=incident.pk).only(*card_fields).first()
    return {"incident": incident, "postmortem": postmortem}


def register_with_room() -> None:
    register(Panel("postmortem", ROOM_CARD_TEMPLATE, lambda incident, loads: room_panel_context(incident)))
