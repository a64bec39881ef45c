"""Who sent this delivery: the sender's signature over the raw body, checked in constant time.

The URL token already authenticates; an endpoint with a signing secret also requires a valid
signature in the header its sender uses.
"""

import hashlib
import hmac

#: header → how its value carries the HMAC-SHA256 hex digest of the raw body
SIGNATURE_HEADERS = {
    "grafana": ["X-Grafana-Alerting-Signature"],
    "sentry": ["Sentry-Hook-Signature"],
    "deploy": ["X-Hub-Signature-256", "X-Warroom-Signature"],
    "generic": ["X-Warroom-Signature"],
    "alertmanager": ["X-Warroom-Signature"],
    "datadog": ["X-Warroom-Signature"],
}


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_signed_correctly(kind: str, secret: str, headers, body: bytes) -> bool:
    """True when some header of this sender carries the right signature (GitLab: the secret itself)."""
    expected = sign(secret, body)
    for name in SIGNATURE_HEADERS.get(kind, []):
        value = headers.get(name, "")
        if value.startswith("sha256="):
            value = value[len("sha256=") :]
        if value and hmac.compare_digest(value.lower().encode(), expected.encode()):
            return True
    # GitLab does not sign; it echoes the configured secret token in a header.
    gitlab = headers.get("X-Gitlab-Token", "")
    return kind == "deploy" and bool(gitlab) and hmac.compare_digest(gitlab.encode(), secret.encode())
