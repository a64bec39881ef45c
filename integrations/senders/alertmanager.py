"""Prometheus Alertmanager webhook (version 4): groups by groupKey, alerts matched by fingerprint + startsAt."""

from .events import AlertBatch, AlertEvent, PayloadError, http_url, obj, str_dict, text, timestamp


def parse(
    payload: dict, headers: dict | None = None, *, source_url_keys: tuple[str, ...] = ("generatorURL",)
) -> AlertBatch:
    group_key = text(payload.get("groupKey"), "groupKey", required=True)
    alerts = payload.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        raise PayloadError("alerts must be a non-empty list.")
    events = []
    for i, raw in enumerate(alerts):
        where = f"alerts[{i}]"
        alert = obj(raw, where)
        status = text(alert.get("status"), f"{where}.status", required=True)
        if status not in ("firing", "resolved"):
            raise PayloadError(f"{where}.status must be firing or resolved, not {status[:20]!r}.")
        labels = str_dict(alert.get("labels"), f"{where}.labels")
        annotations = str_dict(alert.get("annotations"), f"{where}.annotations")
        starts_at = timestamp(alert.get("startsAt"), f"{where}.startsAt")
        events.append(
            AlertEvent(
                group_key=group_key,
                fingerprint=text(alert.get("fingerprint"), f"{where}.fingerprint", required=True, limit=200),
                cycle=starts_at.isoformat() if starts_at else "",
                status=status,
                name=labels.get("alertname") or "alert",
                summary=annotations.get("summary") or annotations.get("description", ""),
                labels=labels,
                annotations=annotations,
                source_url=next((u for k in source_url_keys if (u := http_url(alert.get(k)))), ""),
                starts_at=starts_at,
                ends_at=timestamp(alert.get("endsAt"), f"{where}.endsAt"),
            )
        )
    truncated = payload.get("truncatedAlerts") or 0
    return AlertBatch(events, truncated=truncated if isinstance(truncated, int) and truncated > 0 else 0)
