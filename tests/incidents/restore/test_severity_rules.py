"""The severity suggestion is one table in code: these cases read like the table, with the reason in words."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from incidents.restore.severity_rules import Impact, SeverityRule, suggest_severity


@pytest.mark.parametrize(
    "pct, core_down, visible, services, severity, reason",
    [
        (40, True, True, ("Checkout",), "SEV1", "core Checkout flow down and 40% of users affected → SEV1"),
        (25, True, False, ("Checkout",), "SEV1", "core Checkout flow down and 25% of users affected → SEV1"),
        (60, False, False, (), "SEV1", "60% of users affected → SEV1"),
        (5, True, True, ("Checkout", "Payments"), "SEV2", "core Checkout and Payments flow down → SEV2"),
        (24, True, False, (), "SEV2", "core business flow down → SEV2"),
        (12, False, True, (), "SEV2", "12% of users affected and visible to customers → SEV2"),
        (30, False, False, (), "SEV2", "30% of users affected → SEV2"),
        (3, False, True, (), "SEV3", "3% of users affected and visible to customers → SEV3"),
        (15, False, False, (), "SEV3", "15% of users affected → SEV3"),
        (2, False, False, (), "SEV4", "2% of users affected → SEV4"),
        (0, False, True, (), "SEV4", "visible to customers → SEV4"),
        (
            0,
            False,
            False,
            ("Search",),
            "SEV5",
            "no core Search flow down, 0% of users affected and not visible to customers → SEV5",
        ),
    ],
)
def test_it_suggests_severity_from_the_table(settings, pct, core_down, visible, services, severity, reason):
    suggestion = suggest_severity(Impact(pct, core_down, visible, services))
    assert (suggestion.severity, suggestion.reason) == (severity, reason)


def test_it_reads_a_configured_table(settings):
    settings.WARROOM = {**settings.WARROOM, "SEVERITY_RULES": [("SEV1", None, 5, None), ("SEV3",)]}
    assert suggest_severity(Impact(5, False)).severity == "SEV1"
    assert suggest_severity(Impact(4, False)).severity == "SEV3"


def test_it_falls_back_to_the_lowest_severity_when_no_row_matches():
    rules = (SeverityRule("SEV1", True, 50),)
    suggestion = suggest_severity(Impact(10, False), rules)
    assert suggestion.severity == "SEV5"
    assert suggestion.reason.endswith("→ SEV5 (no rule matched)")


def test_it_refuses_a_configured_table_with_unknown_severities(settings):
    settings.WARROOM = {**settings.WARROOM, "SEVERITY_RULES": [("SEV9", None, 0, None)]}
    with pytest.raises(ImproperlyConfigured, match="SEV9"):
        suggest_severity(Impact(5, False))
