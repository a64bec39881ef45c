"""Housekeeping: old deliveries are purged, lost ones are picked up again; endpoints are made by a command."""

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from integrations import tasks
from integrations.models import Delivery, DeliveryStatus, Endpoint

from .conftest import payload


def test_it_purges_deliveries_older_than_30_days(make_endpoint):
    endpoint, _ = make_endpoint("generic")
    now = timezone.now()
    old = Delivery.objects.create(endpoint=endpoint, body="{}", received_at=now - timedelta(days=31))
    recent = Delivery.objects.create(endpoint=endpoint, body="{}", received_at=now - timedelta(days=29))
    assert tasks.purge_old_deliveries() == 1
    assert list(Delivery.objects.all()) == [recent]
    assert not Delivery.objects.filter(pk=old.pk).exists()


def test_it_is_scheduled_by_beat(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"integrations.tasks.purge_old_deliveries", "integrations.tasks.requeue_stuck_deliveries"} <= tasks_scheduled


def test_it_processes_deliveries_whose_task_was_lost(make_endpoint, sender, checkout):
    import json

    from integrations import ingest

    endpoint, _ = make_endpoint("alertmanager")
    body, five_minutes_ago = json.dumps(payload("alertmanager-firing")), timezone.now() - timedelta(minutes=5)
    lost = Delivery.objects.create(endpoint=endpoint, body=body, received_at=five_minutes_ago)
    fresh = Delivery.objects.create(endpoint=endpoint, body=json.dumps(payload("alertmanager-firing")))
    assert list(ingest.stuck_deliveries()) == [lost]
    assert tasks.requeue_stuck_deliveries() == 1
    for delivery_id in (lost.pk, lost.pk):  # the requeued task, and a second beat's copy of it
        tasks.process_delivery(delivery_id)
    lost.refresh_from_db()
    assert lost.status == DeliveryStatus.PROCESSED and fresh.status == DeliveryStatus.RECEIVED
    assert checkout.incidents.count() == 1


def test_it_creates_an_endpoint_and_prints_a_working_url(db, alice, checkout, sender, settings):
    settings.SITE_URL = "https://warroom.example"
    out = io.StringIO()
    call_command(
        "create_endpoint", "alertmanager", "prod-alerts", "--commander", "alice", "--service", "checkout", stdout=out
    )
    url = out.getvalue().strip()
    assert url.startswith("https://warroom.example/hooks/alertmanager/wh_")
    endpoint = Endpoint.objects.get()
    assert (endpoint.kind, endpoint.name, endpoint.commander, endpoint.service) == (
        "alertmanager",
        "prod-alerts",
        alice,
        checkout,
    )
    response = sender.post(url.removeprefix("https://warroom.example"), payload("alertmanager-firing"))
    assert response.status_code == 202


def test_it_refuses_a_duplicate_endpoint_name(db):
    import pytest
    from django.core.management.base import CommandError

    call_command("create_endpoint", "deploy", "ci", stdout=io.StringIO())
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_endpoint", "deploy", "ci", stdout=io.StringIO())


def test_it_shows_the_url_once_when_an_admin_adds_an_endpoint(admin_client, sender):
    response = admin_client.post(
        "/admin/integrations/endpoint/add/",
        {
            "kind": "generic",
            "name": "uptime-checks",
            "signing_secret": "",
            "active": "on",
            "heartbeat_severity": "SEV2",
            "rules-TOTAL_FORMS": "0",
            "rules-INITIAL_FORMS": "0",
            "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "1000",
        },
        follow=True,
    )
    assert response.status_code == 200
    message = next(str(m) for m in response.context["messages"] if "Webhook URL" in str(m))
    path = message.split("<code>")[1].split("</code>")[0].split("/hooks/", 1)[1]
    endpoint = Endpoint.objects.get()
    assert endpoint.token_hash and path.startswith("generic/wh_")
    assert sender.post(f"/hooks/{path}", payload("generic-firing")).status_code == 202
