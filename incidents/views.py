"""Pages of the war room: the incident list, the declare form and the room itself.

Views are short: access check first, then an action, then the same named partials that the live feed
pushes. htmx requests get fragments; plain form posts get a redirect (every control works without JS).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from . import actions
from .access import can_write, get_incident_for_user
from .forms import DeclareForm, EntryForm, RoleForm, SeverityForm, StatusForm
from .models import (
    ROLE_INSTRUCTIONS,
    SEVERITY_DEFINITIONS,
    Incident,
    Role,
    Severity,
    Status,
    TimelineEntry,
)
from .restore_live import render_panels_oob

User = get_user_model()
PAGE_SIZE = 100
CATCH_UP_LIMIT = 500


def room_panels_context(incident: Incident) -> dict:
    """What the header and roles panel need; shared by the page, htmx answers and the live feed."""
    holders = incident.holders()
    commander = holders.get(Role.COMMANDER)
    roles = [
        {
            "role": role,
            "holder": holders.get(role),
            "held_by_commander": role != Role.COMMANDER and role not in holders,
            "instructions": ROLE_INSTRUCTIONS[role],
        }
        for role in Role
    ]
    from .handoff import panel_context

    return {
        **panel_context(incident, holders),
        # The newest entry this rendering has seen: the page drops a panel older than the one it shows,
        # whichever path (htmx answer, live push, resume snapshot) brings them and in whatever order.
        "as_of": TimelineEntry.objects.filter(incident_id=incident.pk).order_by("-pk").values_list("pk", flat=True).first() or 0,
        "incident": incident,
        "roles": roles,
        "commander": commander.user if commander else None,
        "statuses": list(Status),
        "severities": list(Severity),
        "users": User.objects.filter(is_active=True).order_by("username"),
    }


@require_GET
def incident_list(request):
    show = request.GET.get("show", "open")
    incidents = Incident.objects.with_roles().prefetch_related("services")
    if show == "resolved":
        incidents = incidents.resolved().order_by("-resolved_at")
    elif show == "all":
        incidents = incidents.order_by("-declared_at")
    else:
        show = "open"
        incidents = incidents.open().order_by("severity", "-declared_at")
    query = request.GET.get("q", "").strip()
    if query:
        incidents = incidents.filter(Q(title__icontains=query) | Q(summary__icontains=query))
    return render(
        request,
        "incidents/list.html",
        {"incidents": incidents[:200], "show": show, "q": query, "open_count": Incident.objects.open().count()},
    )


def declare(request):
    if request.method == "POST":
        form = DeclareForm(request.POST)
        if form.is_valid() and can_write(request.user):
            data = form.cleaned_data
            try:
                incident = actions.declare_incident(
                    actor=request.user,
                    title=data["title"],
                    severity=data["severity"],
                    summary=data["summary"],
                    services=data["services"],
                    commander=data["commander"],
                    started_at=data["started_at"],
                )
            except actions.ActionError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect(incident)
        elif not can_write(request.user):
            form.add_error(None, "Observers cannot declare incidents.")
    else:
        form = DeclareForm()
    return render(request, "incidents/declare.html", {"form": form, "definitions": SEVERITY_DEFINITIONS})


@require_GET
def room(request, pk):
    incident = get_incident_for_user(request.user, pk, queryset=Incident.objects.with_roles().prefetch_related("services"))
    entries = list(incident.entries.select_related("actor").order_by("-pk")[:PAGE_SIZE])[::-1]
    context = room_panels_context(incident)
    context.update(
        entries=entries,
        has_older=bool(entries) and incident.entries.filter(pk__lt=entries[0].pk).exists(),
        entry_form=EntryForm(),
        can_write=can_write(request.user),
    )
    return render(request, "incidents/room.html", context)


@require_GET
def older_entries(request, pk):
    """The page of entries before `before`, for the "load older" control at the top of the timeline."""
    incident = get_incident_for_user(request.user, pk)
    before = parse_int(request.GET.get("before"))
    entries = incident.entries.select_related("actor").order_by("-pk")
    if before:
        entries = entries.filter(pk__lt=before)
    entries = list(entries[:PAGE_SIZE])[::-1]
    has_older = bool(entries) and incident.entries.filter(pk__lt=entries[0].pk).exists()
    return render(request, "incidents/room.html#older", {"incident": incident, "entries": entries, "has_older": has_older})


@require_POST
def post_entry(request, pk):
    incident = get_incident_for_user(request.user, pk, write=True)
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            actions.post_entry(incident, kind=form.cleaned_data["kind"], body=form.cleaned_data["body"], actor=request.user)
        except actions.ActionError as error:
            form.add_error("body", error.message)
        else:
            form = EntryForm(initial={"kind": form.cleaned_data["kind"]})
    if not request.htmx:
        _flash_errors(request, form)
        return redirect(incident)
    html = render_to_string("incidents/room.html#composer", {"incident": incident, "entry_form": form, "can_write": True}, request)
    status = 200 if not form.errors else 422
    return with_catch_up(request, incident, html, status=status)


@require_POST
def assign_role(request, pk):
    return room_control(
        request, pk, RoleForm, lambda incident, data: actions.assign_role(incident, role=data["role"], user=data["user"], actor=request.user)
    )


@require_POST
def relieve_role(request, pk, role):
    incident = get_incident_for_user(request.user, pk, write=True)
    error = None
    try:
        actions.relieve_role(incident, role=role, actor=request.user)
    except actions.ActionError as e:
        error = e.message
    return room_answer(request, incident, error)


@require_POST
def change_status(request, pk):
    return room_control(
        request, pk, StatusForm, lambda incident, data: actions.change_status(incident, status=data["status"], actor=request.user)
    )


@require_POST
def change_severity(request, pk):
    return room_control(
        request, pk, SeverityForm, lambda incident, data: actions.change_severity(incident, severity=data["severity"], actor=request.user)
    )


# --- room answers, shared by every feature's room controls (views_restore, views_comms, views_items) ---


def room_control(request, pk, form_class, perform) -> HttpResponse:
    """A room control: check access, parse the form, run the action, answer with the panels."""
    incident = get_incident_for_user(request.user, pk, write=True)
    form = form_class(request.POST)
    error = None
    if not form.is_valid():
        error = first_error(form)
    else:
        try:
            perform(incident, form.cleaned_data)
        except actions.ActionError as e:
            error = e.message
    return room_answer(request, incident, error)


def room_answer(request, incident: Incident, error: str | None) -> HttpResponse:
    """After a room control: htmx gets the panels and any entries it lacks; a plain post, a redirect."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(incident)
    incident = Incident.objects.with_roles().prefetch_related("services").get(pk=incident.pk)
    context = room_panels_context(incident)
    context["error"] = error
    html = render_to_string("incidents/room.html#panels-oob", context, request)
    html += render_to_string("incidents/room.html#alert-oob", context, request)
    html += render_panels_oob(incident, request)  # status, roles and severity show in the restore panels too
    return with_catch_up(request, incident, html, status=422 if error else 200)


def with_catch_up(request, incident: Incident, html: str, *, status: int = 200) -> HttpResponse:
    """Append the entries newer than the client's last one (sent by room.js), so the poster sees its
    own change at once even before the live feed delivers it; the page ignores ids it already shows."""
    after = parse_int(request.headers.get("X-Warroom-After"))
    if after is not None:
        entries = TimelineEntry.objects.select_related("actor").filter(incident=incident, pk__gt=after).order_by("pk")[:CATCH_UP_LIMIT]
        html += "".join(render_to_string("incidents/room.html#entry-oob", {"entry": e}) for e in entries)
    return HttpResponse(html, status=status)


def parse_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def first_error(form) -> str:
    for field, errors in form.errors.items():
        if field not in form.fields:
            return errors[0]
        label = form.fields[field].label or field.replace("_", " ").capitalize()
        return f"{label}: {errors[0]}"
    return "Invalid input."


def _flash_errors(request, form) -> None:
    if form.errors:
        messages.error(request, first_error(form))

