"""Status updates over the JSON API: post (internal publishes, external drafts), approve, and the cadence."""

from datetime import datetime

from django.http import Http404
from ninja import Field, Router, Schema, Status

from incidents.access import get_incident_for_user
from incidents.api import Error, IncidentOut, fresh_incident_json, incidents_for_api
from incidents.api import router as incidents_router
from incidents.models import Audience, ComponentState, PublicState, StatusUpdate
from warroom.choices import choice_literal

from . import actions as comms

router = Router(tags=["status updates"])

PublicStateName = choice_literal(PublicState)
ComponentStateName = choice_literal(ComponentState)
AudienceName = choice_literal(Audience)


class UpdateIn(Schema):
    audience: AudienceName
    status: str = Field(description="current status")
    actions: str = Field("", description="actions taken")
    next_steps: str = ""
    next_update_in_minutes: int | None = Field(None, ge=1, le=240, description="defaults to the incident's cadence")
    headline: str = Field("", description="external only: the status page's title")
    public_state: PublicStateName | None = Field(None, description="external only; defaults from the incident's status")
    component_state: ComponentStateName | None = Field(None, description="external only; defaults from the severity")


class UpdateOut(Schema):
    id: int
    incident: int
    audience: AudienceName
    state: choice_literal(StatusUpdate.State)
    headline: str
    public_state: str
    component_state: str
    status: str
    actions: str
    next_steps: str
    html: str
    author: str | None
    approved_by: str | None
    created_at: datetime
    published_at: datetime | None
    next_update_due_at: datetime | None
    on_time: bool | None


class UpdateList(Schema):
    items: list[UpdateOut]


class CadenceIn(Schema):
    update_cadence_minutes: int | None = Field(..., ge=1, le=240, description="null resets to the severity's default")


def update_json(update: StatusUpdate) -> dict:
    return {
        "id": update.pk,
        "incident": update.incident_id,
        "audience": update.audience,
        "state": update.state,
        "headline": update.headline,
        "public_state": update.public_state,
        "component_state": update.component_state,
        "status": update.status,
        "actions": update.actions,
        "next_steps": update.next_steps,
        "html": update.html,
        "author": update.author.get_username() if update.author else None,
        "approved_by": update.approved_by.get_username() if update.approved_by else None,
        "created_at": update.created_at,
        "published_at": update.published_at,
        "next_update_due_at": update.next_update_due_at,
        "on_time": update.on_time,
    }


@router.get(
    "/incidents/{int:incident_id}/updates",
    response={200: UpdateList, 404: Error},
    summary="Status updates, oldest first",
)
def list_updates(request, incident_id: int):
    incident = get_incident_for_user(request.user, incident_id)
    updates = incident.status_updates.select_related("author", "approved_by").order_by("pk")
    return {"items": [update_json(u) for u in updates]}


@router.post(
    "/incidents/{int:incident_id}/updates",
    response={201: UpdateOut, 400: Error, 403: Error, 404: Error},
    summary="Post a status update (internal: published; external: a draft to approve)",
)
def post_update(request, incident_id: int, payload: UpdateIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    data = payload.dict()
    data["public_state"] = data["public_state"] or ""
    data["component_state"] = data["component_state"] or ""
    update = comms.post_update(incident, actor=request.user, **data)
    return Status(201, update_json(update))


@router.post(
    "/updates/{int:update_id}/approve",
    response={200: UpdateOut, 403: Error, 404: Error, 409: Error},
    summary="Approve and publish an external draft (Incident Commander or Communications Lead)",
)
def approve_update(request, update_id: int):
    update = StatusUpdate.objects.select_related("incident").filter(pk=update_id).first()
    if update is None:
        raise Http404(f"There is no status update #{update_id}.")
    get_incident_for_user(request.user, update.incident_id, write=True)
    update = comms.approve_update(update, actor=request.user)
    return update_json(StatusUpdate.objects.select_related("author", "approved_by").get(pk=update.pk))


# On the incidents router: ninja resolves one path per router, and GET /incidents/{id} lives there.
@incidents_router.patch(
    "/incidents/{int:incident_id}",
    response={200: IncidentOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Change the incident's update cadence",
)
def patch_incident(request, incident_id: int, payload: CadenceIn):
    incident = get_incident_for_user(request.user, incident_id, write=True, queryset=incidents_for_api())
    comms.set_update_cadence(incident, minutes=payload.update_cadence_minutes, actor=request.user)
    return fresh_incident_json(request, incident)
