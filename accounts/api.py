"""GET /api/v1/audit: the audit log for admins, newest first, filtered and paged."""

from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Router, Schema

from incidents.models import AuditEvent, TokenScope

router = Router(tags=["audit"])


def require_admin(request) -> None:
    """Admin endpoints: an admin, and (through the API) a token with the `admin` scope."""
    token = getattr(request, "api_token", None)
    if not (request.user.is_active and request.user.is_superuser):
        raise PermissionDenied("Only admins may use this endpoint.")
    if token is not None and not token.allows(TokenScope.ADMIN):
        raise PermissionDenied("This endpoint needs a token with the `admin` scope.")


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
    request, action: str = "", actor: str = "", since: datetime | None = None, limit: int = 100, offset: int = 0
):
    """`action` is an audit name (login, login_failed, export, ...), `actor` a username, `since` an ISO 8601
    time (UTC when it names no zone); `limit` 1..500, `offset` from `next_offset` of the previous page."""
    require_admin(request)
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_name=actor)
    if since is not None:
        events = events.filter(at__gte=since if timezone.is_aware(since) else since.replace(tzinfo=UTC))
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    count = events.count()
    page = [event_json(event) for event in events.order_by("-at", "-id")[offset : offset + limit]]
    return {"items": page, "count": count, "next_offset": offset + limit if offset + limit < count else None}
