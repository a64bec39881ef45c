"""Bearer tokens for bots and scripts."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenScope(models.TextChoices):
    READ = "read", "Read: every GET; no change"
    WRITE = "write", "Write: what its owner may do in the room"
    ADMIN = "admin", "Admin: also the admin endpoints (audit log, webhook subscriptions), if its owner is an admin"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )

    def find(self, raw: str):
        """The usable token with this secret, its active user loaded, or None."""
        if not raw or len(raw) > 200:
            return None
        token = self.usable().select_related("user").filter(token_hash=_hash_token(raw)).first()
        if token is None or not token.user.is_active:
            return None
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token

    def authenticate(self, raw: str):
        """The active user holding this bearer token, or None."""
        token = self.find(raw)
        return token.user if token else None


class ApiToken(models.Model):
    """A bearer token for bots and scripts; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.WRITE)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def allows(self, scope: str) -> bool:
        """Whether this token's scope covers `scope` (read < write < admin)."""
        order = [TokenScope.READ, TokenScope.WRITE, TokenScope.ADMIN]
        return order.index(TokenScope(self.scope)) >= order.index(TokenScope(scope))

    @classmethod
    def issue(cls, user, name: str = "", *, scope: str = TokenScope.WRITE, expires_at=None) -> tuple["ApiToken", str]:
        raw = "wr_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[:10], token_hash=_hash_token(raw), scope=scope, expires_at=expires_at
        )
        return token, raw
