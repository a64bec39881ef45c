"""The event stream through the running app and a real Celery worker: an incident declared over the JSON API reaches
a subscriber's real HTTP server signed; one the subscriber refused is retried from its row by the sweeper."""

import base64
import hashlib
import hmac
import json
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from incidents.models import ApiToken
from integrations import tasks
from integrations.models import EventDelivery
from tests.integrations.conftest import RecordingServer

from .test_alertmanager_live import wait_for


def api(base: str, token: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{base}/api/v1{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.integration
def test_a_declaration_over_the_api_reaches_the_subscriber_signed_and_a_refused_one_is_retried(
    live_app, celery_worker_thread, settings
):
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = True
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")
    _, token = ApiToken.issue(root, name="ops", scope="admin")
    subscriber = RecordingServer(fail_first=1, fail_status=503)
    try:
        subscription = api(
            live_app.url, token, "/webhook-subscriptions", {"url": subscriber.url, "events": ["incident.declared"]}
        )
        incident = api(live_app.url, token, "/incidents", {"title": "Checkout returns 500", "severity": "SEV2"})

        wait_for(lambda: subscriber.received, "the first attempt")
        delivery = wait_for(lambda: EventDelivery.objects.filter(attempts=1).first(), "the refusal to be logged")
        assert (delivery.state, delivery.last_status_code) == ("pending", 503)
        EventDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())  # the back-off, elapsed
        tasks.sweep_event_deliveries.delay()  # what beat sends every 15 s
        wait_for(lambda: EventDelivery.objects.filter(pk=delivery.pk, state="sent").exists(), "the retry")

        request = subscriber.received[-1]
        headers = request["headers"]
        key = base64.b64decode(subscription["secret"].removeprefix("whsec_"))
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + request["body"]
        assert (
            headers["webhook-signature"]
            == "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        )
        assert subscriber.received[0]["headers"]["webhook-id"] == headers["webhook-id"]
        payload = json.loads(request["body"])
        assert (payload["type"], payload["data"]["incident"]["id"]) == ("incident.declared", incident["id"])
    finally:
        subscriber.close()
