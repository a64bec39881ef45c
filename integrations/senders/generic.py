"""Our own JSON alert shape, for any tool that can POST JSON (documented in README, "Generic alerts").

    {"alert_uid": "disk-db-1", "status": "firing", "title": "Disk almost full on db-1",
     "severity": "critical", "service": "checkout", "group_key": "optional; default alert_uid",
     "started_at": "2026-11-24T21:00:00Z", "url": "https://…", "description": "…",
     "labels": {"host": "db-1"}, "annotations": {"runbook_url": "https://…"}}

or {"alerts": [ …such objects… ]}. `alert_uid` is the identity: never the title.
"""

from .events import AlertBatch, AlertEvent, PayloadError, http_url, obj, str_dict, text, timestamp


def parse(payload: dict, headers: dict | None = None) -> AlertBatch:
    items = payload["alerts"] if "alerts" in payload else [payload]
    if not isinstance(items, list) or not items:
        raise PayloadError("alerts must be a non-empty list.")
    return AlertBatch([_alert(obj(item, f"alerts[{i}]"), f"alerts[{i}]") for i, item in enumerate(items)])


def _alert(item: dict, where: str) -> AlertEvent:
    uid = text(item.get("alert_uid"), f"{where}.alert_uid", required=True, limit=200)
    status = text(item.get("status") or "firing", f"{where}.status")
    if status not in ("firing", "resolved"):
        raise PayloadError(f"{where}.status must be firing or resolved.")
    labels = str_dict(item.get("labels"), f"{where}.labels")
    annotations = str_dict(item.get("annotations"), f"{where}.annotations")
    title = text(item.get("title"), f"{where}.title", limit=200) or labels.get("alertname") or uid
    labels.setdefault("alertname", title)
    for key in ("severity", "service"):
        if value := text(item.get(key), f"{where}.{key}", limit=100):
            labels[key] = value
    if description := text(item.get("description"), f"{where}.description"):
        annotations.setdefault("description", description)
    starts_at = timestamp(item.get("started_at"), f"{where}.started_at")
    return AlertEvent(
        group_key=text(item.get("group_key"), f"{where}.group_key", limit=500) or uid,
        fingerprint=uid,
        cycle=starts_at.isoformat() if starts_at else "",
        status=status,
        name=title,
        summary=annotations.get("summary") or description,
        labels=labels,
        annotations=annotations,
        source_url=http_url(item.get("url")),
        starts_at=starts_at,
    )
