"""The room's communication panel as one inclusion tag: `{% load comms %}{% comms_panel %}` in room.html."""

from django import template

from ..comms_context import comms_context, composer_context

register = template.Library()


@register.inclusion_tag("incidents/_comms.html", takes_context=True)
def comms_panel(context):
    incident = context["incident"]
    data = comms_context(incident)
    data.update(composer_context(incident, services=data["services"]))
    data["can_write"] = context.get("can_write", False)
    data["request"] = context.get("request")
    return data
