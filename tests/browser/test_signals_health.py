"""The signal-health page in Chromium: reached from the top bar, it shows each source's last delivery, its counts,
its heartbeat (blind, with the incident linked) and its last error."""

import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from integrations import actions, heartbeats, ingest
from integrations.models import Delivery, Endpoint
from tests.conftest import login, screenshot
from tests.integrations.conftest import payload

pytestmark = pytest.mark.browser


def post(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_responder_sees_which_source_went_quiet_and_which_one_errs(new_page, live_app, alice):
    prometheus, key = actions.create_endpoint(
        kind="alertmanager", name="prometheus-eu", commander=alice, expect_heartbeat_minutes=1
    )
    assert post(f"{live_app.url}/hooks/alertmanager/{key}", payload("alertmanager-firing")) == 202
    ingest.process_delivery(Delivery.objects.get().pk)
    assert post(f"{live_app.url}/hooks/alertmanager/{key}", {"groupKey": "x"}) == 400
    _, routing_key = actions.create_endpoint(kind="pagerduty", name="grafana-pd", commander=alice)
    Endpoint.objects.filter(name="grafana-pd").update(expect_heartbeat_minutes=60)
    heartbeats.sweep(now=timezone.now() + timedelta(minutes=3))
    blind = Endpoint.objects.get(pk=prometheus.pk).blind_incident

    page = new_page()
    login(page, live_app.url, "alice", "pw-alice-123")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Signals").click()
    expect(page.get_by_role("heading", name="Signal health")).to_be_visible()
    row = page.locator(f"#source-{prometheus.pk}")
    expect(row).to_contain_text("prometheus-eu")
    expect(row).to_contain_text("UTC")
    expect(row.get_by_role("link", name=f"blind: {blind.ref}")).to_have_attribute("href", f"/incidents/{blind.pk}/")
    expect(row).to_contain_text("alerts must be a non-empty list")
    expect(row.locator("td").nth(4)).to_have_text("1")  # rejected
    quiet = page.locator("tr", has_text="grafana-pd")
    expect(quiet).to_contain_text("never")
    expect(quiet).to_contain_text("on time")
    screenshot(page, "signal-health")
