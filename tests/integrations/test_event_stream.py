"""The event stream out: subscriptions (admins only), one owed row per event and subscriber written with the action,
Standard Webhooks signatures, back-off retries from the rows, the delivery log, replay, SSRF refusal, and payloads
that match the published JSON Schemas."""

import base64
import hashlib
import hmac
import json
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone

from action_items import actions as item_actions
from incidents import actions
from incidents.comms import actions as comms
from integrations import tasks
from integrations.models import EVENT_TYPES, EventDelivery, WebhookSubscription
from integrations.outbound import event_stream
from postmortems import actions as pm_actions
from tests.conftest import ApiClient

SCHEMAS = Path(__file__).resolve().parents[2] / "integrations" / "schemas" / "events" / "v1"


@pytest.fixture
def allow_private(settings):
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = True  # the recording server listens on loopback


def subscribe(admin_api, url, events=None):
    response = admin_api.post("/api/v1/webhook-subscriptions", {"url": url, "events": events or EVENT_TYPES})
    assert response.status_code == 201, response.content
    return response.json()


def send_due():
    """What the worker does: one attempt at every delivery that is due."""
    for delivery_id in event_stream.due_deliveries():
        tasks.deliver_event.apply(args=[delivery_id])


def verify(secret: str, request: dict) -> dict:
    """A subscriber's check, written from the Standard Webhooks spec rather than with our signer."""
    headers = request["headers"]
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + request["body"]
    key = base64.b64decode(secret.split("_", 1)[1])
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    versions = dict(part.split(",", 1) for part in headers["webhook-signature"].split(" "))
    assert hmac.compare_digest(versions["v1"], expected), "signature does not verify"
    payload = json.loads(request["body"])
    assert payload["id"] == headers["webhook-id"]
    return payload


