"""Action item endpoints of the JSON API: raise, list (the tracker's filters), change, export to Jira.

Bad input answers 400 with the same SMART messages the forms show, and writes nothing. Fields that
SMART checks are plain strings here so its messages (not a generic "field required") reach the caller.
"""

from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from incidents.access import can_read, get_incident_for_user
from incidents.api import Error
from incidents.models import TimelineEntry
from postmortems.models import Postmortem
from warroom.errors import ActionError
from warroom.schema import Limit, Offset

from . import actions, tasks
from .models import ActionItem
from .tracker import TrackerFilter, filtered_items

User = get_user_model()
router = Router(tags=["action items"])

_TYPES = ", ".join(ActionItem.Type.values)
_STATES = ", ".join(ActionItem.State.values)


class ItemIn(Schema):
    incident: int = Field(..., description="incident id (the number in INC-12)")
    title: str = Field("", description="starts with a verb: “Add an alert on checkout 5xx rate”")
    owner: str | None = Field(None, description="username of the one owner")
    due_date: date | None = Field(None, description="defaults by severity: SEV1 15 days, SEV2 30, others 60")
    type: str = Field("", description=f"one of {_TYPES}")
    priority: str | None = Field(None, description="P1, P2, P3 (default) or P4")
    description: str = Field("", description="the done criterion: what done looks like")
    external_url: str = ""
    postmortem: int | None = None
    source_entry: int | None = Field(None, description="id of the timeline entry the item was raised from")


class ItemPatch(Schema):
    status: str | None = Field(None, description=f"one of {_STATES}; wont_do needs a reason")
    reason: str = ""
    owner: str | None = Field(None, description="username")
    due_date: date | None = None
    priority: str | None = None


class ItemOut(Schema):
    id: int
    ref: str
    incident: int
    incident_ref: str
    postmortem: int | None
    source_entry: int | None
    title: str
    description: str
    owner: str
    due_date: date
    priority: str
    type: str
    status: str
    wont_do_reason: str
    overdue: bool
    external_url: str
    jira_key: str
    jira_url: str
    export_state: str
    export_error: str
    created_at: datetime
    completed_at: datetime | None
    url: str


class ItemList(Schema):
    items: list[ItemOut]
    count: int


def item_json(item: ActionItem, today: date | None = None) -> dict:
    return {
        "id": item.pk,
        "ref": item.ref,
        "incident": item.incident_id,
        "incident_ref": f"INC-{item.incident_id}",
        "postmortem": item.postmortem_id,
        "source_entry": item.source_entry_id,
        "title": item.title,
        "description": item.description,
        "owner": item.owner.get_username(),
        "due_date": item.due_date,
        "priority": item.priority,
        "type": item.type,
        "status": item.status,
        "wont_do_reason": item.wont_do_reason,
        "overdue": item.is_overdue(today),
        "external_url": item.external_url,
        "jira_key": item.jira_key,
        "jira_url": item.jira_url,
        "export_state": item.export_state,
        "export_error": item.export_error,
        "created_at": item.created_at,
        "completed_at": item.completed_at,
        "url": settings.SITE_URL + item.get_absolute_url(),
    }


def _user(username: str | None):
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ActionError(f"No active user named “{username}”; the owner must be an active user.", "owner")
    return user


def _item(request, item_id: int, *, write: bool = False) -> ActionItem:
    item = get_object_or_404(ActionItem.objects.select_related("owner"), pk=item_id)
    get_incident_for_user(request.user, item.incident_id, write=write)
    return item


@router.post(
    "/action-items", response={201: ItemOut, 400: Error, 403: Error, 404: Error}, summary="Raise an action item"
)
def create_item(request, payload: ItemIn):
    incident = get_incident_for_user(request.user, payload.incident, write=True)
    postmortem = source_entry = None
    if payload.postmortem is not None:
        postmortem = Postmortem.objects.filter(pk=payload.postmortem).first()
        if postmortem is None:
            raise ActionError(f"There is no postmortem {payload.postmortem}.", "postmortem")
    if payload.source_entry is not None:
        source_entry = TimelineEntry.objects.filter(pk=payload.source_entry).first()
        if source_entry is None:
            raise ActionError(f"There is no timeline entry {payload.source_entry}.", "source_entry")
    item = actions.create_action_item(
        incident,
        actor=request.user,
        title=payload.title,
        owner=_user(payload.owner),
        type=payload.type,
        description=payload.description,
        due_date=payload.due_date,
        priority=payload.priority,
        external_url=payload.external_url,
        postmortem=postmortem,
        source_entry=source_entry,
    )
    return Status(201, item_json(item))


@router.get("/action-items", response={200: ItemList, 400: Error}, summary="List action items (the tracker's filters)")
def list_items(
    request,
    owner: str = "",
    status: str = "all",
    overdue: bool = False,
    incident: str = "",
    service: str = "",
    type: str = "",
    sort: str = "due",
    limit: Limit = 200,
    offset: Offset = 0,
):
    """`owner` is a username or `me`; `status` is open (open + in progress), in_progress, done, wont_do, closed or all."""
    if not can_read(request.user):
        raise PermissionDenied("Sign in to see action items.")
    params = {
        "owner": owner,
        "status": status,
        "overdue": "1" if overdue else "",
        "incident": incident,
        "service": service,
        "type": type,
        "sort": sort,
    }
    f = TrackerFilter.from_query(params, default_status="all")
    if f.problems:
        raise ActionError(" ".join(f.problems), "query")
    today = timezone.localdate()
    found = filtered_items(f, request.user, today)
    limit, offset = max(1, min(limit, 1000)), max(0, offset)
    page = list(found[offset : offset + limit])
    return {"items": [item_json(i, today) for i in page], "count": found.count()}


@router.get("/action-items/{int:item_id}", response={200: ItemOut, 404: Error}, summary="One action item")
def get_item(request, item_id: int):
    return item_json(_item(request, item_id))


@router.patch(
    "/action-items/{int:item_id}",
    response={200: ItemOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Change an action item",
)
def patch_item(request, item_id: int, payload: ItemPatch):
    item = _item(request, item_id, write=True)
    sent = payload.model_dump(exclude_unset=True)
    changes = {name: sent[name] for name in ("status", "due_date", "priority") if sent.get(name) is not None}
    if sent.get("owner") is not None:
        changes["owner"] = _user(sent["owner"])
    item = actions.update_action_item(item, actor=request.user, reason=payload.reason, **changes)
    return item_json(ActionItem.objects.select_related("owner").get(pk=item.pk))


@router.post(
    "/action-items/{int:item_id}/jira",
    response={202: ItemOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Export to Jira",
)
def export_item(request, item_id: int):
    """Queue the Jira issue; `export_state` tells pending → exported (with `jira_key`) or failed (with `export_error`, retried)."""
    item = actions.request_jira_export(_item(request, item_id, write=True), actor=request.user)
    tasks.send_to_jira_on_commit(item)
    return Status(202, item_json(ActionItem.objects.select_related("owner").get(pk=item.pk)))
