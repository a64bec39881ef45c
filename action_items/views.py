"""Pages for action items: the tracker (/action-items/), its CSV export, one item's page, the form that
raises an item (from the room, the postmortem editor or its own page) and the Jira export buttons.

Views are short: access check first, then an action, then the same named partials the live feed pushes.
"""

import csv
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incidents.access import can_read, can_write, get_incident_for_user
from incidents.actions import AuditAction, audit
from incidents.models import Service, TimelineEntry
from incidents.room import panels as room_panels
from incidents.room.answers import parse_int, with_catch_up
from incidents.room.forms import active_users
from postmortems.models import Postmortem
from warroom.errors import ActionError

from . import actions, tasks
from .forms import TYPE_FOR_ENTRY_KIND, ActionItemForm, ItemChangeForm
from .models import ActionItem
from .smart import default_due_date
from .tracker import STATUS_LABELS, TrackerFilter, filtered_items, tracker_counts

CSV_COLUMNS = [
    "ref",
    "title",
    "incident",
    "owner",
    "due_date",
    "priority",
    "type",
    "status",
    "overdue",
    "jira_key",
    "url",
    "done_when",
]


def _require_reader(user) -> None:
    if not can_read(user):
        raise PermissionDenied("Sign in to see action items.")


def _item_for(request, pk: int, *, write: bool = False) -> ActionItem:
    item = get_object_or_404(ActionItem.objects.select_related("incident", "owner", "postmortem"), pk=pk)
    get_incident_for_user(request.user, item.incident_id, write=write)
    return item


# --- the tracker --------------------------------------------------------------------------------------


@require_GET
def tracker(request):
    _require_reader(request.user)
    f = TrackerFilter.from_query(request.GET)
    today = timezone.localdate()
    paginator = Paginator(filtered_items(f, request.user, today), settings.WARROOM["ACTION_ITEM_TRACKER_PAGE_SIZE"])
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "action_items/tracker.html",
        {
            "filter": f,
            "page": page,
            "counts": tracker_counts(f, request.user, today),
            "links": _links(f),
            "today": today,
            "owners": active_users(),
            "services": Service.objects.all(),
            "statuses": STATUS_LABELS.items(),
            "types": ActionItem.Type.choices,
            "states": ActionItem.State.choices,
            "can_write": can_write(request.user),
        },
    )


def _links(f: TrackerFilter) -> dict[str, str]:
    """Query strings for the count figures, sort, grouping and pages: the current filter with one change."""
    return {
        "current": f.query_string(),
        "open": f.query_string(status="open", overdue=""),
        "overdue": f.query_string(status="open", overdue="1"),
        "done": f.query_string(status="done", overdue=""),
        "sort_due": f.query_string(sort="due"),
        "sort_priority": f.query_string(sort="priority"),
        "group_owner": f.query_string(group="" if f.group else "owner"),
    }


class _Echo:
    def write(self, value):
        return value


@require_GET
def tracker_csv(request):
    """The tracker's current filter as CSV, streamed so thousands of rows never sit in memory."""
    _require_reader(request.user)
    f = TrackerFilter.from_query(request.GET)
    today = timezone.localdate()
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for item in filtered_items(f, request.user, today).iterator(chunk_size=1000):
            yield writer.writerow(
                [
                    item.ref,
                    _cell(item.title),
                    item.incident.ref,
                    _cell(item.owner.get_username()),
                    item.due_date.isoformat(),
                    item.priority,
                    item.type,
                    item.status,
                    "yes" if item.is_overdue(today) else "",
                    item.jira_key,
                    settings.SITE_URL + item.get_absolute_url(),
                    _cell(item.description),
                ]
            )

    audit(
        AuditAction.EXPORT,
        actor=request.user,
        request=request,
        export="action items .csv",
        query=request.GET.urlencode(),
    )
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="action-items-{today.isoformat()}.csv"'
    return response


# --- raising an item -----------------------------------------------------------------------------------


def _initial(request, incident) -> dict:
    """A promoted timeline entry prefills the title and type; the owner is whoever raises it."""
    initial = {
        "incident": incident.pk,
        "owner": request.user.pk,
        "due_date": default_due_date(incident.severity),
        "priority": "P3",
    }
    entry = parse_int(request.GET.get("entry"))
    if entry:
        source = TimelineEntry.objects.filter(pk=entry, incident=incident).first()
        if source is not None:
            initial.update(
                source_entry=source.pk, title=_first_line(source.body), type=TYPE_FOR_ENTRY_KIND.get(source.kind, "")
            )
    postmortem = parse_int(request.GET.get("postmortem"))
    if postmortem and Postmortem.objects.filter(pk=postmortem, incident=incident).exists():
        initial["postmortem"] = postmortem
    return initial


