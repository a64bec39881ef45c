"""GET /api/v1/audit: the audit log for admins, newest first, filtered and paged."""

from datetime import datetime

from ninja import Router, Schema

from incidents.access import require_admin
from incidents.models import AuditEvent
from warroom.schema import Moment, Offset

router = Router(tags=["audit"])


class Error(Schema):
    error: str


class AuditEventOut(Schema):
    id: int
    at: datetime
    action: str
    actor: str | None
    incident: int | None
    address: str | None
    detail: dict


class AuditPage(Schema):
    items: list[AuditEventOut]
    count: int
    next_offset: int | None


def event_json(event: AuditEvent) -> dict:
    return {
        "id": event.pk,
        "at": event.at,
        "action": event.action,
        "actor": event.actor_name or None,
        "incident": event.incident_id,
        "address": event.address,
        "detail": event.detail,
    }


@router.get("/audit", response={200: AuditPage, 400: Error, 403: Error}, summary="The audit log (admins)")
def audit_log(
    request, action: str = "", actor: str = "", since: Moment | None = None, limit: int = 100, offset: Offset = 0
):
    """`action` is an audit name (login, login_failed, export, ...), `actor` a username, `since` an ISO 8601
    time with its zone; `limit` 1..500, `offset` from `next_offset` of the previous page."""
    require_admin(request)
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_name=actor)
    if since is not None:
        events = events.filter(at__gte=since)
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    count = events.count()
    page = [event_json(event) for event in events.order_by("-at", "-id")[offset : offset + limit]]
    return {"items": page, "count": count, "next_offset": offset + limit if offset + limit < count else None}
