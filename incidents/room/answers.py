"""The one way a room control answers: run the action, then show what changed, or why not, in place.

Every htmx control of the room (roles, status, severity, restore and comms controls) goes through
`run_control`. On success the answer carries the panels the new entries' kinds touch (the same table
the live feed uses) and the entries the client lacks; on a refusal, the control's own panel comes back
with the message next to the control. A plain form post (no JavaScript) gets a redirect with a message.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string

from incidents.access import get_incident_for_user
from incidents.live.broadcast import panels_for, render_entry
from incidents.models import Incident, TimelineEntry
from warroom.errors import ActionError

from . import panels

CATCH_UP_LIMIT = 500


def parse_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def first_error(form) -> str:
    """A form's first error in words, with the field's label."""
    for field, errors in form.errors.items():
        if field not in form.fields:
            return errors[0]
        label = form.fields[field].label or field.replace("_", " ").capitalize()
        return f"{label}: {errors[0]}"
    return "Invalid input."


def newest_entry_id(incident: Incident) -> int:
    return panels.newest_entry_id(incident.pk)


def touched_panels(incident: Incident, after: int) -> set[str]:
    """The panels the entries written after `after` touch."""
    kinds = TimelineEntry.objects.filter(incident=incident, pk__gt=after).values_list("kind", flat=True).distinct()
    return panels_for(kinds)


def run_control(
    request: HttpRequest,
    pk: int,
    perform: Callable[[Incident, dict], object],
    *,
    panel: str,
    control: str,
    form_class=None,
) -> HttpResponse:
    """A room control: access check, form, action; then `answer` (see the module docstring)."""
    incident = get_incident_for_user(request.user, pk, write=True)
    before = newest_entry_id(incident)
    form = form_class(request.POST) if form_class is not None else None
    error = None
    if form is not None and not form.is_valid():
        error = first_error(form)
    else:
        try:
            perform(incident, form.cleaned_data if form is not None else {})
        except ActionError as e:
            error = e.message
    return answer(request, incident, after=before, error=error, panel=panel, control=control)


def answer(
    request: HttpRequest,
    incident: Incident,
    *,
    after: int,
    error: str | None = None,
    panel: str = "",
    control: str = "",
    html: str = "",
    skip: str = "",
) -> HttpResponse:
    """htmx: `html` (a re-rendered form), plus the touched panels or the refused control's panel, plus the
    entries the client lacks; a plain post: a redirect to the room with the message."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(incident)
    incident = panels.load_incident(incident.pk)
    if error:
        names = [panel] if panel else []
        refusal = {"control": control, "message": error}
        html += panels.render(incident, names, can_write=True, request=request, error=refusal)
        return with_catch_up(request, incident, html, status=422)
    touched = sorted(touched_panels(incident, after) - {skip})
    html += panels.render(incident, touched, can_write=True, request=request)
    return with_catch_up(request, incident, html)


def with_catch_up(request: HttpRequest, incident: Incident, html: str, *, status: int = 200) -> HttpResponse:
    """Append the entries newer than the client's last one (sent by warroom.js), so the poster sees its own
    change at once even before the live feed delivers it; the page ignores ids it already shows."""
    after = parse_int(request.headers.get("X-Warroom-After"))
    if after is not None:
        entries = TimelineEntry.objects.select_related("actor").filter(incident=incident, pk__gt=after).order_by("pk")
        html += "".join(render_entry(e) for e in entries[:CATCH_UP_LIMIT])
    return HttpResponse(html, status=status)


def form_answer(
    request: HttpRequest, incident: Incident, *, after: int, ok: bool, template: str, context: dict, skip: str = ""
) -> HttpResponse:
    """After a form of a panel (impact, decision, theory, update): the form itself (cleared, or with its errors
    next to its fields and 422), plus the touched panels when it worked (but `skip`, the form's own panel)."""
    if not request.htmx:
        if not ok:
            messages.error(request, first_error(context["form"]))
        return redirect(incident)
    html = render_to_string(template, {"incident": incident, "can_write": True, **context}, request)
    if not ok:
        return with_catch_up(request, incident, html, status=422)
    return answer(request, incident, after=after, html=html, skip=skip)


def run_form(form, action: Callable[[dict], object]) -> bool:
    """Call the action with the form's data; its ActionError lands on the form's field."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ActionError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return False
    return True
