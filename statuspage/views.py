"""The public status page (no login): open and recent incidents as their approved external updates tell them,
maintenance to come and under way, and the state of each public component. Never the room."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from incidents.access import can_read, can_write
from warroom.errors import ActionError

from . import actions, history, public, tasks
from .branding import branding
from .forms import MaintenanceForm, SubscribeForm


@login_not_required
@require_GET
def status_page(request):
    snapshot = public.snapshot()
    form = SubscribeForm(components=snapshot.components)
    bars = history.component_history(snapshot.components, now=snapshot.now)
    return render(
        request, "statuspage/index.html", {"snapshot": snapshot, "brand": branding(), "form": form, "history": bars}
    )


HISTORY_PAGE_SIZE = 25


@login_not_required
@require_GET
def history_page(request):
    """Past public incidents with all their approved updates, newest first, a page at a time."""
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    found = public.load_incidents(
        where=Q(resolved_at__isnull=False), limit=HISTORY_PAGE_SIZE + 1, offset=(number - 1) * HISTORY_PAGE_SIZE
    )
    context = {
        "incidents": found[:HISTORY_PAGE_SIZE],
        "page": number,
        "has_next": len(found) > HISTORY_PAGE_SIZE,
        "brand": branding(),
    }
    return render(request, "statuspage/history.html", context)


@login_not_required
@require_GET
def incident_page(request, pk: int):
    """One public incident with all its approved updates (the `shortlink` of the JSON API)."""
    found = public.load_incidents(where=Q(pk=pk))
    if not found:
        raise Http404("No such incident on the status page.")
    return render(request, "statuspage/incident.html", {"incident": found[0], "brand": branding()})


# --- maintenance windows, for responders (signed in) ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def maintenance_list(request):
    """Upcoming, in-progress and recent windows, and the form to schedule one (writers only)."""
    if not can_read(request.user):
        raise PermissionDenied("Sign in to plan maintenance.")
    writer = can_write(request.user)
    form = None
    if request.method == "POST":
        if not writer:
            raise PermissionDenied("Observers can read maintenance windows but not schedule them.")
        form = MaintenanceForm(request.POST)
        if form.is_valid():
            try:
                window = actions.schedule_maintenance(
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    services=form.cleaned_data["components"],
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.cleaned_data["ends_at"],
                    actor=request.user,
                )
            except ActionError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                tasks.announce_maintenance_on_commit(window)
                messages.success(request, f"Scheduled “{window.title}”; it is on the status page now.")
                return redirect("statuspage:maintenances")
    elif writer:
        form = MaintenanceForm()
    windows = public.load_maintenances(newest_first=True, limit=100)
    return render(
        request,
        "statuspage/maintenances.html",
        {"form": form, "windows": windows},
        status=422 if form is not None and form.errors else 200,
    )
