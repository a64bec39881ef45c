"""PagerDuty Events API v2 (`POST /v2/enqueue`), as PagerDuty documents it: trigger, acknowledge and resolve by
`dedup_key`. Alertmanager's `pagerduty_configs` and Grafana's PagerDuty contact point send it with only the URL
changed; the endpoint's secret is the `routing_key`.

    {"routing_key": "…", "event_action": "trigger", "dedup_key": "optional on trigger",
     "payload": {"summary": "…", "source": "…", "severity": "critical|error|warning|info", "timestamp": "…",
                 "component": "…", "group": "…", "class": "…", "custom_details": {…}},
     "links": [{"href": "https://…", "text": "…"}], "images": [{"src": "https://…", "href": "…", "alt": "…"}],
     "client": "…", "client_url": "https://…"}

The dedup key alone identifies the alert: a trigger while it is open is a repeat, one after a resolve starts a
new alert (PagerDuty opens a new incident then too).
"""

import json

from .events import AlertBatch, AlertEvent, PayloadError, fingerprint_of, http_url, text, timestamp

ACTIONS = ("trigger", "acknowledge", "resolve")
SEVERITIES = ("critical", "error", "warning", "info")
STATUS = {"trigger": "firing", "acknowledge": "acknowledged", "resolve": "resolved"}
MAX_SUMMARY = 1024  # PagerDuty's limit
MAX_DEDUP_KEY = 255


class EventErrors(PayloadError):
    """Every problem PagerDuty would name, so the sender sees them all at once."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def parse(event: dict, headers: dict | None = None) -> AlertBatch:
    errors: list[str] = []
    action = event.get("event_action")
    if action not in ACTIONS:
        errors.append("'event_action' must be one of trigger, acknowledge, resolve.")
    dedup_key = _field(event, "dedup_key", errors, limit=MAX_DEDUP_KEY)
    if action in ("acknowledge", "resolve") and not dedup_key:
        errors.append(f"'dedup_key' is required to {action} an alert.")
    if action != "trigger":
        if errors:
            raise EventErrors(errors)
        return AlertBatch([_event(dedup_key, STATUS[action], name=dedup_key)])

    body = event.get("payload")
    if not isinstance(body, dict):
        raise EventErrors([*errors, "'payload' is missing or not an object."])
    summary = _field(body, "summary", errors, where="payload.summary", required=True, limit=MAX_SUMMARY)
    source = _field(body, "source", errors, where="payload.source", required=True, limit=255)
    severity = body.get("severity")
    if severity not in SEVERITIES:
        errors.append("'payload.severity' must be one of critical, error, warning, info.")
    starts_at = None
    try:
        starts_at = timestamp(body.get("timestamp"), "payload.timestamp")
    except PayloadError as error:
        errors.append(str(error))
    details = body.get("custom_details")
    if details is not None and not isinstance(details, dict | str):
        errors.append("'payload.custom_details' must be an object or a string.")
    links, images = event.get("links") or [], event.get("images") or []
    if not isinstance(links, list) or not isinstance(images, list):
        errors.append("'links' and 'images' must be lists.")
        links, images = [], []
    if errors:
        raise EventErrors(errors)
    if not dedup_key:
        raise EventErrors(["'dedup_key' is missing: the receiver assigns one before parsing."])

    labels = {"severity": severity, "source": source}
    for name in ("component", "group", "class"):
        if value := _field(body, name, errors, where=f"payload.{name}", limit=255):
            labels[name] = value
    if isinstance(details, dict) and isinstance(details.get("service"), str):
        labels["service"] = details["service"][:100]
    elif "component" in labels:
        labels["service"] = labels["component"]
    annotations = {"summary": summary, **_details(details)}
    hrefs = [http_url(link.get("href")) for link in links if isinstance(link, dict)]
    if any(hrefs):
        annotations["links"] = " ".join(h for h in hrefs if h)
    pictures = [http_url(image.get("src")) for image in images if isinstance(image, dict)]
    if any(pictures):
        annotations["images"] = " ".join(p for p in pictures if p)
    if client := text(event.get("client"), "client", limit=255):
        annotations["client"] = client
    return AlertBatch(
        [
            _event(
                dedup_key,
                "firing",
                name=summary[:200],
                summary=summary,
                labels=labels,
                annotations=annotations,
                source_url=http_url(event.get("client_url")) or next((h for h in hrefs if h), ""),
                starts_at=starts_at,
            )
        ]
    )


def _event(dedup_key: str, status: str, **fields) -> AlertEvent:
    return AlertEvent(
        group_key=f"pagerduty:{dedup_key}", fingerprint=fingerprint_of(dedup_key), status=status, keyed=True, **fields
    )


def _field(obj: dict, name: str, errors: list[str], *, where: str = "", required=False, limit=2000) -> str:
    try:
        value = text(obj.get(name), f"'{where or name}'", limit=limit)
    except PayloadError as error:
        errors.append(str(error))
        return ""
    if required and not value:
        errors.append(f"'{where or name}' is missing or blank.")
    return value


def _details(details) -> dict[str, str]:
    """custom_details as annotations: strings and numbers as they are, anything else as JSON."""
    if isinstance(details, str):
        return {"details": details[:2000]} if details else {}
    out = {}
    for key, value in (details or {}).items():
        if value is None or value == "":
            continue
        out[str(key)[:200]] = (value if isinstance(value, str) else json.dumps(value))[:2000]
    return out
