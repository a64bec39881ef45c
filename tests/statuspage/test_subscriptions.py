"""Subscriptions: double opt-in by email through a real SMTP server (aiosmtpd), one-click unsubscribe, per-component
choice, webhook subscribers against a local HTTP receiver (signed, retried with back-off, given up and shown), and
exactly one delivery per update per subscriber."""

import email
import hashlib
import hmac
import json
import re
import socket
import threading
from datetime import timedelta
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from incidents.comms import actions as comms
from incidents.models import ApiToken, Service, TokenScope
from statuspage import actions as status_actions
from statuspage import tasks
from statuspage.models import Delivery, Notice, Subscriber
from tests.conftest import ApiClient
from warroom.errors import ActionError
from warroom.settings import email_settings

# --- a real SMTP server and a real HTTP receiver ----------------------------------------------------------------------
from .conftest import approved


class Inbox:
    """aiosmtpd handler: every message the app sent, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # aiosmtpd checks its port by connecting to it, so it needs a real one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in email_settings(f"smtp://127.0.0.1:{port}").items():
        setattr(settings, name, value)
    yield inbox
    controller.stop()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((dict(self.headers), body))
        self.send_response(self.server.answer)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.requests, server.answer = [], 204
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/status"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def local_receivers(settings):
    """The receivers here run on this machine: let the outbound guard send to loopback (one self-hosted network)."""
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = True


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    """A cache of the test's own, so the subscribe limits count from zero (and Redis is left alone)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"}}
    cache.clear()


def publish(incident, text, **kwargs):
    return approved(incident, status=text, **kwargs)


def link(message, kind):
    return re.search(rf"http://\S+/status/subscriptions/\S+/{kind}/", message.get_content()).group(0)


# --- email: confirm, receive, unsubscribe -----------------------------------------------------------------------------


