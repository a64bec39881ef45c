"""PagerDuty Events API v2 in: `POST /v2/enqueue` answers as PagerDuty does, and trigger / acknowledge / resolve by
dedup_key go through the same ingest as every webhook (repeats change nothing)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from incidents.models import Incident
from integrations import actions, tasks
from integrations.models import Alert, Delivery, Endpoint


@pytest.fixture
def routing_key(db, alice, checkout):
    _, key = actions.create_endpoint(kind="pagerduty", name="pd", commander=alice)
    return key


def trigger(routing_key, **overrides):
    event = {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": "checkout-5xx",
        "payload": {
            "summary": "Checkout 5xx above 5%",
            "source": "prometheus-1",
            "severity": "critical",
            "timestamp": "2026-11-24T21:00:00.000+0000",
            "component": "checkout",
            "group": "payments",
            "class": "http",
            "custom_details": {"error_rate": 0.07, "region": "eu-1"},
        },
        "links": [{"href": "https://grafana.example/d/checkout", "text": "Dashboard"}],
        "images": [{"src": "https://grafana.example/render.png", "alt": "graph"}],
        "client": "Grafana",
        "client_url": "https://grafana.example/alerting",
    }
    event.update(overrides)
    return event


def enqueue(sender, event):
    """Post an event; run the ingest task queued for it, as the worker would."""
    response = sender.post("/v2/enqueue", event)
    if response.status_code == 202:
        tasks.process_delivery.apply(args=[Delivery.objects.order_by("-pk").first().pk])
    return response


def test_it_answers_202_as_pagerduty_does_and_declares(routing_key, sender):
    response = enqueue(sender, trigger(routing_key))
    assert response.status_code == 202
    assert response.json() == {"status": "success", "message": "Event processed", "dedup_key": "checkout-5xx"}
    incident = Incident.objects.get()
    assert (incident.title, incident.severity) == ("Checkout 5xx above 5%", "SEV2")
    assert [s.slug for s in incident.services.all()] == ["checkout"]  # the event's component
    alert = Alert.objects.get()
    assert alert.labels == {
        "severity": "critical",
        "source": "prometheus-1",
        "component": "checkout",
        "group": "payments",
        "class": "http",
        "service": "checkout",
    }
    assert alert.annotations["error_rate"] == "0.07" and alert.annotations["client"] == "Grafana"
    assert alert.annotations["links"] == "https://grafana.example/d/checkout"
    assert alert.source_url == "https://grafana.example/alerting"
    assert alert.starts_at.isoformat() == "2026-11-24T21:00:00+00:00"
    assert routing_key not in Delivery.objects.get().body  # the secret is not kept


def test_it_assigns_and_answers_a_dedup_key_when_the_trigger_has_none(routing_key, sender):
    event = trigger(routing_key)
    del event["dedup_key"]
    key = enqueue(sender, event).json()["dedup_key"]
    assert len(key) == 32
    enqueue(sender, trigger(routing_key, dedup_key=key))  # the sender repeats with the key it was given
    assert Alert.objects.count() == 1


def test_it_ignores_repeated_triggers_and_acknowledges_and_resolves_by_dedup_key(routing_key, sender):
    enqueue(sender, trigger(routing_key))
    enqueue(sender, trigger(routing_key))
    incident = Incident.objects.get()
    assert Alert.objects.count() == 1 and incident.entries.filter(kind="alert").count() == 1

    ack = {"routing_key": routing_key, "event_action": "acknowledge", "dedup_key": "checkout-5xx"}
    assert enqueue(sender, ack).status_code == 202
    enqueue(sender, ack)
    assert Alert.objects.get().acknowledged_at is not None
    assert incident.entries.filter(metadata__has_key="acknowledged").count() == 1
    assert Alert.objects.get().status == "firing"  # acknowledged is still firing

    resolve = {**ack, "event_action": "resolve"}
    enqueue(sender, resolve)
    enqueue(sender, resolve)
    assert Alert.objects.get().status == "resolved"
    assert incident.entries.filter(metadata__all_resolved=True).count() == 1
    incident.refresh_from_db()
    assert incident.is_open  # people resolve incidents, alerts don't


def test_it_starts_a_new_alert_when_a_resolved_key_triggers_again(routing_key, sender):
    enqueue(sender, trigger(routing_key))
    enqueue(sender, {"routing_key": routing_key, "event_action": "resolve", "dedup_key": "checkout-5xx"})
    enqueue(sender, trigger(routing_key))
    assert list(Alert.objects.values_list("status", flat=True)) == ["resolved", "firing"]
    assert Incident.objects.count() == 1  # the incident still open holds the group


@pytest.mark.parametrize(
    "change, error",
    [
        ({"event_action": "page"}, "'event_action' must be one of trigger, acknowledge, resolve."),
        ({"payload": None}, "'payload' is missing or not an object."),
        ({"payload": {"source": "x", "severity": "critical"}}, "'payload.summary' is missing or blank."),
        ({"payload": {"summary": "x", "severity": "critical"}}, "'payload.source' is missing or blank."),
        ({"payload": {"summary": "x", "source": "y", "severity": "sev1"}}, "'payload.severity' must be one of"),
        ({"payload": {"summary": "x", "source": "y", "severity": "info", "timestamp": "soon"}}, "is not a time"),
        ({"event_action": "resolve", "dedup_key": ""}, "'dedup_key' is required to resolve an alert."),
    ],
)
def test_it_refuses_an_invalid_event_as_pagerduty_does(routing_key, sender, change, error):
    response = sender.post("/v2/enqueue", trigger(routing_key, **change))
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["message"]) == ("invalid event", "Event object is invalid")
    assert any(error in e for e in body["errors"]), body["errors"]
    assert not Delivery.objects.exists()


def test_it_refuses_an_unknown_routing_key_and_a_body_that_is_not_json(routing_key, sender):
    response = sender.post("/v2/enqueue", trigger("0" * 32))
    assert response.status_code == 400 and "routing_key" in response.json()["errors"][0]
    response = sender.post("/v2/enqueue", raw="{nope")
    assert response.status_code == 400 and response.json()["errors"][0].startswith("The body is not valid JSON")
    assert not Delivery.objects.exists()


def test_its_key_does_not_open_the_webhook_url(routing_key, sender):
    assert sender.post(f"/hooks/pagerduty/{routing_key}", trigger(routing_key)).status_code == 404


def test_the_command_prints_the_routing_key(db, alice):
    out, err = StringIO(), StringIO()
    call_command("create_endpoint", "pagerduty", "grafana-pd", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert len(key) == 32 and "/v2/enqueue" in err.getvalue()
    assert Endpoint.objects.for_token("pagerduty", key).name == "grafana-pd"


def test_it_stores_the_event_it_answered(routing_key, sender):
    sender.post("/v2/enqueue", trigger(routing_key))
    stored = json.loads(Delivery.objects.get().body)
    assert stored["dedup_key"] == "checkout-5xx" and "routing_key" not in stored


def test_the_admin_shows_the_routing_key_once_when_it_adds_a_pagerduty_endpoint(admin_client):
    response = admin_client.post(
        "/admin/integrations/endpoint/add/",
        {
            "kind": "pagerduty",
            "name": "grafana-pd",
            "active": "on",
            "heartbeat_severity": "SEV2",
            "rules-TOTAL_FORMS": "0",
            "rules-INITIAL_FORMS": "0",
            "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "1000",
        },
        follow=True,
    )
    message = next(str(m) for m in response.context["messages"] if "Key of" in str(m))
    key = message.split("<code>")[1].split("</code>")[0]
    assert Endpoint.objects.for_token("pagerduty", key).name == "grafana-pd"
    assert "/v2/enqueue" in message
