"""The room's postmortem card: whether a draft exists, its state and the review meeting (one query).

`room_panel_context` loads what the card shows; the room page and the live push after a change both
render `ROOM_CARD_TEMPLATE` from it, so the template tag never queries.
"""

from django.template.loader import render_to_string

from incidents.models import Incident

from .models import Postmortem

ROOM_CARD_TEMPLATE = "postmortems/_room_card.html"


def room_panel_context(incident: Incident) -> dict:
    """The postmortem card's data: the incident and its postmortem, if one has been drafted."""
    card_fields = ["pk", "status", "version", "review_at", "incident_id"]
    postmortem = Postmortem.objects.filter(incident_id=incident.pk).only(*card_fields).first()
    return {"incident": incident, "postmortem": postmortem}


def render_room_card_oob(incident: Incident) -> str:
    """The card as an out-of-band swap for the live push."""
    return render_to_string(ROOM_CARD_TEMPLATE, {**room_panel_context(incident), "oob": True})
