"""Maintenance windows over the JSON API (bearer token): schedule one, list them.

The public, unauthenticated Statuspage-shaped JSON lives at /status/api/v2/ (statuspage/v2.py).
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema, Status

from incidents.access import can_read, can_write, require_admin
from incidents.api import Error
from warroom.choices import choice_literal

from . import actions, tasks
from .branding import branding
from .models import Maintenance

router = Router(tags=["status page"])
MaintenanceStatus = choice_literal(Maintenance.Status)


class MaintenanceIn(Schema):
    title: str = Field(..., description="public title, e.g. “Database upgrade”")
    body: str = Field(..., description="public text (Markdown): what customers will notice")
    components: list[str] = Field(..., description="slugs of the affected services")
    starts_at: datetime = Field(..., description="ISO 8601; UTC unless an offset is given")
    ends_at: datetime


class MaintenanceOut(Schema):
    id: int
    title: str
    body: str
    html: str
    components: list[str]
    status: MaintenanceStatus
    starts_at: datetime
    ends_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    url: str


class MaintenanceList(Schema):
    items: list[MaintenanceOut]


class MaintenanceFilter(Schema):
    status: MaintenanceStatus | None = None


def maintenance_json(window: Maintenance, components: list[str]) -> dict:
    return {
        "id": window.pk,
        "title": window.title,
        "body": window.body,
        "html": window.html,
        "components": components,
        "status": window.status,
        "starts_at": window.starts_at,
        "ends_at": window.ends_at,
        "started_at": window.started_at,
        "completed_at": window.completed_at,
        "created_at": window.created_at,
        "url": branding().link(f"#maintenance-{window.pk}"),
    }


@router.post("/maintenances", response={201: MaintenanceOut, 400: Error, 403: Error}, summary="Schedule maintenance")
def schedule(request, payload: MaintenanceIn):
    if not can_write(request.user):
        raise PermissionDenied("Observers cannot schedule maintenance.")
    window = actions.schedule_maintenance(
        title=payload.title,
        body=payload.body,
        services=payload.components,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        actor=request.user,
    )
    tasks.announce_maintenance_on_commit(window)
    return Status(201, maintenance_json(window, [s.slug for s in window.services.all()]))


@router.get("/maintenances", response={200: MaintenanceList}, summary="List maintenance windows")
def list_maintenances(request, filters: Query[MaintenanceFilter]):
    if not can_read(request.user):
        raise PermissionDenied("Sign in to see maintenance windows.")
    windows = Maintenance.objects.prefetch_related("services").order_by("-starts_at", "-pk")
    if filters.status:
        windows = windows.filter(status=filters.status)
    return {"items": [maintenance_json(w, [s.slug for s in w.services.all()]) for w in windows[:200]]}


# --- webhook subscribers ------------------------------------------------------------------------------------------


class WebhookSubscriberIn(Schema):
    url: str = Field(..., description="the receiver; each delivery is POSTed there, signed with the secret")
    components: list[str] = Field([], description="service slugs; empty: every component")


class WebhookSubscriberOut(Schema):
    id: int
    url: str
    components: list[str]
    secret: str = Field(..., description="HMAC-SHA256 key of X-Warroom-Signature; shown only in this answer")


@router.post(
    "/status-subscribers",
    response={201: WebhookSubscriberOut, 400: Error, 403: Error, 409: Error},
    summary="Add a webhook subscriber",
)
def add_webhook_subscriber(request, payload: WebhookSubscriberIn):
    require_admin(request, "add webhook subscribers")
    subscriber, secret = actions.add_webhook_subscriber(url=payload.url, components=payload.components)
    components = [s.slug for s in subscriber.services.all()]
    return Status(201, {"id": subscriber.pk, "url": subscriber.url, "components": components, "secret": secret})