def test_it_confirms_sends_and_unsubscribes_through_a_real_smtp_server(
    public_incident, alice, smtp, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = Client().post("/status/subscribe/", {"email": "Carol@Example.com", "components": ["checkout"]})
    assert page.status_code == 200 and "a confirmation link is on its way" in page.content.decode()
    [confirmation] = smtp.messages
    assert confirmation["To"] == "carol@example.com" and "Confirm your subscription" in confirmation["Subject"]
    confirm = link(confirmation, "confirm")

    with django_capture_on_commit_callbacks(execute=True):
        publish(public_incident, "Not yet confirmed, so not sent.")
    assert len(smtp.messages) == 1  # nothing before the confirmation

    relative = confirm.removeprefix("http://127.0.0.1:8000")
    assert "Confirm subscription" in Client().get(relative).content.decode()  # a mail scanner's GET confirms nothing
    assert Subscriber.objects.get().confirmed_at is None
    assert "You are subscribed" in Client().post(relative).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        publish(public_incident, "A fix is rolling out.", public_state="identified")
    [_, notice] = smtp.messages
    assert notice["Subject"] == "[Service status] Problems with Checkout: Identified"
    assert "A fix is rolling out." in notice.get_content()
    unsubscribe = link(notice, "unsubscribe")
    assert notice["List-Unsubscribe"].strip() == f"<{unsubscribe}>"  # (folded: the link is long)
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # RFC 8058 one-click: the mail client POSTs without cookies or a CSRF token.
    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe.removeprefix("http://127.0.0.1:8000"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200 and not Subscriber.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        publish(public_incident, "Resolved.", public_state="resolved")
    assert len(smtp.messages) == 2


def test_it_never_says_whether_an_address_is_subscribed(
    public_incident, smtp, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = Client().post("/status/subscribe/", {"email": "dan@example.com"})
    Client().post(link(smtp.messages[0], "confirm").removeprefix("http://127.0.0.1:8000"))
    with django_capture_on_commit_callbacks(execute=True):
        again = Client().post("/status/subscribe/", {"email": "dan@example.com"})
        stranger = Client().post("/status/subscribe/", {"email": "erin@example.com"})
    assert first.content == again.content == stranger.content  # the same page, whatever the address's state
    assert [m["To"] for m in smtp.messages] == ["dan@example.com", "erin@example.com"]  # no second link for dan


def test_it_limits_subscription_requests_per_address(db, smtp, eager_celery, django_capture_on_commit_callbacks):
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            answers.append(Client().post("/status/subscribe/", {"email": "flood@example.com"}).status_code)
    assert answers == [200, 200, 200, 429, 429]
    assert len(smtp.messages) == 3


def test_it_answers_a_bad_address_next_to_the_field(db):
    response = Client().post("/status/subscribe/", {"email": "not-an-address"})
    html = response.content.decode()
    assert response.status_code == 422 and "Enter a valid email address." in html and 'aria-invalid="true"' in html
    assert not Subscriber.objects.exists()


def test_it_offers_only_public_components(public_incident):
    Service.objects.create(name="Internal Kafka", slug="kafka")
    page = Client().get("/status/subscribe/").content.decode()
    assert 'value="checkout"' in page and "kafka" not in page
    refused = Client().post("/status/subscribe/", {"email": "gus@example.com", "components": ["kafka"]})
    assert refused.status_code == 422 and not Subscriber.objects.exists()


def test_it_tells_each_subscriber_only_about_their_components(public_incident, alice, checkout):
    search = Service.objects.create(name="Search", slug="search")
    everything = status_actions.request_subscription(email="all@example.com")
    only_search = status_actions.request_subscription(email="search@example.com", components=["checkout"])
    only_search.services.set([search])
    for subscriber in (everything, only_search):
        status_actions.confirm_subscription(subscriber.token)
    update = publish(public_incident, "Checkout recovering.")
    notice = status_actions.notify_update(update.pk)
    assert [d.subscriber.email for d in notice.deliveries.select_related("subscriber")] == ["all@example.com"]


def test_it_makes_one_delivery_per_update_and_subscriber_however_often_it_runs(
    public_incident, alice, smtp, eager_celery
):
    subscriber = status_actions.request_subscription(email="hal@example.com")
    status_actions.confirm_subscription(subscriber.token)
    update = publish(public_incident, "Still investigating.")
    for _ in range(3):
        tasks.notify_update(update.pk)  # the task delivered twice, and a sweeper on top
    tasks.sweep_notifications()
    assert Notice.objects.filter(key=f"update:{update.pk}").count() == 1
    assert Delivery.objects.filter(notice__key=f"update:{update.pk}", state="sent").count() == 1
    assert [m["Subject"] for m in smtp.messages].count("[Service status] Problems with Checkout: Investigating") == 1


def test_internal_updates_and_drafts_make_no_notice(incident, alice):
    internal = comms.post_update(incident, actor=alice, audience="internal", status="Internal only.")
    draft = comms.post_update(incident, actor=alice, audience="external", status="Not approved.")
    assert status_actions.notify_update(internal.pk) is None and status_actions.notify_update(draft.pk) is None
    assert status_actions.missing_notices()["updates"] == []


def test_publishing_never_waits_for_subscribers(public_incident, alice, django_capture_on_commit_callbacks):
    """The approval only queues the task at commit; the broker (memory, no worker here) holds it."""
    subscriber = status_actions.request_subscription(email="ivy@example.com")
    status_actions.confirm_subscription(subscriber.token)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        publish(public_incident, "Queued, not sent.")
    assert not Notice.objects.exists() and len(queued) >= 1


# --- webhooks -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_api(db):
    """An admin's client with an `admin`-scope token (webhook subscribers are the admins' to add)."""
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")
    client = ApiClient(user)
    _, token = ApiToken.issue(user, name="admin", scope=TokenScope.ADMIN)
    client.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_it_signs_webhooks_and_sends_statuspages_shape(
    public_incident, alice, receiver, admin_api, eager_celery, django_capture_on_commit_callbacks
):
    added = admin_api.post("/api/v1/status-subscribers", {"url": receiver.url, "components": ["checkout"]})
    assert added.status_code == 201
    secret = added.json()["secret"]
    assert len(secret) == 64 and added.json()["components"] == ["checkout"]
    with django_capture_on_commit_callbacks(execute=True):
        update = publish(public_incident, "Error rate falling.", public_state="monitoring")
    [(headers, body)] = receiver.requests
    assert headers["X-Warroom-Signature"] == "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Warroom-Event"] == f"update:{update.pk}"
    payload = json.loads(body)
    assert set(payload) == {"meta", "page", "incident"}
    assert payload["incident"]["status"] == "monitoring" and payload["incident"]["name"] == "Problems with Checkout"
    assert payload["page"]["status_indicator"] == "major"
    assert Delivery.objects.get().state == "sent"


def test_a_failing_receiver_is_retried_with_back_off_then_given_up_and_shown(
    incident, alice, receiver, settings, admin_client, eager_celery
):
    settings.WARROOM = {**settings.WARROOM, "STATUS_PAGE_DELIVERY_ATTEMPTS": 3}
    receiver.answer = 500
    status_actions.add_webhook_subscriber(url=receiver.url)
    update = publish(incident, "Investigating.")
    tasks.notify_update(update.pk)
    delivery = Delivery.objects.get()
    assert delivery.state == "pending" and delivery.attempts == 1 and "HTTP 500" in delivery.last_error
    first_wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < first_wait <= timedelta(seconds=30)
    assert tasks.send_deliveries([delivery.pk]) == 0 and len(receiver.requests) == 1  # not due yet: not sent

    later = delivery.next_attempt_at
    assert status_actions.deliveries_due(now=later) == [delivery.pk]
    status_actions.claim_delivery(delivery.pk, now=later)
    status_actions.finish_delivery(delivery.pk, error="the receiver answered HTTP 500", now=later)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at - later == timedelta(minutes=1)  # doubled

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    tasks.sweep_notifications()
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.attempts == 3 and len(receiver.requests) == 2
    assert status_actions.deliveries_due(now=timezone.now() + timedelta(days=1)) == []

    log = admin_client.get("/admin/statuspage/delivery/").content.decode()
    assert "Given up" in log and "the receiver answered HTTP 500" in log


def test_only_admins_add_webhook_subscribers(db, api, admin_api, checkout):
    hook = {"url": "https://example.com/hook"}
    assert api.post("/api/v1/status-subscribers", hook).status_code == 403  # a responder
    write_token = ApiClient(admin_api.user).post("/api/v1/status-subscribers", hook)
    assert write_token.status_code == 403 and "admin" in write_token.json()["error"]  # an admin, without the scope
    assert not Subscriber.objects.exists()
    assert admin_api.post("/api/v1/status-subscribers", hook).status_code == 201


@pytest.mark.parametrize(
    "payload, status",
    [
        ({"url": "ftp://example.com"}, 400),
        ({"url": "not a url"}, 400),
        ({"url": "https://x.example", "components": ["nope"]}, 400),
    ],
)
def test_it_refuses_a_bad_webhook_subscriber_with_json(admin_api, payload, status):
    response = admin_api.post("/api/v1/status-subscribers", payload)
    assert response.status_code == status and response.json()["error"]
    assert not Subscriber.objects.exists()


def test_a_webhook_to_a_private_address_is_refused_unless_allowed(db, settings):
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = False
    with pytest.raises(ActionError, match="loopback or private address"):
        status_actions.add_webhook_subscriber(url="http://127.0.0.1:9/hook")
    assert not Subscriber.objects.exists()


def test_a_webhook_url_is_subscribed_once(db):
    status_actions.add_webhook_subscriber(url="https://example.com/hook")
    from warroom.errors import ActionConflict

    with pytest.raises(ActionConflict):
        status_actions.add_webhook_subscriber(url="https://example.com/hook")


# --- maintenance is told too --------------------------------------------------------------------------------------------


def test_subscribers_hear_when_maintenance_is_scheduled_starts_and_ends(maintenance_window, smtp, eager_celery):
    subscriber = status_actions.request_subscription(email="jo@example.com")
    status_actions.confirm_subscription(subscriber.token)
    tasks.notify_maintenance(maintenance_window.pk, "scheduled")
    status_actions.sweep_maintenances(now=maintenance_window.starts_at)
    status_actions.sweep_maintenances(now=maintenance_window.ends_at)
    tasks.sweep_notifications()  # the sweeper makes the notices of both steps
    tasks.sweep_notifications()
    subjects = [m["Subject"] for m in smtp.messages]
    assert subjects == [
        "[Service status] Scheduled maintenance: Database upgrade",
        "[Service status] Maintenance started: Database upgrade",
        "[Service status] Maintenance completed: Database upgrade",
    ]


# --- the admin: export and delete addresses ----------------------------------------------------------------------------


def test_the_admin_exports_and_deletes_addresses(db, admin_client, checkout):
    kept = status_actions.request_subscription(email="kim@example.com")
    status_actions.confirm_subscription(kept.token)
    gone = status_actions.request_subscription(email="lee@example.com")
    export = admin_client.post(
        "/admin/statuspage/subscriber/", {"action": "export_csv", "_selected_action": [kept.pk, gone.pk]}
    )
    assert export["Content-Type"].startswith("text/csv")
    rows = export.content.decode().splitlines()
    assert rows[0] == "kind,email,url,components,confirmed_at,created_at" and len(rows) == 3
    assert any(row.startswith("email,kim@example.com,,,") for row in rows)
    admin_client.post(
        "/admin/statuspage/subscriber/",
        {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"},
    )
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["kim@example.com"]


def test_the_admin_adds_a_webhook_and_shows_its_secret_once(db, admin_client):
    response = admin_client.post("/admin/statuspage/subscriber/add/", {"url": "https://example.com/hook"}, follow=True)
    subscriber = Subscriber.objects.get()
    assert subscriber.kind == "webhook" and subscriber.confirmed_at is not None
    assert f"<code>{subscriber.secret}</code>" in response.content.decode()
    assert (
        subscriber.secret
        not in admin_client.get(f"/admin/statuspage/subscriber/{subscriber.pk}/change/").content.decode()
    )


# --- EMAIL_URL ------------------------------------------------------------------------------------------------------------


def test_it_reads_email_url():
    assert email_settings("") == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    assert email_settings("console://") == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    assert email_settings("smtp+tls://bot%40acme.test:s3cr%2Ft@mail.acme.test") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.acme.test",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "bot@acme.test",
        "EMAIL_HOST_PASSWORD": "s3cr/t",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }
    assert email_settings("smtp://mx:2525")["EMAIL_PORT"] == 2525
    with pytest.raises(ValueError, match="EMAIL_URL"):
        email_settings("http://mail.example.com")