def validate(payload: dict) -> None:
    schema = json.loads((SCHEMAS / f"{payload['type']}.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(payload, schema, format_checker=jsonschema.FormatChecker())


# --- subscriptions ------------------------------------------------------------------------------------------


def test_an_admin_subscribes_and_gets_the_secret_once(admin_api, allow_private, recording_server):
    server = recording_server()
    created = subscribe(admin_api, server.url, ["incident.declared", "incident.resolved"])
    assert created["secret"].startswith("whsec_") and len(base64.b64decode(created["secret"][6:])) == 24
    assert created["events"] == ["incident.declared", "incident.resolved"]
    listed = admin_api.get("/api/v1/webhook-subscriptions").json()["items"]
    assert [s["id"] for s in listed] == [created["id"]] and "secret" not in listed[0]


def test_an_admins_token_needs_the_admin_scope(root, allow_private):
    response = ApiClient(root).post(
        "/api/v1/webhook-subscriptions", {"url": "https://hooks.example/x", "events": EVENT_TYPES}
    )
    assert response.status_code == 403 and "`admin` scope" in response.json()["error"]


def test_only_an_admin_may_subscribe(api, allow_private):
    response = api.post("/api/v1/webhook-subscriptions", {"url": "https://hooks.example/x", "events": EVENT_TYPES})
    assert response.status_code == 403 and "Only admins" in response.json()["error"]
    assert api.get("/api/v1/webhook-subscriptions").status_code == 403
    assert Client().get("/api/v1/webhook-subscriptions").status_code == 401


@pytest.mark.parametrize(
    "body, error",
    [
        ({"url": "ftp://hooks.example/x", "events": ["incident.declared"]}, "http:// or https://"),
        ({"url": "https://hooks.example/x", "events": []}, "at least one event type"),
        ({"url": "https://hooks.example/x", "events": ["incident.exploded"]}, "Unknown event types: incident.exploded"),
        ({"url": "http://127.0.0.1:8000/x", "events": ["incident.declared"]}, "loopback or private"),
        ({"url": "http://10.1.2.3/x", "events": ["incident.declared"]}, "WARROOM_OUTBOUND_ALLOW_PRIVATE=1"),
        ({"url": "http://[::1]/x", "events": ["incident.declared"]}, "loopback or private"),
        ({"events": ["incident.declared"]}, "url"),
    ],
)
def test_it_refuses_a_bad_subscription_with_a_reason(admin_api, body, error):
    response = admin_api.post("/api/v1/webhook-subscriptions", body)
    assert response.status_code == 400
    assert error in response.json()["error"]
    assert not WebhookSubscription.objects.exists()


def test_it_lists_the_last_deliveries_of_every_subscription_in_constant_queries(
    admin_api, allow_private, recording_server, alice, django_assert_num_queries
):
    for _ in range(3):
        subscribe(admin_api, recording_server().url, ["incident.declared"])
    for n in range(7):
        actions.declare_incident(actor=alice, title=f"Outage {n}", severity="SEV3")
    with django_assert_num_queries(4):  # the token (read, stamped), the subscriptions, their last deliveries
        items = admin_api.get("/api/v1/webhook-subscriptions").json()["items"]
    assert [len(s["last_deliveries"]) for s in items] == [5, 5, 5]
    assert items[0]["last_deliveries"][0]["state"] == "pending"


# --- delivery ----------------------------------------------------------------------------------------------


def test_it_owes_the_event_in_the_actions_transaction_and_sends_it_signed(
    admin_api, allow_private, recording_server, alice, checkout, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://warroom.example"
    server = recording_server()
    secret = subscribe(admin_api, server.url, ["incident.declared"])["secret"]
    with django_capture_on_commit_callbacks() as queued:
        incident = actions.declare_incident(
            actor=alice, title="Checkout returns 500", severity="SEV2", services=[checkout]
        )
    [delivery] = EventDelivery.objects.all()  # written with the declaration
    assert len(server.received) == 0 and len(queued) >= 1
    send_due()
    [request] = server.received
    payload = verify(secret, request)
    validate(payload)
    assert payload["type"] == "incident.declared" and payload["version"] == "1"
    assert payload["data"]["incident"] == {
        "id": incident.pk,
        "ref": incident.ref,
        "severity": "SEV2",
        "status": "investigating",
        "url": f"https://warroom.example/incidents/{incident.pk}/",
        "title": "Checkout returns 500",
        "summary": "",
        "services": ["checkout"],
        "commander": "alice",
        "started_at": incident.started_at.isoformat(),
        "declared_at": incident.declared_at.isoformat(),
        "mitigated_at": None,
        "resolved_at": None,
    }
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("sent", 1, 200)
    send_due()
    assert len(server.received) == 1  # a sent delivery is never sent again


def test_it_streams_every_event_type_each_matching_its_schema(
    admin_api, allow_private, recording_server, alice, bob, checkout, settings
):
    server = recording_server()
    secret = subscribe(admin_api, server.url)["secret"]
    incident = actions.declare_incident(actor=alice, title="Checkout returns 500", severity="SEV2", services=[checkout])
    actions.change_severity(incident, severity="SEV1", actor=alice, reason="most users")
    actions.assign_role(incident, role="tech_lead", user=bob, actor=alice)
    comms.post_update(incident, actor=alice, audience="internal", status="Rolling back.")
    actions.change_status(incident, status="mitigated", actor=alice)
    item = item_actions.create_action_item(
        incident,
        actor=alice,
        title="Add a canary stage to checkout deploys",
        owner=bob,
        type="prevent",
        description="Every deploy passes a 5% canary.",
    )
    item_actions.update_action_item(item, actor=bob, status="in_progress")
    actions.resolve(incident, actor=alice)
    postmortem, _ = pm_actions.draft_postmortem(incident.pk)
    pm_actions.send_to_review(postmortem, actor=alice)
    pm_actions.publish(postmortem, actor=alice)
    item_actions.update_action_item(item, actor=bob, due_date=date.today() + timedelta(days=1))
    item_actions.follow_up.send_overdue_reminders(today=date.today() + timedelta(days=3))
    send_due()
    payloads = [verify(secret, request) for request in server.received]
    for payload in payloads:
        validate(payload)
    assert sorted({p["type"] for p in payloads}) == sorted(EVENT_TYPES)
    by_type = {p["type"]: p["data"] for p in payloads}
    assert (by_type["incident.severity_changed"]["from"], by_type["incident.severity_changed"]["to"]) == (
        "SEV2",
        "SEV1",
    )
    assert by_type["incident.role_assigned"]["user"] == "bob"
    assert by_type["incident.update_published"]["update"]["status"] == "Rolling back."
    assert by_type["action_item.overdue"]["action_item"]["ref"] == item.ref
    assert by_type["postmortem.published"]["postmortem"]["status"] == "published"


def test_it_retries_with_exponential_back_off_and_logs_every_attempt(admin_api, allow_private, recording_server, alice):
    server = recording_server(fail_first=2, fail_status=503)
    subscribe(admin_api, server.url, ["incident.declared"])
    actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3")
    delivery = EventDelivery.objects.get()
    delays = []
    for _ in range(2):
        before = timezone.now()
        send_due()
        delivery.refresh_from_db()
        delays.append(delivery.next_attempt_at - before)
        send_due()  # not due yet: nothing is sent
        EventDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())  # the wait, elapsed
    assert len(server.received) == 2
    assert timedelta(seconds=29) < delays[0] <= timedelta(seconds=31)
    assert timedelta(seconds=59) < delays[1] <= timedelta(seconds=61)
    assert event_stream.retry_delay(8) == timedelta(hours=1) and event_stream.retry_delay(15) == timedelta(hours=1)
    send_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    assert [a.status_code for a in delivery.attempt_log.all()] == [503, 503, 200]
    assert delivery.attempt_log.first().error == "HTTP 503"
    # Every attempt carries the same webhook-id, so the subscriber can drop the repeats.
    assert len(server.received) == 3 and len({r["headers"]["webhook-id"] for r in server.received}) == 1


def test_it_gives_up_after_the_last_attempt(admin_api, allow_private, recording_server, alice):
    recording_server_url = recording_server(fail_first=100).url
    subscribe(admin_api, recording_server_url, ["incident.declared"])
    actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3")
    for _ in range(event_stream.MAX_ATTEMPTS):
        EventDelivery.objects.update(next_attempt_at=timezone.now())
        send_due()
    delivery = EventDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", event_stream.MAX_ATTEMPTS)
    assert sum((event_stream.retry_delay(n) for n in range(1, event_stream.MAX_ATTEMPTS)), timedelta()) > timedelta(
        hours=8
    )


def test_an_unreachable_subscriber_never_blocks_the_action(admin_api, allow_private, alice):
    subscribe(admin_api, "http://127.0.0.1:9/nothing-listens", ["incident.declared"])
    incident = actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3")
    send_due()
    delivery = EventDelivery.objects.get()
    assert incident.pk and delivery.state == "pending" and delivery.last_error.startswith("no connection")


def test_owed_deliveries_survive_a_lost_task_and_the_sweeper_sends_them(
    admin_api, allow_private, recording_server, alice, django_capture_on_commit_callbacks
):
    server = recording_server()
    subscribe(admin_api, server.url, ["incident.declared"])
    with django_capture_on_commit_callbacks(execute=False):  # the broker is down: the queued task never runs
        actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3")
    assert len(server.received) == 0
    with django_capture_on_commit_callbacks(execute=False) as swept:
        assert tasks.sweep_event_deliveries.apply().get() == 1
    send_due()
    assert len(server.received) == 1 and EventDelivery.objects.get().state == "sent"
    assert swept == []  # the sweeper queues with delay(), not on commit


def test_a_claimed_delivery_is_not_sent_twice(admin_api, allow_private, recording_server, alice):
    server = recording_server()
    subscribe(admin_api, server.url, ["incident.declared"])
    actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3")
    delivery = EventDelivery.objects.get()
    assert event_stream.claim(delivery.pk) is not None
    assert event_stream.deliver(delivery.pk) is None  # another sender holds it
    assert event_stream.due_deliveries() == []
    assert server.received == []


def test_it_refuses_a_private_target_at_delivery_time_too(admin_api, allow_private, recording_server, alice, settings):
    server = recording_server()
    subscribe(admin_api, server.url, ["incident.declared"])
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = False
    actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3")
    send_due()
    assert server.received == []
    assert "loopback or private" in EventDelivery.objects.get().last_error


def test_it_does_not_follow_redirects(admin_api, allow_private, recording_server, alice):
    server = recording_server(status=302)
    subscribe(admin_api, server.url, ["incident.declared"])
    actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3")
    send_due()
    delivery = EventDelivery.objects.get()
    assert (delivery.state, delivery.last_status_code) == ("pending", 302)


def test_the_admin_replays_a_delivery_with_its_webhook_id(
    admin_api, allow_private, recording_server, alice, root, django_capture_on_commit_callbacks, eager_celery
):
    server = recording_server()
    subscribe(admin_api, server.url, ["incident.declared"])
    actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3")
    send_due()
    delivery = EventDelivery.objects.get()
    client = Client()
    client.force_login(root)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/integrations/eventdelivery/", {"action": "replay", "_selected_action": [delivery.pk]}
        )
    assert response.status_code == 302
    assert len(server.received) == 2
    assert server.received[0]["headers"]["webhook-id"] == server.received[1]["headers"]["webhook-id"]
    page = client.get(f"/admin/integrations/eventdelivery/{delivery.pk}/change/").content.decode()
    assert page.count(">200<") >= 2  # the delivery log, one line per attempt


def test_nothing_is_owed_without_subscribers(alice):
    actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3")
    assert not EventDelivery.objects.exists()


def test_a_private_incident_sends_only_its_id_ref_severity_and_status(
    admin_api, allow_private, recording_server, alice, bob, checkout
):
    server = recording_server()
    subscribe(admin_api, server.url)
    incident = actions.declare_incident(
        actor=alice,
        title="Acquisition target's database leaked",
        summary="Legal is on it.",
        severity="SEV1",
        services=[checkout],
        visibility="private",
    )
    comms.post_update(incident, actor=alice, audience="internal", status="Rotating every credential.")
    item_actions.create_action_item(
        incident,
        actor=alice,
        title="Rotate the leaked replica's credentials",
        owner=bob,
        type="prevent",
        description="No credential older than the leak is valid.",
    )
    send_due()
    payloads = [json.loads(r["body"]) for r in server.received]
    assert {p["type"] for p in payloads} == {"incident.declared", "incident.update_published", "action_item.created"}
    for payload in payloads:
        validate(payload)
        assert set(payload["data"]["incident"]) == {"id", "ref", "severity", "status", "url"}
    raw = b"".join(r["body"] for r in server.received).decode()
    for secret_text in ("leaked", "Legal", "Rotating", "credential"):
        assert secret_text not in raw
