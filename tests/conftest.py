"""Shared personas and helpers. Tests read like specs: `test_it_*`, one behaviour each."""

import asyncio
import os
import re
import threading
import time
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from action_items.models import ActionItem
from incidents import actions
from incidents.access import OBSERVERS_GROUP
from incidents.live import broadcast
from incidents.models import ApiToken, Service, Team
from warroom.celery import app as celery_app

User = get_user_model()
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts")


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", "alice@example.com", "pw-alice-123", first_name="Alice", last_name="Ng")


@pytest.fixture
def bob(db):
    return User.objects.create_user("bob", "bob@example.com", "pw-bob-123", first_name="Bob", last_name="Ortiz")


@pytest.fixture(autouse=True)
def fresh_address_throttle():
    """Every test starts with the local address's API throttle bucket empty: the cache (Redis in CI) outlives a
    test, and one test's refused calls from 127.0.0.1 must not throttle the next test's."""
    from django.core.cache import cache

    cache.delete_many([f"throttle_address_{address}" for address in ("127.0.0.1", "::1")])


@pytest.fixture
def carol(db):
    return User.objects.create_user("carol", "carol@example.com", "pw-carol-123")


@pytest.fixture
def observer(db):
    user = User.objects.create_user("olivia", "olivia@example.com", "pw-olivia-123")
    user.groups.add(Group.objects.get_or_create(name=OBSERVERS_GROUP)[0])
    return user


@pytest.fixture
def checkout(db):
    payments = Team.objects.create(name="Payments", slug="payments")
    return Service.objects.create(name="Checkout", slug="checkout", team=payments)


@pytest.fixture
def incident(alice, checkout):
    return actions.declare_incident(actor=alice, title="Checkout returns 500", severity="SEV2", services=[checkout])


class ApiClient:
    """A JSON client that sends a bearer token, as bots do."""

    def __init__(self, user):
        self.user = user
        _, self.token = ApiToken.issue(user, name="tests")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def get(self, path, **params):
        return self.client.get(path, params)

    def post(self, path, data=None, raw=None):
        import json

        body = raw if raw is not None else json.dumps(data or {})
        return self.client.post(path, body, content_type="application/json")

    def patch(self, path, data):
        import json

        return self.client.patch(path, json.dumps(data), content_type="application/json")

    def put(self, path, data):
        import json

        return self.client.put(path, json.dumps(data), content_type="application/json")


@pytest.fixture
def api(alice):
    return ApiClient(alice)


@pytest.fixture
def api_as():
    return ApiClient


# --- a real ASGI server in a thread, for browser and WebSocket tests ------------------------------


class LiveServer:
    def __init__(self):
        import asyncio

        import uvicorn

        self.config = uvicorn.Config(
            "warroom.asgi:application", host="127.0.0.1", port=0, lifespan="off", log_level="warning"
        )
        self.server = uvicorn.Server(self.config)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import asyncio

        asyncio.set_event_loop(self.loop)
        broadcast.set_server_loop(self.loop)
        self.loop.run_until_complete(self.server.serve())

    def start(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the ASGI test server did not start")
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)
        broadcast.set_server_loop(None)


@pytest.fixture
def live_app(transactional_db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    # Server threads close their connection after each request, so the test database can be dropped.
    for alias in settings.DATABASES:
        settings.DATABASES[alias]["CONN_MAX_AGE"] = 0
    server = LiveServer().start()
    settings.SITE_URL = server.url
    yield server
    server.stop()


# --- Chromium through Playwright --------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def chromium(monkeypatch):
    """Per test: Playwright's sync API keeps an event loop in this thread, which must not outlive the test."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make test` installs Debian's chromium package.")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM in the test body runs beside that loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_app, request):
    """Open a fresh browser context (its own cookies) and page; screenshots land in test-artifacts/."""
    contexts = []

    def open_page(color_scheme="light"):
        context = chromium.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=color_scheme)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f"{name}.png")
    page.screenshot(path=path, full_page=True)
    return path


def login(page, base_url, username, password):
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/incidents/")


# --- real services ------------------------------------------------------------------------------------


def require_services(*names):
    """Skip (with the reason printed by -ra) unless DATABASE_URL / REDIS_URL name real services."""
    missing = [n for n in names if not os.environ.get(n)]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)} (set by .ci/run) for the real service")


async def drain_channel(layer, channel, quiet: float = 0.3) -> list[dict]:
    """Every message on a channel-layer channel until it has been quiet for `quiet` seconds."""
    messages = []
    while True:
        try:
            messages.append(await asyncio.wait_for(layer.receive(channel), quiet))
        except TimeoutError:
            return messages


@pytest.fixture
def capture_broadcasts(django_capture_on_commit_callbacks):
    """`with capture_broadcasts(incident) as sent:` runs the block's on-commit callbacks and collects every
    message the live broadcaster sent to the incident's group (`sent` is filled when the block ends)."""

    @contextmanager
    def capture(incident):
        layer = get_channel_layer()
        channel = async_to_sync(layer.new_channel)()
        group = broadcast.group_name(incident.pk)
        async_to_sync(layer.group_add)(group, channel)
        sent: list[dict] = []
        try:
            with django_capture_on_commit_callbacks(execute=True):
                yield sent
            sent.extend(async_to_sync(drain_channel)(layer, channel))
        finally:
            async_to_sync(layer.group_discard)(group, channel)

    return capture


# --- a scripted incident, resolved, for the postmortem tests (unit and browser) --------------------------


@pytest.fixture
def eager_celery():
    """Celery executes a queued task in the caller (its own eager mode): delay_on_commit runs the task at commit."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def scripted_incident(alice, bob, checkout, django_capture_on_commit_callbacks):
    """Impact from 40 minutes ago; findings, a decision, an action, a role, a severity change; resolved."""
    started = timezone.now() - timedelta(minutes=40)
    incident = actions.declare_incident(
        actor=alice,
        title="Checkout returns 500",
        severity="SEV2",
        services=[checkout],
        started_at=started,
        summary="Card payments failed for most users.",
        detected_at=started + timedelta(minutes=3),
    )
    actions.post_entry(
        incident, kind="finding", body="Error rate on checkout-api is 38% since the 14:02 deploy.", actor=bob
    )
    actions.post_entry(incident, kind="note", body="coffee is on the way", actor=bob)
    actions.assign_role(incident, role="tech_lead", user=bob, actor=alice)
    actions.post_entry(incident, kind="decision", body="Roll back checkout-api to v41.", actor=alice)
    actions.post_entry(incident, kind="action", body="Rolled back checkout-api to v41.", actor=bob)
    actions.change_severity(incident, severity="SEV1", actor=alice, reason="most users affected")
    actions.change_status(incident, status="identified", actor=alice)
    actions.change_status(incident, status="mitigated", actor=alice)
    ActionItem.objects.create(
        incident=incident,
        title="Add a canary stage to checkout deploys",
        owner=bob,
        type="prevent",
        due_date=date.today() + timedelta(days=15),
    )
    return incident


@pytest.fixture
def postmortem(scripted_incident, alice):
    from postmortems import actions as pm_actions

    actions.resolve(scripted_incident, actor=alice)
    return pm_actions.draft_postmortem(scripted_incident.pk)[0]


def swaps_out_of_band(html: str, element_id: str) -> bool:
    """The element with this id is in the fragment as an out-of-band swap (htmx `hx-swap-oob="true"`)."""
    return re.search(rf'<[^>]*\bid="{re.escape(element_id)}"[^>]*\bhx-swap-oob="true"', html) is not None
