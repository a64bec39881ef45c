"""`Idempotency-Key` on the API's creating calls: a retry within 24 hours gets the first answer and writes nothing.

The request and the record of its answer commit in one transaction, so a process killed mid-request leaves
neither (the client's retry runs afresh), and a retry never finds a half-done request. Two copies racing on one
key serialise on the key's unique index: the second waits, then replays the first's answer. The same key with
a different method, path or body is refused with 422.
"""

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from .models import IdempotentRequest

HEADER = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY_LENGTH = 255
KEEP_FOR = timedelta(hours=24)
CREATING_METHODS = {"POST"}


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, content_type="application/json; charset=utf-8")


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _replay(record: IdempotentRequest, fingerprint: str) -> HttpResponse:
    if record.fingerprint != fingerprint:
        return _error("This Idempotency-Key was used for a different request; use a new key for a new request.", 422)
    response = HttpResponse(bytes(record.body), status=record.status, content_type=record.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


def submit_once(user, token: str, perform) -> str:
    """A form that creates, submitted twice with the same one-time token (a double click, a resent POST), creates
    once: `perform()` runs and returns the URL to go to; a second submission gets that URL without running it."""
    scope = _digest(f"form:{user.pk}".encode())
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(
                scope=scope, key=token, fingerprint="", status=302, body=b"", content_type="text/uri-list"
            )
            url = perform()
            record.body = url.encode()
            record.save(update_fields=["body"])
            return url
    except IntegrityError:
        record = IdempotentRequest.objects.filter(scope=scope, key=token).first()
        if record is None or not record.body:
            raise
        return bytes(record.body).decode()


class IdempotencyKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER)
        if key is None or request.method not in CREATING_METHODS or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return _error(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.", 400)
        credentials = request.META.get("HTTP_AUTHORIZATION", "") or request.COOKIES.get("sessionid", "")
        if not credentials:
            return self.get_response(request)  # refused by authentication anyway; nothing to remember
        scope = _digest(credentials.encode())
        fingerprint = _digest(request.method.encode(), request.get_full_path().encode(), request.body)
        fresh = timezone.now() - KEEP_FOR
        IdempotentRequest.objects.filter(scope=scope, key=key, created_at__lt=fresh).delete()
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    scope=scope, key=key, fingerprint=fingerprint, status=0, body=b"", content_type=""
                )
                response = self.get_response(request)
                if response.status_code >= 500 or response.status_code in (401, 429) or response.streaming:
                    # Not an answer to remember: undo whatever the request wrote, so a retry starts clean.
                    transaction.set_rollback(True)
                    return response
                record.status, record.body = response.status_code, response.content
                record.content_type = response.get("Content-Type", "application/json")
                record.save(update_fields=["status", "body", "content_type"])
                return response
        except IntegrityError:
            # Another copy of this request committed first (we waited on its row): answer as it did.
            record = IdempotentRequest.objects.filter(scope=scope, key=key).first()
            if record is None:
                return _error("A request with this Idempotency-Key is still in progress; retry shortly.", 409)
            return _replay(record, fingerprint)
