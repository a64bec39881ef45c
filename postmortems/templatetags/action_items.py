"""Action items inside other pages: the room's panel (with the recurrence banner) and the raise-an-item
form for the postmortem editor. Each loads its data in a constant number of queries."""

from django import template

from ..forms_items import ActionItemForm
from ..smart import default_due_date
from ..tracker import room_items_context

register = template.Library()


@register.inclusion_tag("postmortems/_room_items.html", takes_context=True)
def room_action_items(context, incident):
    """`{% room_action_items incident %}` at the room's recurrence slot."""
    data = room_items_context(incident)
    data.update(request=context.get("request"), can_write=context.get("can_write", False))
    return data


@register.inclusion_tag("postmortems/_action_item_form.html", takes_context=True)
def action_item_form(context, incident, postmortem=None):
    """`{% action_item_form incident postmortem %}` in the postmortem editor: a blank SMART form for the incident."""
    request = context.get("request")
    initial = {"incident": incident.pk, "due_date": default_due_date(incident.severity), "priority": "P3"}
    if postmortem is not None:
        initial["postmortem"] = postmortem.pk
    if request is not None and request.user.is_authenticated:
        initial["owner"] = request.user.pk
    return {"incident": incident, "item_form": ActionItemForm(initial=initial), "request": request, "csrf_token": context.get("csrf_token")}
