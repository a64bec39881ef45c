"""An Alertmanager delivery opens a room a responder can read at a glance: the Alerts panel in Chromium."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from integrations import ingest
from integrations.models import Delivery, Endpoint
from tests.conftest import login, screenshot
from tests.integrations.conftest import payload

pytestmark = pytest.mark.browser


def post(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_it_shows_the_declared_incidents_alerts_with_untrusted_text_as_text(new_page, live_app, alice, checkout):
    endpoint = Endpoint(kind="alertmanager", name="prometheus", commander=alice)
    url = f"{live_app.url}/hooks/alertmanager/{endpoint.issue_token()}"
    endpoint.save()
    body = payload("alertmanager-partly-resolved")
    body["alerts"][1]["annotations"]["description"] = "<b>not bold</b> <script>alert(1)</script>"
    assert post(url, body) == 202
    ingest.process_delivery(Delivery.objects.get().pk)  # what the worker does with the queued task
    incident = endpoint.groups.get().incident

    page = new_page()
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}/incidents/{incident.pk}/")
    panel = page.locator("#alerts-panel")
    expect(panel).to_contain_text("1 firing")
    expect(panel.locator(".alert-item")).to_have_count(2)
    firing = panel.locator(".alert-item.alert-firing")
    firing.locator("summary").click()
    expect(firing).to_contain_text("checkout-2:8080")
    expect(firing.locator(".annotations")).to_contain_text("<b>not bold</b> <script>alert(1)</script>")
    expect(firing.get_by_role("link", name="source")).to_have_attribute("href", body["alerts"][1]["generatorURL"])
    expect(page.locator("#timeline")).to_contain_text("1 alert is firing, from prometheus")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "alerts-panel")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "alerts-panel-dark")
