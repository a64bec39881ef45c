"""A real Prometheus Alertmanager with a `pagerduty_configs` receiver whose only change is its `url`: Warroom's
`POST /v2/enqueue` takes its trigger (declares), its repeats (nothing new) and its resolve, answering as PagerDuty."""

import os
import shutil
import subprocess
import tempfile
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from incidents.models import Incident, Status
from integrations import actions
from integrations.models import Alert, Delivery

from .test_alertmanager_live import ALERTMANAGER, free_port, post_alert, wait_for

CONFIG = """
route:
  receiver: warroom-pagerduty
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 3s
receivers:
  - name: warroom-pagerduty
    pagerduty_configs:
      - url: "{url}"
        routing_key: "{routing_key}"
        send_resolved: true
        component: checkout
"""


def ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/-/ready", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def alertmanager_paging_warroom(live_app):
    if not os.path.exists(ALERTMANAGER):
        pytest.fail(f"{ALERTMANAGER} not found; `make test` installs Debian's prometheus-alertmanager package.")
    from incidents.models import Service

    Service.objects.create(name="Checkout", slug="checkout")
    commander = get_user_model().objects.create_user("oncall", "oncall@example.com", "pw-oncall-123")
    _, routing_key = actions.create_endpoint(kind="pagerduty", name="prometheus-pd", commander=commander)
    workdir = tempfile.mkdtemp(prefix="warroom-am-pd-")
    config = os.path.join(workdir, "alertmanager.yml")
    with open(config, "w") as f:
        f.write(CONFIG.format(url=f"{live_app.url}/v2/enqueue", routing_key=routing_key))
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
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: ready(base), "Alertmanager to start", timeout=30)
        yield base
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=10)
        # Alertmanager logs a refused notification; none may have been refused.
        assert b"Notify for alerts failed" not in errors and b"unexpected status code" not in errors, errors.decode()[
            -2000:
        ]
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.mark.integration
def test_it_declares_from_alertmanagers_pagerduty_receiver_and_takes_its_resolve(
    alertmanager_paging_warroom, celery_worker_thread
):
    started = datetime.now(UTC) - timedelta(minutes=2)
    post_alert(alertmanager_paging_warroom, starts_at=started)

    incident = wait_for(lambda: Incident.objects.first(), "the incident to be declared")
    # Alertmanager sends PagerDuty's `error` severity unless told otherwise; PagerDuty pages for it at high urgency.
    assert (incident.severity, incident.status) == ("SEV2", Status.INVESTIGATING)
    assert [s.slug for s in incident.services.all()] == ["checkout"]  # from the receiver's `component`
    assert incident.title.startswith("[FIRING:1] CheckoutErrorRate")  # Alertmanager's default description

    wait_for(lambda: Delivery.objects.filter(status="processed").count() >= 3, "two repeated notifications")
    assert Incident.objects.count() == 1
    assert Alert.objects.count() == 1
    assert incident.entries.filter(kind="alert").count() == 1
    alert = Alert.objects.get()
    assert (alert.labels["severity"], alert.labels["source"]) == ("error", "Alertmanager")
    assert "Checkout 5xx above 5%" in alert.annotations["firing"]  # Alertmanager's custom_details

    post_alert(alertmanager_paging_warroom, starts_at=started, ends_at=datetime.now(UTC) - timedelta(seconds=1))
    wait_for(lambda: incident.entries.filter(metadata__all_resolved=True).exists(), "the resolution entry")
    assert Alert.objects.get().status == "resolved"
    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING  # people resolve incidents, alerts don't
    assert not Delivery.objects.filter(status="failed").exists()
