"""Pages of the war room: the incident list, the declare form and the room itself.

Views are short: access check first, then an action, then the same named partials that the live feed
pushes. htmx requests get fragments; plain form posts get a redirect (every control works without JS).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from incidents import actions
from incidents.access import can_write, get_incident_for_user, visible_incidents
from incidents.live import presence
from incidents.models import SEVERITY_DEFINITIONS, Incident
from warroom.errors import ActionError
from warroom.idempotency import submit_once

from . import panels
from .answers import first_error, parse_int, run_control, with_catch_up
from .forms import (
    DeclareForm,
    EntryForm,
    MemberForm,
    RoleForm,
    SeverityForm,
    StatusForm,
    TakeCommandForm,
    VisibilityForm,
)

User = get_user_model()
PAGE_SIZE = 100


@require_GET
def incident_list(request):
    show = request.GET.get("show", "open")
    visible = visible_incidents(request.user)
    incidents = visible.with_roles().prefetch_related("services")
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
        {"incidents": incidents[:200], "show": show, "q": query, "open_count": visible.open().count()},
    )


def declare(request):
    if request.method == "POST":
        form = DeclareForm(request.POST)
        if form.is_valid() and can_write(request.user):
            data = form.cleaned_data

            def perform() -> str:
                incident = actions.declare_incident(
                    actor=request.user,
                    title=data["title"],
                    severity=data["severity"],
                    summary=data["summary"],
                    services=data["services"],
                    commander=data["commander"],
                    started_at=data["started_at"],
                    visibility=data["visibility"],
                    is_drill=data["is_drill"],
                )
                return incident.get_absolute_url()

            try:
                # A double click or a resent form declares once: the second lands in the same room.
                return redirect(submit_once(request.user, data["submission"], perform))
            except ActionError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        elif not can_write(request.user):
            form.add_error(None, "Observers cannot declare incidents.")
    else:
        form = DeclareForm()
    return render(request, "incidents/declare.html", {"form": form, "definitions": SEVERITY_DEFINITIONS})


@require_GET
def room(request, pk):
    incident = get_incident_for_user(
        request.user, pk, queryset=Incident.objects.with_roles().prefetch_related("services")
    )
    entries = list(incident.entries.select_related("actor").order_by("-pk")[:PAGE_SIZE])[::-1]
    writer = can_write(request.user)
    context = {
        "incident": incident,
        "panels": panels.render_page(incident, can_write=writer, request=request),
        "entries": entries,
        "has_older": bool(entries) and incident.entries.filter(pk__lt=entries[0].pk).exists(),
        "entry_form": EntryForm(),
        "can_write": writer,
        # The person loading the page is in the room even before their socket connects.
        "viewers": presence.viewers(incident.pk, also=request.user),
    }
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
    context = {"incident": incident, "entries": entries, "has_older": has_older, "can_write": can_write(request.user)}
    return render(request, "incidents/room.html#older", context)


@require_POST
def post_entry(request, pk):
    incident = get_incident_for_user(request.user, pk, write=True)
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            actions.post_entry(
                incident, kind=form.cleaned_data["kind"], body=form.cleaned_data["body"], actor=request.user
            )
        except ActionError as error:
            form.add_error("body", error.message)
        else:
            form = EntryForm(initial={"kind": form.cleaned_data["kind"]})
    if not request.htmx:
        if form.errors:
            messages.error(request, first_error(form))
        return redirect(incident)
    html = render_to_string(
        "incidents/room.html#composer", {"incident": incident, "entry_form": form, "can_write": True}, request
    )
    status = 200 if not form.errors else 422
    return with_catch_up(request, incident, html, status=status)


@require_POST
def assign_role(request, pk):
    def perform(incident, data):
        user = request.user if data["volunteer"] else data["user"]
        return actions.assign_role(incident, role=data["role"], user=user, actor=request.user)

    return run_control(
        request, pk, perform, form_class=RoleForm, panel="roles", control=f"role-{request.POST.get('role', '')}"
    )


@require_POST
def take_command(request, pk):
    def perform(incident, data):
        return actions.take_command(incident, actor=request.user, reason=data["reason"], request=request)

    return run_control(request, pk, perform, form_class=TakeCommandForm, panel="roles", control="take-command")


@require_POST
def relieve_role(request, pk, role):
    def perform(incident, data):
        return actions.relieve_role(incident, role=role, actor=request.user)

    return run_control(request, pk, perform, panel="roles", control=f"role-{role}")


@require_POST
def change_status(request, pk):
    def perform(incident, data):
        return actions.change_status(incident, status=data["status"], actor=request.user)

    return run_control(request, pk, perform, form_class=StatusForm, panel="header", control="status")


@require_POST
def set_drill(request, pk):
    def perform(incident, data):
        return actions.set_drill(incident, is_drill=request.POST.get("is_drill") == "true", actor=request.user)

    return run_control(request, pk, perform, panel="header", control="drill")


@require_POST
def change_severity(request, pk):
    def perform(incident, data):
        return actions.change_severity(incident, severity=data["severity"], actor=request.user)

    return run_control(request, pk, perform, form_class=SeverityForm, panel="header", control="severity")


@require_POST
def set_visibility(request, pk):
    def perform(incident, data):
        return actions.set_visibility(incident, visibility=data["visibility"], actor=request.user, request=request)

    return run_control(request, pk, perform, form_class=VisibilityForm, panel="roles", control="access")


@require_POST
def add_member(request, pk):
    def perform(incident, data):
        return actions.add_member(incident, user=data["user"], actor=request.user, request=request)

    return run_control(request, pk, perform, form_class=MemberForm, panel="roles", control="access")


@require_POST
def remove_member(request, pk, username):
    def perform(incident, data):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise ActionError(f"No user named “{username}”.", "username")
        return actions.remove_member(incident, user=user, actor=request.user, request=request)

    return run_control(request, pk, perform, panel="roles", control="access")
