"""Grafana Alerting webhook: Alertmanager's shape (groupKey, fingerprint, startsAt) plus dashboard links."""

from . import alertmanager
from .events import AlertBatch


def parse(payload: dict, headers: dict | None = None) -> AlertBatch:
    # Prefer the panel or dashboard a responder can open over the rule editor link.
    return alertmanager.parse(payload, headers, source_url_keys=("panelURL", "dashboardURL", "generatorURL"))
