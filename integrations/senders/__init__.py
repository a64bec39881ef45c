"""The senders we read, one module each (integrations/senders/<kind>.py); each reads its vendor's payload into
`events` objects."""

from . import alertmanager, datadog, deploys, generic, grafana, opsgenie, pagerduty, sentry

PARSERS = {
    "alertmanager": alertmanager.parse,
    "grafana": grafana.parse,
    "sentry": sentry.parse,
    "datadog": datadog.parse,
    "generic": generic.parse,
    "deploy": deploys.parse,
    "pagerduty": pagerduty.parse,
    "opsgenie": opsgenie.parse,
}

#: Request headers kept with a delivery because the parser needs them (which event a sender sent).
EVENT_HEADERS = ["X-GitHub-Event", "X-Gitlab-Event", "Sentry-Hook-Resource"]
