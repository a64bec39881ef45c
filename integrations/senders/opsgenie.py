"""Opsgenie's alert API (`POST /v2/alerts`, `…/{alias}/close`, `…/{alias}/acknowledge` with
`?identifierType=alias`), for teams moving off Opsgenie without touching their monitoring.

The receiver stores each request as `{"action": "create"|"close"|"acknowledge", "alias": "…", "request": {…}}`;
a create reads `message` (required), `alias` (the dedup key), `description`, `priority` P1–P5, `tags`,
`details`, `entity` and `source`. As in Opsgenie, a create for an open alias is a repeat, and one after the
alias was closed starts a new alert.
"""

from .events import AlertBatch, AlertEvent, PayloadError, fingerprint_of, obj, str_dict, text

ACTIONS = ("create", "close", "acknowledge")
PRIORITIES = ("P1", "P2", "P3", "P4", "P5")
#: Opsgenie priority → the severity label routing reads (P1–P2 declare SEV2 by default, P3 SEV3, P4–P5 record).
SEVERITY = {"P1": "critical", "P2": "critical", "P3": "warning", "P4": "info", "P5": "info"}
STATUS = {"create": "firing", "close": "resolved", "acknowledge": "acknowledged"}


def parse(stored: dict, headers: dict | None = None) -> AlertBatch:
    action = stored.get("action")
    if action not in ACTIONS:
        raise PayloadError("action must be create, close or acknowledge.")
    alias = text(stored.get("alias"), "alias", required=True, limit=512)
    request = obj(stored.get("request") or {}, "the body")
    if action != "create":
        return AlertBatch([_event(alias, STATUS[action], name=alias[:200])])
    message = text(request.get("message"), "message", required=True, limit=130)
    priority = text(request.get("priority"), "priority") or "P3"
    if priority not in PRIORITIES:
        raise PayloadError("priority must be one of P1, P2, P3, P4, P5.")
    tags = request.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise PayloadError("tags must be a list of strings.")
    details = str_dict(request.get("details"), "details")
    labels = {"severity": SEVERITY[priority], "priority": priority}
    for name in ("entity", "source"):
        if value := text(request.get(name), name, limit=512):
            labels[name] = value
    for tag in tags[:20]:
        key, sep, value = tag.partition(":")
        if sep and key.strip():
            labels.setdefault(key.strip()[:100], value.strip()[:200])
    if service := details.get("service"):
        labels["service"] = service[:100]
    annotations = {"summary": message, **details}
    if description := text(request.get("description"), "description", limit=15000):
        annotations["description"] = description
    if tags:
        annotations["tags"] = ", ".join(tag[:50] for tag in tags[:20])
    return AlertBatch([_event(alias, "firing", name=message, summary=message, labels=labels, annotations=annotations)])


def _event(alias: str, status: str, **fields) -> AlertEvent:
    return AlertEvent(
        group_key=f"opsgenie:{alias}", fingerprint=fingerprint_of(alias), status=status, keyed=True, **fields
    )
