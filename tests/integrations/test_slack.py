"""Slack: declare / update / reminder / resolve messages reach a real local webhook server, with retries;
a delivery that keeps failing is told to the room and never blocks the incident flow."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from incidents import actions, tasks
from incidents.comms import actions as comms
from incidents.models import EntryKind, Incident
from integrations.models import ChatDelivery, ChatWebhook
from integrations.outbound import chat
from integrations.tasks import deliver_chat


class FakeSlack:
    """A real HTTP server on a free port that answers 500 for the first `fail_first` posts, then "ok"."""

    def __init__(self, fail_first=0):
        self.fail_first = fail_first
        self.received = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append(json.loads(body))
                if len(outer.received) <= outer.fail_first:
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"internal_error")
                    return
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T000/B000/xyz"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_slack(settings):
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = True  # the fake listens on loopback
    servers = []

    def start(fail_first=0):
        server = FakeSlack(fail_first)
        servers.append(server)
        settings.SLACK_WEBHOOK_URL = server.url
        return server

    yield start
    for server in servers:
        server.close()


def _run_queued():
    """delay_on_commit queued the tasks; run them the way a worker would, retries included."""
    for delivery in ChatDelivery.objects.filter(state=ChatDelivery.State.PENDING).order_by("pk"):
        deliver_chat.apply(args=[delivery.pk])


def test_it_sends_declare_update_reminder_and_resolve_messages(
    alice, checkout, fake_slack, settings, django_capture_on_commit_callbacks
):
    server = fake_slack()
    settings.SITE_URL = "https://warroom.example"
    with django_capture_on_commit_callbacks(execute=False):
        incident = actions.declare_incident(
            actor=alice, title="Checkout returns 500", severity="SEV2", services=[checkout]
        )
        comms.post_update(incident, actor=alice, audience="internal", status="Investigating card errors.")
        Incident.objects.filter(pk=incident.pk).update(next_update_due_at=incident.declared_at - timedelta(minutes=1))
        tasks.sweep_update_reminders()
        actions.resolve(incident, actor=alice)
    _run_queued()
    texts = [m["text"] for m in server.received]
    assert len(texts) == 4
    assert all(
        f"<https://warroom.example/incidents/{incident.pk}/|INC-{incident.pk} Checkout returns 500>" in t for t in texts
    ), texts
    assert "Incident declared" in texts[0]
    assert "Internal update:\n*Current status:* Investigating card errors." in texts[1].replace("**", "*")
    assert "Status update overdue" in texts[2]
    assert "Resolved" in texts[3]
    assert set(ChatDelivery.objects.values_list("state", flat=True)) == {"sent"}


def test_it_retries_with_back_off_until_slack_takes_the_message(
    incident, fake_slack, django_capture_on_commit_callbacks
):
    server = fake_slack(fail_first=2)
    with django_capture_on_commit_callbacks(execute=False):
        [delivery] = chat.create_deliveries(incident, "update", "Still investigating.")
    deliver_chat.apply(args=[delivery.pk])
    delivery.refresh_from_db()
    assert len(server.received) == 3
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    assert not incident.entries.filter(kind=EntryKind.SYSTEM, metadata__delivery_failed="slack").exists()
    assert deliver_chat.retry_backoff and deliver_chat.max_retries == 5


def test_it_tells_the_room_once_when_slack_keeps_failing(incident, fake_slack, django_capture_on_commit_callbacks):
    server = fake_slack(fail_first=100)
    with django_capture_on_commit_callbacks(execute=False):
        [delivery] = chat.create_deliveries(incident, "reminder", "Overdue.")
    deliver_chat.apply(args=[delivery.pk])
    deliver_chat.apply(args=[delivery.pk])  # a re-delivered task finds the delivery settled
    delivery.refresh_from_db()
    assert len(server.received) == 6  # the first try and five retries
    assert (delivery.state, delivery.attempts) == ("failed", 6)
    [failure] = incident.entries.filter(kind=EntryKind.SYSTEM, metadata__delivery_failed="slack")
    assert failure.body.startswith(
        "Slack did not accept the reminder message after 6 attempts (HTTP 500 Internal Server Error)."
    )


def test_it_never_posts_a_sent_message_twice(incident, fake_slack, django_capture_on_commit_callbacks):
    server = fake_slack()
    with django_capture_on_commit_callbacks(execute=False):
        [delivery] = chat.create_deliveries(incident, "update", "x")
    deliver_chat.apply(args=[delivery.pk])
    deliver_chat.apply(args=[delivery.pk])
    assert len(server.received) == 1


def test_it_reports_an_unreachable_webhook_without_blocking_the_action(
    alice, settings, django_capture_on_commit_callbacks
):
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = True
    settings.SLACK_WEBHOOK_URL = "http://127.0.0.1:9/nothing-listens-here"
    with django_capture_on_commit_callbacks(execute=False):
        incident = actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3")
    assert Incident.objects.filter(pk=incident.pk).exists()  # the declaration committed regardless
    [delivery] = ChatDelivery.objects.all()
    deliver_chat.apply(args=[delivery.pk])
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.last_error.startswith("no connection")
    assert incident.entries.filter(metadata__delivery_failed="slack").count() == 1


def test_it_sends_to_every_enabled_admin_webhook(incident, fake_slack, settings, django_capture_on_commit_callbacks):
    first, second = fake_slack(), fake_slack()
    settings.SLACK_WEBHOOK_URL = ""
    ChatWebhook.objects.create(name="#incidents", url=first.url)
    ChatWebhook.objects.create(name="#exec", url=second.url)
    ChatWebhook.objects.create(name="#old", url="http://127.0.0.1:9/off", enabled=False)
    with django_capture_on_commit_callbacks(execute=False):
        deliveries = chat.create_deliveries(incident, "update", "x")
    for d in deliveries:
        deliver_chat.apply(args=[d.pk])
    assert len(deliveries) == 2 and len(first.received) == 1 and len(second.received) == 1


def test_it_queues_nothing_without_a_webhook(incident, settings):
    settings.SLACK_WEBHOOK_URL = ""
    assert chat.create_deliveries(incident, "update", "x") == []
    assert ChatDelivery.objects.count() == 0


def test_it_escapes_slack_control_characters(incident):
    payload = chat.message("slack", incident, "a <b> & c")
    assert "a &lt;b&gt; &amp; c" in payload["text"]
