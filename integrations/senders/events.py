"""What every sender's payload is read into: alert events and deploy events, plus the checks they share.

Sender modules (integrations/senders/*.py) turn a vendor's JSON into these; ingestion never sees a
vendor's shape. A payload that cannot be read raises PayloadError, whose message the sender gets back.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime

MAX_TEXT = 2000  # one label or annotation value; alert text is untrusted and unbounded


class PayloadError(ValueError):
    """The JSON is well-formed but not what this kind of endpoint expects."""


@dataclass
class AlertEvent:
    group_key: str
    fingerprint: str
    status: str  # "firing", "resolved", or "acknowledged" (senders that acknowledge: PagerDuty, Opsgenie)
    name: str
    cycle: str = ""
    summary: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    source_url: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    # The sender's dedup key alone identifies the alert (PagerDuty, Opsgenie): a firing copy while it is open is a
    # repeat, one after it resolved starts a new alert.
    keyed: bool = False

    @property
    def firing(self) -> bool:
        return self.status == "firing"


@dataclass
class AlertBatch:
    events: list[AlertEvent]
    truncated: int = 0


@dataclass
class DeployEvent:
    service: str
    version: str
    external_id: str
    source: str
    environment: str = "production"
    deployed_at: datetime | None = None
    deployed_by: str = ""
    url: str = ""


def fingerprint_of(key: str) -> str:
    """A dedup key as a fingerprint (200 characters at most): a longer key is stored as its SHA-256."""
    return key if len(key) <= 200 else hashlib.sha256(key.encode()).hexdigest()


def obj(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise PayloadError(f"{where} must be a JSON object.")
    return value


def text(value, where: str = "", *, required: bool = False, limit: int = MAX_TEXT) -> str:
    if value is None or value == "":
        if required:
            raise PayloadError(f"{where} is missing.")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PayloadError(f"{where} must be a string.")
    return str(value).strip()[:limit]


def str_dict(value, where: str) -> dict[str, str]:
    if value is None:
        return {}
    return {str(k)[:200]: text(v, f"{where}.{k}") for k, v in obj(value, where).items()}


def timestamp(value, where: str) -> datetime | None:
    """RFC 3339 or epoch milliseconds. Go's zero time (Alertmanager's endsAt while firing) means none."""
    if value in (None, "") or (isinstance(value, str) and value.startswith("0001-01-01")):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if isinstance(value, str) and value.isdigit():
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise PayloadError(f"{where} is not a time: {str(value)[:40]!r}.")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def http_url(value) -> str:
    """Only http(s) links are kept: a javascript: URL from a sender must never become a link."""
    value = text(value, limit=1000)
    return value if value.startswith(("http://", "https://")) else ""