@require_http_methods(["GET", "POST"])
def new_item(request):
    data = request.POST if request.method == "POST" else request.GET
    incident = get_incident_for_user(request.user, parse_int(data.get("incident")) or 0, write=True)
    if request.method == "GET":
        form = ActionItemForm(initial=_initial(request, incident))
        return _form_answer(request, incident, form)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = actions.create_action_item(
                incident,
                actor=request.user,
                title=data["title"],
                owner=data["owner"],
                type=data["type"],
                description=data["description"],
                due_date=data["due_date"],
                priority=data["priority"],
                external_url=data["external_url"],
                postmortem=Postmortem.objects.filter(pk=data["postmortem"], incident=incident).first()
                if data["postmortem"]
                else None,
                source_entry=TimelineEntry.objects.filter(pk=data["source_entry"], incident=incident).first()
                if data["source_entry"]
                else None,
            )
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return _created_answer(request, item)
    return _form_answer(request, incident, form, status=422)


def _form_answer(request, incident, form, status: int = 200) -> HttpResponse:
    context = {"incident": incident, "item_form": form, "next": request.GET.get("next", "")}
    if request.htmx:
        return HttpResponse(render_to_string("action_items/_form.html", context, request), status=status)
    return render(request, "action_items/new.html", context, status=status)


def _created_answer(request, item: ActionItem) -> HttpResponse:
    if not request.htmx:
        messages.success(request, f"{item.ref} raised: {item.title}.")
        target = request.POST.get("next") or request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            return redirect(target)
        return redirect(item.incident)
    html = render_to_string("action_items/_form.html#created", {"item": item}, request)
    # The room's own answer shape: the panel now, plus the timeline entries the poster has not seen yet.
    incident = room_panels.load_incident(item.incident_id)
    html += room_panels.render(incident, ["action_items"], can_write=True, request=request)
    return with_catch_up(request, incident, html)


# --- one item ----------------------------------------------------------------------------------------


@require_GET
def item_detail(request, pk):
    item = _item_for(request, pk)
    history = (
        TimelineEntry.objects.filter(incident_id=item.incident_id, metadata__action_item=item.pk)
        .select_related("actor")
        .order_by("pk")
    )
    context = {
        "item": item,
        "history": history,
        "change_form": ItemChangeForm(
            initial={
                "status": item.status,
                "owner": item.owner_id,
                "due_date": item.due_date,
                "priority": item.priority,
            }
        ),
        "can_write": can_write(request.user),
        "today": timezone.localdate(),
        "jira_enabled": bool(settings.JIRA["BASE_URL"] and settings.JIRA["PROJECT_KEY"]),
    }
    return render(request, "action_items/detail.html", context)


@require_POST
def change_item(request, pk):
    """Status (the tracker's inline control), owner, due date, priority. htmx from the tracker gets its row back."""
    item = _item_for(request, pk, write=True)
    form = ItemChangeForm(request.POST)
    error = None
    if form.is_valid():
        try:
            item = actions.update_action_item(
                item, actor=request.user, reason=form.cleaned_data["reason"], **form.changes()
            )
        except ActionError as e:
            error = e.message
    else:
        error = "; ".join(f"{field}: {errs[0]}" for field, errs in form.errors.items())
    if request.htmx and request.POST.get("from") == "tracker":
        return _tracker_row(request, item, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{item.ref} updated.")
    if request.POST.get("from") == "tracker":
        # Without JavaScript the tracker's inline control posts the whole page: go back to the same filter.
        back = request.headers.get("Referer", "")
        if url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
            return redirect(back)
        return redirect("action_items:tracker")
    return redirect(item)


def _tracker_row(request, item: ActionItem, error: str | None) -> HttpResponse:
    """The changed row, plus the tracker's counts for the filter the page shows (htmx sends its URL)."""
    item = ActionItem.objects.select_related("incident", "owner").get(pk=item.pk)
    context = {"item": item, "today": timezone.localdate(), "can_write": True, "error": error}
    if error:
        context["attempted_status"] = request.POST.get("status", "")
    html = render_to_string("action_items/tracker.html#row", context, request)
    if not error:
        f = TrackerFilter.from_query(QueryDict(urlsplit(request.htmx.current_url or "").query))
        counts = {"counts": tracker_counts(f, request.user), "links": _links(f)}
        html += render_to_string("action_items/tracker.html#counts-oob", counts, request)
    return HttpResponse(html, status=422 if error else 200)


@require_POST
def export_to_jira(request, pk):
    item = _item_for(request, pk, write=True)
    try:
        tasks.send_to_jira_on_commit(actions.request_jira_export(item, actor=request.user))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{item.ref} is on its way to Jira.")
    return redirect(item)


@require_POST
def export_postmortem_to_jira(request, postmortem_pk):
    postmortem = get_object_or_404(Postmortem, pk=postmortem_pk)
    incident = get_incident_for_user(request.user, postmortem.incident_id, write=True)
    try:
        queued = actions.request_postmortem_jira_export(postmortem, actor=request.user)
        tasks.send_to_jira_on_commit(*queued)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{len(queued)} action item(s) on their way to Jira.")
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(f"/action-items/?incident={incident.pk}&status=all")


def _cell(text: str) -> str:
    """User text in a CSV cell: a leading =, +, - or @ would run as a formula in a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _first_line(markdown: str) -> str:
    line = next((line.strip() for line in markdown.splitlines() if line.strip()), "")
    return line.lstrip("#>*-_` ").rstrip("*_` ")[:200]
