"""Incident endpoints of the JSON API. Each one: access check, action, the incident or entry as JSON."""

from datetime import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema, Status

from incidents import actions
from incidents.access import can_write, get_incident_for_user, visible_incidents
from incidents.models import POSTABLE_KINDS, EntryKind, Incident, Role, Service, Severity, TimelineEntry, Visibility
from incidents.models import Status as LifecycleStatus
from warroom.choices import choice_literal
from warroom.schema import Limit, Moment, Offset

User = get_user_model()
router = Router(tags=["incidents"])

SeverityName = choice_literal(Severity)
StatusName = choice_literal(LifecycleStatus)
EntryKindName = choice_literal(EntryKind, *POSTABLE_KINDS)
RoleName = choice_literal(Role)
VisibilityName = choice_literal(Visibility)


class Error(Schema):
    error: str


class Roles(Schema):
    commander: str | None
    tech_lead: str | None
    comms_lead: str | None
    scribe: str | None
    deputy: str | None


class IncidentOut(Schema):
    id: int
    ref: str
    title: str
    summary: str
    severity: SeverityName
    status: StatusName
    services: list[str]
    roles: Roles
    started_at: datetime
    detected_at: datetime | None
    declared_at: datetime
    acknowledged_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    update_cadence_minutes: int | None = Field(
        None, description="this incident's override; null = the severity's default"
    )
    next_update_due_at: datetime | None
    visibility: VisibilityName
    is_drill: bool
    team: str | None = Field(None, description="the owning team's slug")
    members: list[str] = Field(default_factory=list, description="usernames invited into the incident")
    url: str


class IncidentList(Schema):
    items: list[IncidentOut]


class EntryOut(Schema):
    id: int
    kind: str
    body: str
    html: str
    actor: str | None
    occurred_at: datetime
    metadata: dict


class EntryList(Schema):
    items: list[EntryOut]


class DeclareIn(Schema):
    title: str
    severity: SeverityName
    summary: str = ""
    services: list[str] = Field(default_factory=list, description="service slugs")
    commander: str | None = Field(None, description="username; defaults to the caller")
    started_at: Moment | None = None
    visibility: VisibilityName = Field(
        "internal", description="internal: every responder may read it; private: only its members"
    )
    is_drill: bool = Field(False, description="a drill or test incident, left out of insights by default")


class EntryIn(Schema):
    kind: EntryKindName = "note"
    body: str


class RoleIn(Schema):
    role: RoleName
    username: str


class TakeCommandIn(Schema):
    reason: str = Field(description="why you take command without an offer; goes on the timeline")


class VisibilityIn(Schema):
    visibility: VisibilityName


class MemberIn(Schema):
    username: str


class StatusIn(Schema):
    status: StatusName
    note: str = ""


class SeverityIn(Schema):
    severity: SeverityName
    reason: str = ""


# --- serializers ------------------------------------------------------------------------------


def incident_json(request, incident: Incident) -> dict:
    holders = incident.holders()
    return {
        "id": incident.pk,
        "ref": incident.ref,
        "title": incident.title,
        "summary": incident.summary,
        "severity": incident.severity,
        "status": incident.status,
        "services": [s.slug for s in incident.services.all()],
        "roles": {role.value: (holders[role].user.get_username() if role in holders else None) for role in Role},
        "started_at": incident.started_at,
        "detected_at": incident.detected_at,
        "declared_at": incident.declared_at,
        "acknowledged_at": incident.acknowledged_at,
        "mitigated_at": incident.mitigated_at,
        "resolved_at": incident.resolved_at,
        "update_cadence_minutes": incident.update_cadence_minutes,
        "next_update_due_at": incident.next_update_due_at,
        "visibility": incident.visibility,
        "is_drill": incident.is_drill,
        "team": incident.team.slug if incident.team_id else None,
        "members": [m.user.get_username() for m in incident.members.all()],
        "url": request.build_absolute_uri(incident.get_absolute_url()),
    }


def entry_json(entry: TimelineEntry) -> dict:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "body": entry.body,
        "html": entry.html,
        "actor": entry.actor.get_username() if entry.actor else None,
        "occurred_at": entry.occurred_at,
        "metadata": entry.metadata,
    }


def incidents_for_api():
    return Incident.objects.with_roles().select_related("team").prefetch_related("services", "members__user")


def fresh_incident_json(request, incident: Incident) -> dict:
    return incident_json(request, incidents_for_api().get(pk=incident.pk))


def user_named(username: str | None, field: str):
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise actions.ActionError(f"No active user named “{username}”.", field)
    return user


# --- endpoints --------------------------------------------------------------------------------


@router.get("/incidents", response=IncidentList, summary="List incidents")
def list_incidents(request, status: Literal["open", "resolved", "all"] = "open"):
    incidents = visible_incidents(request.user, incidents_for_api())
    if status == "open":
        incidents = incidents.open()
    elif status == "resolved":
        incidents = incidents.resolved()
    return {"items": [incident_json(request, i) for i in incidents.order_by("-declared_at")[:500]]}


