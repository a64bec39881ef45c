"""The audit log: one append-only line per sign-in, token use, export, access change or authority override.

Call `audit(...)` from the action or view where the event happens; nothing ever updates or deletes a line.
"""

from ..models import AuditEvent


class AuditAction:
    """The names the log uses; the admin page and the API filter on them."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    LOCKED_OUT = "locked_out"
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"
    TOKEN_USED = "token_used"
    EXPORT = "export"
    VISIBILITY_CHANGED = "visibility_changed"
    MEMBER_ADDED = "member_added"
    MEMBER_REMOVED = "member_removed"
    TEAM_MEMBERSHIP = "team_membership"
    TOOK_COMMAND = "took_command"


def client_address(request) -> str | None:
    """The caller's address as the server saw it (REMOTE_ADDR; a proxy in front sets it through the ASGI server)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit(action: str, *, actor=None, incident=None, request=None, address: str | None = None, **detail) -> AuditEvent:
    """Append one line to the audit log."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_name=actor.get_username() if actor is not None else str(detail.get("username", ""))[:150],
        incident=incident,
        address=address or client_address(request),
        detail=detail,
    )
