"""A fixed-window request limit kept in Django's cache (Redis across processes): enough to stop a script from
mailing an address again and again through the subscribe form."""

import hashlib

from django.core.cache import cache


def allow(scope: str, who: str, *, limit: int, per_seconds: int) -> bool:
    """Count one more request of `who` in `scope`; False once `limit` were made in the window."""
    key = "statuspage:limit:" + hashlib.sha256(f"{scope}:{who}".encode()).hexdigest()
    if cache.add(key, 1, timeout=per_seconds):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=per_seconds)
        return True
