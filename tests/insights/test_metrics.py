"""/metrics: the record's figures in the Prometheus text format, to a bearer token or a listed address only."""

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from incidents import actions
from integrations.models import Delivery, Endpoint
from tests.conftest import require_services

TOKEN = "metrics-secret-123"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_ADDRESSES = ""


def scrape(**headers):
    return Client(**headers).get("/metrics")


def samples(response) -> dict:
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_it_refuses_a_scrape_without_the_token(db, metrics_token):
    response = scrape()
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert scrape(HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_it_is_closed_until_configured_and_refuses_unlisted_addresses(db, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = ""
    assert scrape().status_code == 403
    settings.METRICS_ALLOWED_ADDRESSES = "10.0.0.0/8"
    assert scrape().status_code == 403  # the test client comes from 127.0.0.1
    settings.METRICS_ALLOWED_ADDRESSES = "10.0.0.0/8, 127.0.0.1"
    assert scrape().status_code == 200


def test_it_reads_the_record_at_scrape_time(scripted, metrics_token, alice):
    endpoint = Endpoint(kind="alertmanager", name="prod")
    endpoint.commander = alice
    endpoint.issue_token()
    endpoint.save()
    Delivery.objects.create(endpoint=endpoint, body="{}", status="processed")
    Delivery.objects.create(endpoint=endpoint, body="{}", status="failed")
    response = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    found = samples(response)
    # Not drills: A (SEV1, person), B (SEV2, alert), D (SEV2, person), E (SEV2, person); C is a drill.
    assert found[("warroom_incidents_declared_total", (("severity", "SEV1"), ("source", "person")))] == 1
    assert found[("warroom_incidents_declared_total", (("severity", "SEV2"), ("source", "alert")))] == 1
    assert found[("warroom_incidents_declared_total", (("severity", "SEV2"), ("source", "person")))] == 2
    assert found[("warroom_incidents", (("severity", "SEV2"), ("status", "mitigated")))] == 3
    mitigate = "warroom_time_to_mitigate_seconds"
    assert found[(f"{mitigate}_count", (("severity", "SEV2"),))] == 3
    assert found[(f"{mitigate}_bucket", (("le", "3600.0"), ("severity", "SEV2")))] == 2  # 1200 s and 3600 s
    assert found[(f"{mitigate}_sum", (("severity", "SEV1"),))] == pytest.approx(2100)
    assert found[("warroom_webhook_deliveries_total", (("kind", "alertmanager"), ("outcome", "failed")))] == 1
    assert ("warroom_live_sockets", ()) in found
    assert ("warroom_status_updates_overdue", ()) in found
    assert any(name == "warroom_http_requests_total" for name, _ in found)

    actions.declare_incident(actor=alice, title="One more", severity="SEV1")
    again = samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
    assert again[("warroom_incidents_declared_total", (("severity", "SEV1"), ("source", "person")))] == 2


def test_a_bad_allow_list_is_reported_by_the_system_check(settings):
    from insights.checks import check_metrics_addresses

    settings.METRICS_ALLOWED_ADDRESSES = "10.0.0.0/8, not-an-address"
    assert [e.id for e in check_metrics_addresses(None)] == ["insights.E001"]
    settings.METRICS_ALLOWED_ADDRESSES = "10.0.0.0/8, ::1"
    assert check_metrics_addresses(None) == []


def test_it_reports_the_celery_queue_only_where_a_broker_can_be_asked(db, metrics_token, settings):
    settings.REDIS_URL = ""  # the in-process memory broker has no queue to measure from another process
    found = samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
    assert ("warroom_celery_queue_length", ()) not in found


@require_services("REDIS_URL")
def test_it_reads_the_celery_queue_length_from_redis(db, metrics_token, settings):
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    before = samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))[("warroom_celery_queue_length", ())]
    client.rpush("celery", "placeholder-1", "placeholder-2")  # what a queued task leaves in the list
    try:
        after = samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))[("warroom_celery_queue_length", ())]
    finally:
        client.lrem("celery", 0, "placeholder-1")
        client.lrem("celery", 0, "placeholder-2")
    assert after == before + 2
