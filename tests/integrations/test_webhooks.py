"""The receiver: checks token, signature, size and JSON; stores the raw delivery and answers 202 at once."""

import json

import pytest

from integrations.models import Alert, AlertGroup, Delivery
from integrations.signatures import sign

from .conftest import payload


def test_it_stores_the_raw_delivery_and_answers_202_before_processing(make_endpoint, sender):
    endpoint, path = make_endpoint("alertmanager")
    body = json.dumps(payload("alertmanager-firing"))
    response = sender.post(path, raw=body)
    assert response.status_code == 202
    assert response.json() == {"accepted": True, "delivery": Delivery.objects.get().pk}
    assert response.queued == 1  # the ingestion task, queued on commit
    delivery = Delivery.objects.get()
    assert (delivery.endpoint, delivery.body, delivery.status) == (endpoint, body, "received")
    assert not AlertGroup.objects.exists()  # the task does the rest


def test_it_answers_404_to_an_unknown_token(make_endpoint, sender):
    make_endpoint("alertmanager")
    response = sender.post("/hooks/alertmanager/wh_not-a-real-token", payload("alertmanager-firing"))
    assert response.status_code == 404
    assert "No active webhook endpoint" in response.json()["error"]
    assert not Delivery.objects.exists()


def test_it_answers_404_when_the_token_belongs_to_another_kind(make_endpoint, sender):
    _, path = make_endpoint("grafana")
    response = sender.post(path.replace("/grafana/", "/alertmanager/"), payload("alertmanager-firing"))
    assert response.status_code == 404
    assert not Delivery.objects.exists()


def test_it_answers_404_to_a_deactivated_endpoint(make_endpoint, sender):
    _, path = make_endpoint("alertmanager", active=False)
    assert sender.post(path, payload("alertmanager-firing")).status_code == 404


def test_it_stores_only_a_hash_of_the_token(make_endpoint):
    endpoint, path = make_endpoint("generic")
    token = path.rsplit("/", 1)[1]
    assert token not in (endpoint.token_hash, endpoint.token_prefix)
    assert len(endpoint.token_hash) == 64


@pytest.mark.parametrize("raw", ["{not json", "", "\xff\xfe"])
def test_it_answers_400_to_a_body_that_is_not_json(make_endpoint, sender, raw):
    _, path = make_endpoint("alertmanager")
    response = sender.post(path, raw=raw.encode("latin-1"))
    assert response.status_code == 400
    assert response.json()["error"].startswith("The body is not valid JSON")
    assert not Delivery.objects.exists()


def test_it_answers_400_to_json_that_is_not_an_object(make_endpoint, sender):
    _, path = make_endpoint("generic")
    response = sender.post(path, [1, 2])
    assert response.status_code == 400
    assert response.json() == {"error": "The body must be a JSON object."}


@pytest.mark.parametrize(
    ("kind", "body", "message"),
    [
        ("alertmanager", {"alerts": []}, "groupKey is missing"),
        ("alertmanager", {"groupKey": "g", "alerts": [{"status": "firing"}]}, "alerts[0].fingerprint is missing"),
        (
            "alertmanager",
            {"groupKey": "g", "alerts": [{"status": "burning", "fingerprint": "f"}]},
            "must be firing or resolved",
        ),
        (
            "alertmanager",
            {"groupKey": "g", "alerts": [{"status": "firing", "fingerprint": "f", "startsAt": "yesterday"}]},
            "not a time",
        ),
        ("grafana", {"groupKey": "g", "alerts": "many"}, "alerts must be a non-empty list"),
        ("sentry", {"action": "created", "data": {}}, "data must hold an issue"),
        ("datadog", {"alert_transition": "Triggered"}, "alert_cycle_key is missing"),
        ("generic", {"title": "Disk full"}, "alert_uid is missing"),
        ("deploy", {"service": "checkout", "id": "run-1"}, "version is missing"),
    ],
)
def test_it_answers_400_with_a_message_to_a_malformed_payload(make_endpoint, sender, kind, body, message):
    _, path = make_endpoint(kind)
    response = sender.post(path, body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Delivery.objects.exists()


def test_it_answers_400_to_a_payload_over_the_size_limit(make_endpoint, sender, settings):
    settings.WARROOM = {**settings.WARROOM, "WEBHOOK_MAX_BYTES": 2048}
    _, path = make_endpoint("alertmanager")
    big = payload("alertmanager-firing")
    big["commonAnnotations"]["description"] = "x" * 4096
    response = sender.post(path, big)
    assert response.status_code == 400
    assert "larger than 2 KiB" in response.json()["error"]
    assert not Delivery.objects.exists()


def test_it_refuses_get(make_endpoint, client):
    _, path = make_endpoint("alertmanager")
    assert client.get(path).status_code == 405


@pytest.mark.parametrize(
    ("kind", "header", "sample"),
    [
        ("grafana", "X-Grafana-Alerting-Signature", "grafana-firing"),
        ("sentry", "Sentry-Hook-Signature", "sentry-issue-created"),
    ],
)
def test_it_accepts_a_correct_hmac_signature(make_endpoint, sender, kind, header, sample):
    _, path = make_endpoint(kind, signing_secret="s3cret")
    body = json.dumps(payload(sample)).encode()
    response = sender.post(path, raw=body, headers={header: sign("s3cret", body)})
    assert response.status_code == 202


@pytest.mark.parametrize(
    ("kind", "header", "sample"),
    [
        ("grafana", "X-Grafana-Alerting-Signature", "grafana-firing"),
        ("sentry", "Sentry-Hook-Signature", "sentry-issue-created"),
    ],
)
@pytest.mark.parametrize("signature", ["wrong", None, "other-secret", "tampered"])
def test_it_answers_401_to_a_wrong_or_missing_signature(make_endpoint, sender, kind, header, sample, signature):
    _, path = make_endpoint(kind, signing_secret="s3cret")
    body = json.dumps(payload(sample)).encode()
    value = {
        "wrong": "0" * 64,
        None: None,
        "other-secret": sign("other", body),
        "tampered": sign("s3cret", body + b" "),
    }[signature]
    response = sender.post(path, raw=body, headers={header: value} if value else {})
    assert response.status_code == 401
    assert response.json() == {"error": "The signature does not match this endpoint's signing secret."}
    assert not Delivery.objects.exists()


def test_it_needs_no_signature_when_the_endpoint_has_no_secret(make_endpoint, sender):
    _, path = make_endpoint("grafana")
    assert sender.post(path, payload("grafana-firing")).status_code == 202


def test_it_processes_a_delivery_once_even_when_the_task_runs_twice(make_endpoint, sender):
    from integrations import tasks

    _, path = make_endpoint("alertmanager")
    delivery = sender.deliver(path, payload("alertmanager-firing"))
    counts = (Alert.objects.count(), delivery.endpoint.groups.get().incident.entries.count())
    tasks.process_delivery(delivery.pk)
    assert (Alert.objects.count(), delivery.endpoint.groups.get().incident.entries.count()) == counts == (2, 2)
