"""API tokens: issued with a name, a scope and an optional expiry; revoked from the token page or the admin.

The secret is shown once; only its hash is kept. Revoking a token closes the sockets it opened.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from warroom.errors import ActionConflict, ActionError

from ..live import broadcast
from ..models import ApiToken, TokenScope
from .audit import AuditAction, audit
from .base import clean_choice, clean_text

MAX_EXPIRY_DAYS = 3650


def issue_token(
    user, *, name: str, scope: str = TokenScope.WRITE, expires_in_days: int | None = None, actor=None, request=None
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and the secret, which is never shown again."""
    name = clean_text(name, field="name", label="The name", max_length=100, required=False)
    scope = clean_choice(scope, TokenScope, field="scope", label="scope")
    if user is None or not user.is_active:
        raise ActionError("Tokens are issued to active users only.", "user")
    if scope == TokenScope.ADMIN and not user.is_superuser:
        raise ActionError("Only an admin's token can have the admin scope.", "scope")
    expires_at = None
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
            raise ActionError(f"Expiry must be between 1 and {MAX_EXPIRY_DAYS} days.", "expires_in_days")
        expires_at = timezone.now() + timedelta(days=expires_in_days)
    with transaction.atomic():
        token, raw = ApiToken.issue(user, name=name, scope=scope, expires_at=expires_at)
        audit(
            AuditAction.TOKEN_CREATED,
            actor=actor or user,
            request=request,
            token=token.prefix,
            owner=user.get_username(),
            scope=scope,
            expires_at=expires_at.isoformat() if expires_at else None,
        )
    return token, raw


def revoke_token(token: ApiToken, *, actor, request=None) -> ApiToken:
    """Revoke now: the API refuses it at once, and its open sockets close within seconds."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ActionConflict("This token is already revoked.", "token")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(
            AuditAction.TOKEN_REVOKED, actor=actor, request=request, token=token.prefix, owner=token.user.get_username()
        )
        broadcast.end_access(token_id=token.pk, reason="token revoked")
    return token
