"""Severity suggested from the impact assessment: one readable table, first matching row wins.

Override the table with `WARROOM["SEVERITY_RULES"]` in settings (same columns). A column left as None
matches anything. The reason names the facts the matching row looked at, so the IC can check it:
"core Checkout flow down and 40% of users affected → SEV1".
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from incidents.models import Severity


class SeverityRule(NamedTuple):
    severity: str
    core_flow_down: bool | None = None
    min_users_pct: int = 0
    customer_visible: bool | None = None


DEFAULT_SEVERITY_RULES: tuple[SeverityRule, ...] = (
    #            severity  core flow down  users affected ≥ %  customer-visible
    SeverityRule("SEV1",   True,           25,                 None),
    SeverityRule("SEV1",   None,           50,                 None),
    SeverityRule("SEV2",   True,           0,                  None),
    SeverityRule("SEV2",   None,           10,                 True),
    SeverityRule("SEV2",   None,           25,                 None),
    SeverityRule("SEV3",   None,           1,                  True),
    SeverityRule("SEV3",   None,           10,                 None),
    SeverityRule("SEV4",   None,           1,                  None),
    SeverityRule("SEV4",   None,           0,                  True),
    SeverityRule("SEV5",   None,           0,                  None),
)  # fmt: skip


@dataclass(frozen=True)
class Impact:
    users_affected_pct: int
    core_flow_down: bool
    customer_visible: bool = False
    service_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    severity: str
    reason: str


def severity_rules() -> tuple[SeverityRule, ...]:
    configured = settings.WARROOM.get("SEVERITY_RULES")
    if configured is None:
        return DEFAULT_SEVERITY_RULES
    rules = tuple(SeverityRule(*row) for row in configured)
    bad = [r.severity for r in rules if r.severity not in Severity.values]
    if bad or not rules:
        raise ImproperlyConfigured(f"WARROOM['SEVERITY_RULES'] needs rows of known severities; got {bad or 'no rows'}.")
    return rules


def _matches(rule: SeverityRule, impact: Impact) -> bool:
    return (
        (rule.core_flow_down is None or rule.core_flow_down == impact.core_flow_down)
        and impact.users_affected_pct >= rule.min_users_pct
        and (rule.customer_visible is None or rule.customer_visible == impact.customer_visible)
    )


def _facts(rule: SeverityRule | None, impact: Impact) -> list[str]:
    """The facts a rule tested, in words; a catch-all row (or none) gets the whole picture."""
    names = " and ".join(impact.service_names)
    flow = f"core {names} flow" if names else "core business flow"
    everything = rule is None or (
        rule.core_flow_down is None and rule.min_users_pct == 0 and rule.customer_visible is None
    )
    facts = []
    if everything or rule.core_flow_down is not None:
        facts.append(f"{flow} down" if impact.core_flow_down else f"no {flow} down")
    if everything or rule.min_users_pct:
        facts.append(f"{impact.users_affected_pct}% of users affected")
    if everything or rule.customer_visible is not None:
        facts.append("visible to customers" if impact.customer_visible else "not visible to customers")
    return facts


def suggest_severity(impact: Impact, rules: tuple[SeverityRule, ...] | None = None) -> Suggestion:
    rules = severity_rules() if rules is None else rules
    for rule in rules:
        if _matches(rule, impact):
            return Suggestion(rule.severity, f"{_join(_facts(rule, impact))} → {rule.severity}")
    lowest = Severity.values[-1]
    return Suggestion(lowest, f"{_join(_facts(None, impact))} → {lowest} (no rule matched)")


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
