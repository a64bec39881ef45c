"""Routing: what a firing alert that no open incident holds should do (declare or only be recorded).

The first rule (by position) whose matchers all hold decides; without one, the default reads the
severity label: critical → SEV2 (and PagerDuty's `error`, which PagerDuty pages for at high urgency too),
warning → SEV3, anything else is recorded without declaring.
"""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q

from incidents.models import Service, Severity, Visibility

from .models import Endpoint, RoutingRule, RuleAction, parse_matchers

DEFAULT_SEVERITIES = {"critical": Severity.SEV2, "error": Severity.SEV2, "warning": Severity.SEV3}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass
class Route:
    declare: bool
    severity: str
    title: str
    service: Service | None
    commander: object | None
    rule: RoutingRule | None = None
    visibility: str = Visibility.INTERNAL


def matches(matchers: list[tuple[str, str, str]], labels: dict[str, str]) -> bool:
    for label, op, value in matchers:
        actual = labels.get(label, "")
        if op == "=" and actual != value:
            return False
        if op == "!=" and actual == value:
            return False
        # Anchored, as Alertmanager anchors its regex matchers.
        if op == "=~" and not re.fullmatch(value, actual):
            return False
        if op == "!~" and re.fullmatch(value, actual):
            return False
    return True


def title_for(template: str, labels: dict[str, str], annotations: dict[str, str]) -> str:
    if template:
        values = {**annotations, **labels}
        title = PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), template).strip()
    else:
        title = annotations.get("summary") or labels.get("alertname") or "Alert"
    return " ".join(title.split())[:200] or "Alert"


def service_named(name: str) -> Service | None:
    if not name:
        return None
    return Service.objects.filter(Q(slug__iexact=name) | Q(name__iexact=name)).first()


def route(endpoint: Endpoint, labels: dict[str, str], annotations: dict[str, str]) -> Route:
    rules = RoutingRule.objects.filter(Q(endpoint=endpoint) | Q(endpoint__isnull=True)).select_related(
        "service", "commander"
    )
    rule = next((r for r in rules if matches(parse_matchers(r.matchers), labels)), None)
    label_severity = DEFAULT_SEVERITIES.get(labels.get("severity", "").lower())
    service = (rule.service if rule else None) or service_named(labels.get("service", "")) or endpoint.service
    commander = (rule.commander if rule else None) or endpoint.commander or fallback_commander()
    if rule is None:
        return Route(
            label_severity is not None,
            label_severity or Severity.SEV3,
            title_for("", labels, annotations),
            service,
            commander,
        )
    return Route(
        declare=rule.action == RuleAction.DECLARE,
        # Unsure between two severities, take the higher: a declaring rule without one defaults to SEV3 at least.
        severity=rule.severity or label_severity or Severity.SEV3,
        title=title_for(rule.title_template, labels, annotations),
        service=service,
        commander=commander,
        rule=rule,
        visibility=rule.visibility,
    )


def fallback_commander():
    # Someone must hold command from the first second; the longest-standing admin does until a person takes over.
    return get_user_model().objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
