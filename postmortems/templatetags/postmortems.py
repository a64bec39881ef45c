"""The room's postmortem card: one query, rendered by the page and pushed live when the draft appears."""

from django import template

from ..models import Postmortem

register = template.Library()


@register.inclusion_tag("postmortems/_room_card.html")
def postmortem_card(incident):
    postmortem = Postmortem.objects.filter(incident_id=incident.pk).only("pk", "status", "version", "review_at", "incident_id").first()
    return {"incident": incident, "postmortem": postmortem}
