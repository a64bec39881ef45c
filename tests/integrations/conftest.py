"""Helpers for webhook tests: endpoints with known URLs, deliveries posted as senders post them."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from incidents.models import ApiToken
from integrations import tasks
from integrations.models import Delivery, DeliveryStatus, Endpoint
from tests.conftest import ApiClient

PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


@pytest.fixture
def make_endpoint(db, alice):
    """make_endpoint(kind, **fields) → (endpoint, path); alice commands what it declares unless told otherwise."""

    def make(kind: str, name: str | None = None, **fields):
        fields.setdefault("commander", alice)
        endpoint = Endpoint(kind=kind, name=name or f"{kind}-{Endpoint.objects.count()}", **fields)
        token = endpoint.issue_token()
        endpoint.save()
        return endpoint, f"/hooks/{kind}/{token}"

    return make


class Sender:
    """Posts like a webhook sender: no session, no CSRF token, raw JSON body."""

    def __init__(self, capture):
        self.client = Client(enforce_csrf_checks=True)
        self.capture = capture

    def post(self, path: str, data=None, *, raw: bytes | str | None = None, headers: dict | None = None):
        body = raw if raw is not None else json.dumps(data)
        with self.capture() as callbacks:
            response = self.client.post(path, body, content_type="application/json", headers=headers or {})
        response.queued = len(callbacks)
        return response

    def deliver(self, path: str, data=None, **kwargs):
        """Post, expect 202, then run the queued ingestion task the way the worker would."""
        response = self.post(path, data, **kwargs)
        assert response.status_code == 202, response.content
        assert response.queued == 1
        delivery_id = response.json()["delivery"]
        tasks.process_delivery.apply(args=[delivery_id])
        return Delivery.objects.get(pk=delivery_id)


@pytest.fixture
def sender(django_capture_on_commit_callbacks):
    return Sender(django_capture_on_commit_callbacks)


def processed(delivery: Delivery) -> bool:
    return delivery.status == DeliveryStatus.PROCESSED


class RecordingServer:
    """A real HTTP server on a free port that records every request (path, lower-cased headers, body) and answers `fail_first`
    requests with `fail_status`, then `status`."""

    def __init__(self, fail_first=0, fail_status=500, status=200, answer=b"ok"):
        self.fail_first, self.fail_status, self.status, self.answer = fail_first, fail_status, status, answer
        self.received: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                outer.received.append({"path": self.path, "headers": headers, "body": body})
                failing = len(outer.received) <= outer.fail_first
                self.send_response(outer.fail_status if failing else outer.status)
                if outer.status in (301, 302, 307, 308):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.end_headers()
                self.wfile.write(b"internal_error" if failing else outer.answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/warroom"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def json(self, index=-1) -> dict:
        return json.loads(self.received[index]["body"])

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recording_server():
    """recording_server(fail_first=0, fail_status=500, status=200) → a started RecordingServer, closed after the test."""
    servers = []

    def start(**options):
        server = RecordingServer(**options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


class AdminApiClient(ApiClient):
    """An administrator's bot: a token of the `admin` scope, which the admin endpoints require."""

    def __init__(self, user):
        self.user = user
        _, self.token = ApiToken.issue(user, name="tests", scope="admin")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.token}")


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")


@pytest.fixture
def admin_api(root):
    return AdminApiClient(root)
