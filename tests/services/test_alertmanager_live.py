"""A real Prometheus Alertmanager posts to the running app: the incident is declared, the repeat ignored,
the resolution posted — through the real webhook view, a real Celery worker and the database."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from incidents.models import Incident, Status
from integrations.models import Alert, Delivery, Endpoint

ALERTMANAGER = os.environ.get("ALERTMANAGER", "/usr/bin/prometheus-alertmanager")

CONFIG = """
route:
  receiver: warroom
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 3s
receivers:
  - name: warroom
    webhook_configs:
      - url: "{url}"
        send_resolved: true
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


@pytest.fixture
def alertmanager(live_app):
    if not os.path.exists(ALERTMANAGER):
        pytest.fail(f"{ALERTMANAGER} not found; `make test` installs Debian's prometheus-alertmanager package.")
    from incidents.models import Service

    Service.objects.create(name="Checkout", slug="checkout")
    endpoint = Endpoint(kind="alertmanager", name="prometheus")
    endpoint.commander = _commander()
    token = endpoint.issue_token()
    endpoint.save()
    workdir = tempfile.mkdtemp(prefix="warroom-am-")
    config = os.path.join(workdir, "alertmanager.yml")
    with open(config, "w") as f:
        f.write(CONFIG.format(url=f"{live_app.url}/hooks/alertmanager/{token}"))
    port = free_port()
    process = subprocess.Popen(
        [
            ALERTMANAGER,
            f"--config.file={config}",
            f"--storage.path={workdir}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
            "--log.level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _ready(base), "Alertmanager to start", timeout=30)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def _commander():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("oncall", "oncall@example.com", "pw-oncall-123")


def _ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/-/ready", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def post_alert(base: str, *, ends_at: datetime | None = None, starts_at: datetime) -> None:
    alert = {
        "labels": {
            "alertname": "CheckoutErrorRate",
            "service": "checkout",
            "severity": "critical",
            "instance": "checkout-1:8080",
        },
        "annotations": {"summary": "Checkout 5xx above 5%", "runbook_url": "https://runbooks.example/checkout-5xx"},
        "startsAt": starts_at.isoformat(),
        "generatorURL": "http://prometheus.example:9090/graph?g0.expr=up",
    }
    if ends_at:
        alert["endsAt"] = ends_at.isoformat()
    request = urllib.request.Request(
        f"{base}/api/v2/alerts",
        data=json.dumps([alert]).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


@pytest.mark.integration
def test_it_declares_ignores_the_repeat_and_posts_the_resolution(alertmanager, celery_worker_thread):
    started = datetime.now(UTC) - timedelta(minutes=2)
    post_alert(alertmanager, starts_at=started)

    incident = wait_for(lambda: Incident.objects.first(), "the incident to be declared")
    assert (incident.title, incident.severity, incident.status) == (
        "Checkout 5xx above 5%",
        "SEV2",
        Status.INVESTIGATING,
    )
    assert [s.slug for s in incident.services.all()] == ["checkout"]

    # Alertmanager repeats the notification every repeat_interval; the repeats change nothing.
    wait_for(lambda: Delivery.objects.filter(status="processed").count() >= 3, "two repeated notifications")
    assert Incident.objects.count() == 1
    assert Alert.objects.count() == 1
    assert incident.entries.filter(kind="alert").count() == 1

    post_alert(alertmanager, starts_at=started, ends_at=datetime.now(UTC) - timedelta(seconds=1))
    wait_for(lambda: incident.entries.filter(metadata__all_resolved=True).exists(), "the resolution entry")
    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING  # people resolve incidents, alerts don't
    assert Alert.objects.get().status == "resolved"
    assert not Delivery.objects.exclude(status="processed").exclude(status="received").exists()
