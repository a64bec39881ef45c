"""Action items inside other pages: the room's panel (with the recurrence banner) and the raise-an-item
form for the postmortem editor. Each loads its data in a constant number of queries."""

from django import template
from django.conf import settings

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
    return {
        "incident": incident,
        "item_form": ActionItemForm(initial=initial),
        "next": request.get_full_path() if request is not None else "",  # without JavaScript, back to the editor
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("postmortems/_postmortem_jira.html", takes_context=True)
def postmortem_jira_export(context, postmortem):
    """`{% postmortem_jira_export postmortem %}`: one button sending every item of the postmortem to Jira."""
    request = context.get("request")
    return {
        "postmortem": postmortem,
        "jira_enabled": bool(settings.JIRA["BASE_URL"] and settings.JIRA["PROJECT_KEY"]),
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
