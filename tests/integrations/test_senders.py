"""Grafana, Sentry, Datadog and our generic JSON: each sender's own identity keys, never the summary text."""

from incidents.models import EntryKind, Incident, Status, TimelineEntry
from integrations.models import Alert, AlertGroup

from .conftest import payload


def counts():
    return (Incident.objects.count(), Alert.objects.count(), TimelineEntry.objects.count())


def test_it_declares_sev3_from_a_grafana_warning_and_links_the_panel(make_endpoint, sender, checkout):
    _, path = make_endpoint("grafana")
    sender.deliver(path, payload("grafana-firing"))
    incident = Incident.objects.get()
    assert (incident.title, incident.severity, list(incident.services.all())) == (
        "Checkout p99 above 2s",
        "SEV3",
        [checkout],
    )
    alert = Alert.objects.get()
    assert alert.source_url == "https://grafana.example/d/checkout?orgId=1&viewPanel=4"
    assert alert.fingerprint == "57c6d9296de2ad39"


def test_it_ignores_a_repeated_grafana_delivery_and_posts_its_resolution(make_endpoint, sender):
    _, path = make_endpoint("grafana")
    sender.deliver(path, payload("grafana-firing"))
    before = counts()
    sender.deliver(path, payload("grafana-firing"))
    assert counts() == before
    sender.deliver(path, payload("grafana-resolved"))
    incident = Incident.objects.get()
    assert incident.status == Status.INVESTIGATING
    assert incident.entries.last().metadata.get("all_resolved") is True


def test_it_keys_sentry_issues_by_issue_id(make_endpoint, sender, checkout):
    _, path = make_endpoint("sentry")
    headers = {"Sentry-Hook-Resource": "issue"}
    sender.deliver(path, payload("sentry-issue-created"), headers=headers)
    renamed = payload("sentry-issue-created")
    renamed["data"]["issue"]["title"] = "PaymentGatewayTimeout: upstream timed out after 31s"
    sender.deliver(path, renamed, headers=headers)  # same issue id, new text: still one alert
    assert AlertGroup.objects.get().group_key == "sentry-issue:1170820242"
    alert = Alert.objects.get()
    assert (alert.fingerprint, alert.labels["severity"], alert.labels["project"]) == (
        "1170820242",
        "critical",
        "checkout",
    )
    incident = Incident.objects.get()
    assert (incident.severity, incident.title) == ("SEV2", "PaymentGatewayTimeout: upstream timed out after 30s")
    sender.deliver(path, payload("sentry-issue-resolved"), headers=headers)
    assert Alert.objects.get().status == "resolved"
    assert incident.entries.filter(metadata__all_resolved=True).count() == 1


def test_it_reads_a_sentry_metric_alert(make_endpoint, sender):
    _, path = make_endpoint("sentry")
    sender.deliver(path, payload("sentry-metric-alert-critical"), headers={"Sentry-Hook-Resource": "metric_alert"})
    alert = Alert.objects.get()
    assert (alert.name, alert.fingerprint, alert.labels["severity"]) == ("Checkout error rate", "7", "critical")
    assert Incident.objects.get().severity == "SEV2"


def test_it_keys_datadog_by_alert_cycle_key(make_endpoint, sender, checkout):
    _, path = make_endpoint("datadog")
    sender.deliver(path, payload("datadog-triggered"))
    renotify = payload("datadog-triggered")
    renotify["alert_transition"] = "Renotify"
    sender.deliver(path, renotify)
    alert = Alert.objects.get()
    assert (alert.cycle, alert.labels["service"], alert.labels["host"]) == (
        "7296593720125498425",
        "checkout",
        "checkout-web-3",
    )
    incident = Incident.objects.get()
    assert incident.severity == "SEV2" and list(incident.services.all()) == [checkout]
    assert incident.entries.filter(kind=EntryKind.ALERT).count() == 1
    sender.deliver(path, payload("datadog-recovered"))
    assert Alert.objects.get().status == "resolved"
    next_cycle = payload("datadog-triggered")
    next_cycle["alert_cycle_key"] = "7296593720125499999"
    sender.deliver(path, next_cycle)
    assert Alert.objects.count() == 2


def test_it_reads_the_generic_shape_and_resolves_without_a_start_time(make_endpoint, sender, checkout):
    _, path = make_endpoint("generic")
    sender.deliver(path, payload("generic-firing"))
    incident = Incident.objects.get()
    assert (incident.title, incident.severity) == ("Disk 95% full on db-1", "SEV2")
    alert = Alert.objects.get()
    assert alert.annotations == {
        "runbook_url": "https://runbooks.example/disk-full",
        "description": "/var/lib/postgresql at 95%",
    }
    sender.deliver(path, payload("generic-resolved"))
    assert Alert.objects.get().status == "resolved"
    assert Alert.objects.count() == 1


def test_it_accepts_a_list_of_generic_alerts(make_endpoint, sender):
    _, path = make_endpoint("generic")
    first, second = payload("generic-firing"), payload("generic-firing")
    second.update(alert_uid="disk-db-2", title="Disk 95% full on db-2", group_key="disk-db-1")
    first["group_key"] = "disk-db-1"
    sender.deliver(path, {"alerts": [first, second]})
    assert AlertGroup.objects.count() == 1 and Alert.objects.count() == 2


def test_it_checks_generic_signatures_when_a_secret_is_set(make_endpoint, sender):
    import json

    from integrations.signatures import sign

    _, path = make_endpoint("generic", signing_secret="k")
    body = json.dumps(payload("generic-firing")).encode()
    assert sender.post(path, raw=body, headers={"X-Warroom-Signature": "sha256=" + sign("k", body)}).status_code == 202
    assert sender.post(path, raw=body, headers={"X-Warroom-Signature": "sha256=" + sign("x", body)}).status_code == 401


def test_it_accepts_and_ignores_sentry_resources_that_are_not_alerts(make_endpoint, sender):
    _, path = make_endpoint("sentry")
    body = {"action": "created", "data": {"installation": {"uuid": "x"}}}
    delivery = sender.deliver(path, body, headers={"Sentry-Hook-Resource": "installation"})
    assert delivery.status == "ignored"
    assert not Alert.objects.exists()
