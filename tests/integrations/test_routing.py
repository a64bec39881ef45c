"""Routing rules: label matchers decide whether a firing alert declares, at which severity, for which service."""

import pytest
from django.core.exceptions import ValidationError

from incidents.models import Incident, Service
from integrations.models import Alert, AlertGroup, RoutingRule, parse_matchers
from integrations.routing import matches, title_for

from .conftest import payload


def test_it_reads_matchers_as_alertmanager_writes_them():
    assert parse_matchers('severity="critical", service=~"check.*|cart" ,env!="staging",team!~"qa"') == [
        ("severity", "=", "critical"),
        ("service", "=~", "check.*|cart"),
        ("env", "!=", "staging"),
        ("team", "!~", "qa"),
    ]
    assert parse_matchers("") == []


@pytest.mark.parametrize("bad", ["severity=critical", 'service=~"("', 'a="b" junk'])
def test_it_refuses_matchers_it_cannot_read(bad):
    with pytest.raises(ValidationError):
        RoutingRule(matchers=bad).clean()


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ('severity="critical"', {"severity": "critical"}, True),
        ('severity="critical"', {"severity": "warning"}, False),
        ('service=~"check"', {"service": "checkout"}, False),  # anchored, like Alertmanager
        ('service=~"check.*"', {"service": "checkout"}, True),
        ('env!="staging"', {}, True),
        ('env!~"stag.*"', {"env": "staging"}, False),
    ],
)
def test_it_matches_labels(text, labels, expected):
    assert matches(parse_matchers(text), labels) is expected


def test_it_fills_title_templates_from_labels_and_annotations_only():
    labels, annotations = {"alertname": "HighLatency", "service": "checkout"}, {"summary": "p99 2s"}
    assert title_for("{alertname} on {service}: {summary}", labels, annotations) == "HighLatency on checkout: p99 2s"
    assert title_for("{__class__} {missing}x", labels, annotations) == "x"
    assert title_for("", {"alertname": "A"}, {}) == "A"


def test_it_applies_the_first_matching_rule(make_endpoint, sender, checkout, bob):
    endpoint, path = make_endpoint("alertmanager")
    payments = Service.objects.create(name="Payments", slug="payments")
    RoutingRule.objects.create(
        endpoint=endpoint,
        position=1,
        matchers='alertname="CheckoutErrorRate"',
        severity="SEV1",
        service=payments,
        title_template="{alertname} ({severity})",
        commander=bob,
    )
    RoutingRule.objects.create(endpoint=endpoint, position=2, matchers="", severity="SEV4")
    sender.deliver(path, payload("alertmanager-firing"))
    incident = Incident.objects.get()
    assert (incident.title, incident.severity, incident.commander) == ("CheckoutErrorRate (critical)", "SEV1", bob)
    assert list(incident.services.all()) == [payments]


def test_it_only_records_alerts_a_rule_says_to_record(make_endpoint, sender):
    endpoint, path = make_endpoint("alertmanager")
    RoutingRule.objects.create(matchers='service="checkout"', action="record")  # applies to every endpoint
    sender.deliver(path, payload("alertmanager-firing"))
    assert not Incident.objects.exists()
    assert AlertGroup.objects.get().incident is None and Alert.objects.count() == 2


def test_it_ignores_rules_of_other_endpoints(make_endpoint, sender):
    other, _ = make_endpoint("alertmanager", name="other")
    _, path = make_endpoint("alertmanager", name="mine")
    RoutingRule.objects.create(endpoint=other, matchers="", action="record")
    sender.deliver(path, payload("alertmanager-firing"))
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    ("severity", "declared"), [("critical", "SEV2"), ("warning", "SEV3"), ("info", None), ("", None)]
)
def test_it_maps_the_severity_label_by_default(make_endpoint, sender, severity, declared):
    _, path = make_endpoint("alertmanager")
    body = payload("alertmanager-firing")
    for alert in body["alerts"]:
        alert["labels"]["severity"] = severity
    sender.deliver(path, body)
    assert list(Incident.objects.values_list("severity", flat=True)) == ([declared] if declared else [])
    assert Alert.objects.count() == 2


def test_it_lets_the_longest_standing_admin_command_when_nobody_is_named(make_endpoint, sender, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123")
    _, path = make_endpoint("alertmanager", commander=None)
    sender.deliver(path, payload("alertmanager-firing"))
    assert Incident.objects.get().commander == admin


def test_a_routing_rule_may_declare_its_incidents_private(make_endpoint, sender, checkout):
    from incidents.models import Incident
    from integrations.models import RoutingRule

    from .conftest import payload

    endpoint, path = make_endpoint("generic")
    RoutingRule.objects.create(endpoint=endpoint, matchers='severity="critical"', severity="SEV1", visibility="private")
    sender.deliver(path, payload("generic-firing"))
    incident = Incident.objects.get()
    assert incident.visibility == "private"
