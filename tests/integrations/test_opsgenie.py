"""Opsgenie's alert API in: create by alias, close and acknowledge by alias, `Authorization: GenieKey <key>`."""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from incidents.models import Incident
from integrations import actions, tasks
from integrations.models import Alert, Delivery


@pytest.fixture
def genie(db, alice, checkout):
    _, key = actions.create_endpoint(kind="opsgenie", name="og", commander=alice)
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"GenieKey {key}")

    def post(path, data=None):
        response = client.post(path, data or {}, content_type="application/json")
        if response.status_code == 202:
            tasks.process_delivery.apply(args=[Delivery.objects.order_by("-pk").first().pk])
        return response

    post.key = key
    return post


ALERT = {
    "message": "Checkout 5xx above 5%",
    "alias": "checkout-5xx",
    "description": "Error rate on checkout-api is 7%.",
    "priority": "P1",
    "tags": ["service:checkout", "team:payments", "urgent"],
    "details": {"region": "eu-1"},
    "entity": "checkout-api",
    "source": "Zabbix",
}


def test_it_creates_an_alert_and_answers_as_opsgenie_does(genie):
    response = genie("/v2/alerts", ALERT)
    assert response.status_code == 202
    body = response.json()
    assert body["result"] == "Request will be processed" and uuid.UUID(body["requestId"])
    assert isinstance(body["took"], float)
    incident = Incident.objects.get()
    assert (incident.title, incident.severity, [s.slug for s in incident.services.all()]) == (
        "Checkout 5xx above 5%",
        "SEV2",
        ["checkout"],
    )
    alert = Alert.objects.get()
    assert alert.labels == {
        "severity": "critical",
        "priority": "P1",
        "entity": "checkout-api",
        "source": "Zabbix",
        "service": "checkout",
        "team": "payments",
    }
    assert alert.annotations["description"] == "Error rate on checkout-api is 7%."
    assert alert.annotations["tags"] == "service:checkout, team:payments, urgent"


def test_it_acknowledges_and_closes_by_alias_once(genie):
    genie("/v2/alerts", ALERT)
    genie("/v2/alerts", ALERT)  # a repeat of an open alias
    assert Alert.objects.count() == 1
    assert genie("/v2/alerts/checkout-5xx/acknowledge?identifierType=alias", {"user": "ops"}).status_code == 202
    assert Alert.objects.get().acknowledged_at is not None
    assert genie("/v2/alerts/checkout-5xx/close?identifierType=alias", {"note": "fixed"}).status_code == 202
    genie("/v2/alerts/checkout-5xx/close?identifierType=alias")
    assert Alert.objects.get().status == "resolved"
    incident = Incident.objects.get()
    assert incident.entries.filter(metadata__all_resolved=True).count() == 1


def test_it_records_a_low_priority_alert_without_declaring(genie):
    genie("/v2/alerts", {**ALERT, "priority": "P4", "tags": []})
    assert Alert.objects.get().labels["severity"] == "info"
    assert not Incident.objects.exists()


def test_it_refuses_without_a_genie_key(genie):
    for header in ({}, {"HTTP_AUTHORIZATION": "Bearer x"}, {"HTTP_AUTHORIZATION": f"GenieKey {uuid.uuid4()}"}):
        response = Client(**header).post("/v2/alerts", ALERT, content_type="application/json")
        assert response.status_code == 401 and "GenieKey" in response.json()["message"]
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(
    "path, body, error",
    [
        ("/v2/alerts", {"alias": "x"}, "message is missing"),
        ("/v2/alerts", {**ALERT, "priority": "P9"}, "priority must be one of"),
        ("/v2/alerts", {**ALERT, "tags": "a,b"}, "tags must be a list"),
        ("/v2/alerts/checkout-5xx/close", {}, "identifierType=alias"),
    ],
)
def test_it_answers_422_to_what_it_cannot_process(genie, path, body, error):
    response = genie(path, body)
    assert response.status_code == 422
    assert error in str(response.json()), response.json()
    assert not Delivery.objects.exists()


def test_the_command_prints_the_api_key(db):
    out, err = StringIO(), StringIO()
    call_command("create_endpoint", "opsgenie", "zabbix", stdout=out, stderr=err)
    assert uuid.UUID(out.getvalue().strip()) and "/v2/alerts" in err.getvalue()
