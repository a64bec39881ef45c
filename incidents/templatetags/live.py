"""`{% live_room incident %}`: the presence panel, connection indicator and live socket of the war room."""

from django import template

from incidents import presence

register = template.Library()


@register.inclusion_tag("incidents/_live.html", takes_context=True)
def live_room(context, incident):
    request = context.get("request")
    # The person loading the page is in the room even before their socket connects.
    return {"incident": incident, "viewers": presence.viewers(incident.pk, also=getattr(request, "user", None))}
