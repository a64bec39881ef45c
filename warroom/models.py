"""Bookkeeping of the API itself (not part of any incident's record)."""

from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    """The first answer to a creating API call sent with an `Idempotency-Key`: a retry gets it back, unwritten.

    `scope` is a hash of the caller's credentials, so two clients never share a key; `fingerprint` is a hash of
    the method, path and body, so the same key with a different request is refused.
    """

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.BinaryField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotent_request_once")]

    def __str__(self) -> str:
        return f"{self.key} → {self.status}"
