"""A real Prometheus Alertmanager with an `opsgenie_configs` receiver whose only change is its `api_url`: Warroom's
Opsgenie alert API takes its create (declares), its repeats (nothing new) and its close by alias."""

import os
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from incidents.models import Incident, Status
from integrations import actions
from integrations.models import Alert, Delivery

from .test_alertmanager_live import ALERTMANAGER, free_port, post_alert, wait_for
from .test_signals_pagerduty_alertmanager import ready

CONFIG = """
route:
  receiver: warroom-opsgenie
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 3s
receivers:
  - name: warroom-opsgenie
    opsgenie_configs:
      - api_url: "{url}/"
        api_key: "{api_key}"
        send_resolved: true
        priority: P1
        tags: "service:checkout"
"""


@pytest.fixture
def alertmanager_to_opsgenie_api(live_app):
    if not os.path.exists(ALERTMANAGER):
        pytest.fail(f"{ALERTMANAGER} not found; `make test` installs Debian's prometheus-alertmanager package.")
    from incidents.models import Service

    Service.objects.create(name="Checkout", slug="checkout")
    commander = get_user_model().objects.create_user("oncall", "oncall@example.com", "pw-oncall-123")
    _, api_key = actions.create_endpoint(kind="opsgenie", name="prometheus-og", commander=commander)
    workdir = tempfile.mkdtemp(prefix="warroom-am-og-")
    config = os.path.join(workdir, "alertmanager.yml")
    with open(config, "w") as f:
        f.write(CONFIG.format(url=live_app.url, api_key=api_key))
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
        assert b"Notify for alerts failed" not in errors and b"unexpected status code" not in errors, errors.decode()[
            -2000:
        ]
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.mark.integration
def test_it_declares_from_alertmanagers_opsgenie_receiver_and_takes_its_close(
    alertmanager_to_opsgenie_api, celery_worker_thread
):
    started = datetime.now(UTC) - timedelta(minutes=2)
    post_alert(alertmanager_to_opsgenie_api, starts_at=started)

    incident = wait_for(lambda: Incident.objects.first(), "the incident to be declared")
    assert (incident.severity, [s.slug for s in incident.services.all()]) == ("SEV2", ["checkout"])  # P1, the tag
    wait_for(lambda: Delivery.objects.filter(status="processed").count() >= 3, "two repeated notifications")
    assert Incident.objects.count() == 1 and Alert.objects.count() == 1
    assert Alert.objects.get().labels["priority"] == "P1"

    post_alert(alertmanager_to_opsgenie_api, starts_at=started, ends_at=datetime.now(UTC) - timedelta(seconds=1))
    wait_for(lambda: incident.entries.filter(metadata__all_resolved=True).exists(), "the close")
    assert Alert.objects.get().status == "resolved"
    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING
    assert not Delivery.objects.filter(status="failed").exists()
