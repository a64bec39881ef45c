"""Datadog webhook with our recommended payload template; one firing cycle per $ALERT_CYCLE_KEY.

Paste this as the webhook's custom payload (README, "Datadog"):

    {"alert_cycle_key": "$ALERT_CYCLE_KEY", "alert_id": "$ALERT_ID", "alert_transition": "$ALERT_TRANSITION",
     "alert_title": "$ALERT_TITLE", "alert_type": "$ALERT_TYPE", "alert_priority": "$ALERT_PRIORITY",
     "hostname": "$HOSTNAME", "link": "$LINK", "tags": "$TAGS", "body": "$EVENT_MSG", "date": "$DATE"}
"""

from .events import AlertBatch, AlertEvent, http_url, text, timestamp

RESOLVED_TRANSITIONS = {"Recovered"}
SEVERITY = {"error": "critical", "warning": "warning", "success": "info", "info": "info"}


def parse(payload: dict, headers: dict | None = None) -> AlertBatch:
    cycle_key = text(payload.get("alert_cycle_key"), "alert_cycle_key", required=True, limit=100)
    monitor = text(payload.get("alert_id"), "alert_id", limit=100) or cycle_key
    transition = text(payload.get("alert_transition"), "alert_transition", required=True)
    title = text(payload.get("alert_title"), "alert_title", limit=200) or f"Datadog monitor {monitor}"
    labels = dict(_tags(text(payload.get("tags"), "tags")))
    labels.update(
        alertname=title,
        monitor=monitor,
        severity=SEVERITY.get(text(payload.get("alert_type"), "alert_type"), "warning"),
    )
    if priority := text(payload.get("alert_priority"), "alert_priority"):
        labels["priority"] = priority
        if priority == "P1":
            labels["severity"] = "critical"
    if host := text(payload.get("hostname"), "hostname"):
        labels["host"] = host
    body = text(payload.get("body"), "body")
    return AlertBatch(
        [
            AlertEvent(
                group_key=f"datadog:{cycle_key}",
                fingerprint=monitor,
                cycle=cycle_key,
                status="resolved" if transition in RESOLVED_TRANSITIONS else "firing",
                name=title,
                summary=body[:500],
                labels=labels,
                annotations={"description": body, "transition": transition} if body else {"transition": transition},
                source_url=http_url(payload.get("link")),
                starts_at=timestamp(payload.get("date"), "date") if transition not in RESOLVED_TRANSITIONS else None,
            )
        ]
    )


def _tags(tags: str):
    """`env:prod,service:checkout` → labels; bare tags are skipped."""
    for tag in tags.split(","):
        key, sep, value = tag.strip().partition(":")
        if sep and key:
            yield key[:100], value[:200]
