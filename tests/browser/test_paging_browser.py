"""A responder pages the on-call from the room's Alerts panel in Chromium; the timeline says who paged whom."""

import json

import pytest
from playwright.sync_api import expect

from integrations.models import Page, PagingTarget
from integrations.tasks import send_page
from tests.conftest import login, screenshot
from tests.integrations.conftest import RecordingServer

pytestmark = pytest.mark.browser


def test_a_responder_pages_the_on_call_from_the_alerts_panel(request, new_page, live_app, settings, incident, checkout):
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = True
    pagerduty = RecordingServer(status=202)
    request.addfinalizer(pagerduty.close)
    PagingTarget.objects.create(name="Checkout primary", url=pagerduty.url, routing_key="k" * 32, service=checkout)

    page = new_page()
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}/incidents/{incident.pk}/")
    form = page.locator("#page-on-call")
    expect(form.locator("option")).to_have_text(["Checkout (Checkout primary) · PagerDuty Events API v2"])
    form.get_by_role("button", name="Page").click()
    expect(page.locator("#timeline")).to_contain_text("Alice Ng paged the on-call of Checkout through PagerDuty")
    send_page.apply(args=[Page.objects.get().pk, "trigger"])  # what the worker does with the queued task
    assert json.loads(pagerduty.received[0]["body"])["event_action"] == "trigger"
    form.scroll_into_view_if_needed()
    screenshot(page, "page-on-call")
