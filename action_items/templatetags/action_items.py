"""Action items inside the postmortem editor: the raise-an-item form and the send-to-Jira button.
(The room's action-item panel is rendered by the room's panel registry, from action_items/panels.py.)"""

from django import template
from django.conf import settings

from ..forms import ActionItemForm
from ..smart import default_due_date

register = template.Library()


@register.inclusion_tag("action_items/_form.html", takes_context=True)
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


@register.inclusion_tag("action_items/_postmortem_jira.html", takes_context=True)
def postmortem_jira_export(context, postmortem):
    """`{% postmortem_jira_export postmortem %}`: one button sending every item of the postmortem to Jira."""
    request = context.get("request")
    return {
        "postmortem": postmortem,
        "jira_enabled": bool(settings.JIRA["BASE_URL"] and settings.JIRA["PROJECT_KEY"]),
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