@router.post("/incidents", response={201: IncidentOut, 400: Error}, summary="Declare an incident")
def declare(request, payload: DeclareIn):
    if not can_write(request.user):
        raise PermissionDenied("Observers cannot declare incidents.")
    slugs = list(dict.fromkeys(payload.services))
    services = list(Service.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {s.slug for s in services})
    if unknown:
        raise actions.ActionError(f"Unknown service(s): {', '.join(unknown)}.", "services")
    incident = actions.declare_incident(
        actor=request.user,
        title=payload.title,
        severity=payload.severity,
        summary=payload.summary,
        services=services,
        commander=user_named(payload.commander, "commander"),
        started_at=payload.started_at,
        visibility=payload.visibility,
        is_drill=payload.is_drill,
    )
    return Status(201, fresh_incident_json(request, incident))


@router.get("/incidents/{int:incident_id}", response={200: IncidentOut, 404: Error}, summary="One incident")
def get_incident(request, incident_id: int):
    incident = get_incident_for_user(request.user, incident_id, queryset=incidents_for_api())
    return incident_json(request, incident)


@router.get(
    "/incidents/{int:incident_id}/timeline", response={200: EntryList, 404: Error}, summary="Timeline, oldest first"
)
def timeline(request, incident_id: int, after: Offset = 0, limit: Limit = 500):
    incident = get_incident_for_user(request.user, incident_id)
    limit = max(1, min(limit, 1000))
    entries = incident.entries.select_related("actor").filter(pk__gt=after).order_by("pk")[:limit]
    return {"items": [entry_json(e) for e in entries]}


@router.post(
    "/incidents/{int:incident_id}/timeline", response={201: EntryOut, 400: Error, 404: Error}, summary="Post an entry"
)
def post_entry(request, incident_id: int, payload: EntryIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    entry = actions.post_entry(incident, kind=payload.kind, body=payload.body, actor=request.user)
    return Status(201, entry_json(entry))


@router.post(
    "/incidents/{int:incident_id}/roles",
    response={200: IncidentOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Assign a role, volunteer for an empty one, or offer command",
    description="The Incident Commander (or Deputy IC) names the other roles; anyone may name themselves to an empty "
    "role. Naming someone else Incident Commander is an offer: `roles.commander` changes when they accept it "
    "(`POST .../handoff/accept`). Anyone else gets 403 with the reason.",
)
def assign_role(request, incident_id: int, payload: RoleIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    actions.assign_role(incident, role=payload.role, user=user_named(payload.username, "username"), actor=request.user)
    return fresh_incident_json(request, incident)


@router.post(
    "/incidents/{int:incident_id}/take-command",
    response={200: IncidentOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Take command of a room whose Incident Commander is absent",
    description="Allowed when nobody holds command, when the IC's offer has gone unanswered, or when the IC has been "
    "silent and away for WARROOM['TAKE_COMMAND_AFTER']; to admins always. The reason goes on the timeline and the "
    "audit log.",
)
def take_command(request, incident_id: int, payload: TakeCommandIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    actions.take_command(incident, actor=request.user, reason=payload.reason, request=request)
    return fresh_incident_json(request, incident)


@router.post(
    "/incidents/{int:incident_id}/status",
    response={200: IncidentOut, 400: Error, 404: Error, 409: Error},
    summary="Change status",
)
def change_status(request, incident_id: int, payload: StatusIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    actions.change_status(incident, status=payload.status, actor=request.user, note=payload.note)
    return fresh_incident_json(request, incident)


@router.post(
    "/incidents/{int:incident_id}/severity",
    response={200: IncidentOut, 400: Error, 404: Error, 409: Error},
    summary="Change severity",
)
def change_severity(request, incident_id: int, payload: SeverityIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    actions.change_severity(incident, severity=payload.severity, actor=request.user, reason=payload.reason)
    return fresh_incident_json(request, incident)


@router.post(
    "/incidents/{int:incident_id}/visibility",
    response={200: IncidentOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Make an incident private or internal",
    description="By the Incident Commander, the Deputy IC, the owning team's leads or an admin.",
)
def set_visibility(request, incident_id: int, payload: VisibilityIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    actions.set_visibility(incident, visibility=payload.visibility, actor=request.user, request=request)
    return fresh_incident_json(request, incident)


@router.post(
    "/incidents/{int:incident_id}/members",
    response={201: IncidentOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Invite someone into an incident",
)
def add_member(request, incident_id: int, payload: MemberIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    actions.add_member(incident, user=user_named(payload.username, "username"), actor=request.user, request=request)
    return Status(201, fresh_incident_json(request, incident))


@router.delete(
    "/incidents/{int:incident_id}/members/{username}",
    response={200: IncidentOut, 403: Error, 404: Error, 409: Error},
    summary="Remove someone from an incident",
)
def remove_member(request, incident_id: int, username: str):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    user = User.objects.filter(username=username).first()
    if user is None:
        raise Http404(f"No user named “{username}”.")
    actions.remove_member(incident, user=user, actor=request.user, request=request)
    return fresh_incident_json(request, incident)
