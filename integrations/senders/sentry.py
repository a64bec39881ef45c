"""Sentry integration webhooks: issue, issue-alert (event_alert) and metric-alert resources.

An issue is one alert keyed by its id, so every event of the issue lands on the same row; a metric
alert is keyed by its id. Sentry's level becomes the severity label (fatal/error → critical).
"""

from .events import AlertBatch, AlertEvent, PayloadError, http_url, obj, text, timestamp

ALERT_RESOURCES = {"", "issue", "event_alert", "metric_alert"}
RESOLVING_ACTIONS = {"resolved", "ignored", "archived"}
LEVELS = {"fatal": "critical", "error": "critical", "critical": "critical", "warning": "warning"}


def parse(payload: dict, headers: dict | None = None) -> AlertBatch:
    resource = (headers or {}).get("Sentry-Hook-Resource", "")
    if resource not in ALERT_RESOURCES:
        return AlertBatch([])  # installation, comment, error…: accepted, nothing to ingest
    action = text(payload.get("action"), "action", required=True)
    data = obj(payload.get("data"), "data")
    if "metric_alert" in data or resource == "metric_alert":
        return AlertBatch([_metric_alert(action, data)])
    if "issue" in data:
        issue = obj(data["issue"], "data.issue")
        return AlertBatch([_issue(action, issue, issue.get("id"))])
    if "event" in data:
        event = obj(data["event"], "data.event")
        alert = _issue(action, event, event.get("issue_id") or event.get("group_id"))
        if rule := text(data.get("triggered_rule"), "data.triggered_rule"):
            alert.annotations["triggered_rule"] = rule
        return AlertBatch([alert])
    raise PayloadError("data must hold an issue, an event or a metric_alert.")


def _issue(action: str, issue: dict, issue_id) -> AlertEvent:
    issue_id = text(issue_id, "issue id", required=True, limit=100)
    project = issue.get("project")
    labels = {
        "alertname": text(issue.get("title"), "title", limit=200) or f"Sentry issue {issue_id}",
        "severity": LEVELS.get(text(issue.get("level"), "level"), "info"),
        "project": text(project.get("slug"), "project.slug")
        if isinstance(project, dict)
        else text(issue.get("project"), "project"),
    }
    if short_id := text(issue.get("shortId"), "shortId"):
        labels["short_id"] = short_id
    return AlertEvent(
        group_key=f"sentry-issue:{issue_id}",
        fingerprint=issue_id,
        status="resolved" if action in RESOLVING_ACTIONS else "firing",
        name=labels["alertname"],
        summary=text(issue.get("culprit"), "culprit"),
        labels={k: v for k, v in labels.items() if v},
        annotations={"culprit": text(issue.get("culprit"), "culprit")} if issue.get("culprit") else {},
        source_url=http_url(issue.get("web_url") or issue.get("permalink")),
        starts_at=timestamp(issue.get("firstSeen") or issue.get("datetime"), "firstSeen"),
    )


def _metric_alert(action: str, data: dict) -> AlertEvent:
    alert = obj(data.get("metric_alert"), "data.metric_alert")
    alert_id = text(alert.get("id"), "data.metric_alert.id", required=True, limit=100)
    rule = alert.get("alert_rule") if isinstance(alert.get("alert_rule"), dict) else {}
    name = text(rule.get("name"), "alert_rule.name", limit=200) or text(
        data.get("description_title"), "description_title", limit=200
    )
    return AlertEvent(
        group_key=f"sentry-metric-alert:{alert_id}",
        fingerprint=alert_id,
        status="resolved" if action in RESOLVING_ACTIONS else "firing",
        name=name or f"Sentry metric alert {alert_id}",
        summary=text(data.get("description_text"), "description_text"),
        labels={"alertname": name or f"Sentry metric alert {alert_id}", "severity": LEVELS.get(action, "warning")},
        annotations={"description": text(data.get("description_text"), "description_text")}
        if data.get("description_text")
        else {},
        source_url=http_url(data.get("web_url")),
        starts_at=timestamp(alert.get("date_started"), "date_started"),
    )
