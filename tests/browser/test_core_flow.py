"""A responder's first minutes, in real Chromium: sign in, declare, name a Tech Lead, post to the timeline."""

import pytest
from playwright.sync_api import expect

from incidents.models import Incident, Role
from tests.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_it_declares_assigns_and_posts(new_page, live_app, alice, bob, checkout):
    page = new_page()
    login(page, live_app.url, "alice", "pw-alice-123")
    expect(page.get_by_text("No open incidents.")).to_be_visible()

    page.get_by_role("link", name="Declare incident").click()
    page.get_by_label("Title").fill("Checkout returns 500 for card payments")
    page.locator("label.sev-option", has_text="SEV1").click()
    page.get_by_label("Checkout").check()
    page.get_by_label("Summary").fill("Card payments fail with **500**; PayPal works.")
    page.get_by_role("button", name="Declare and open the war room").click()

    incident = Incident.objects.get()
    page.wait_for_url(f"{live_app.url}/incidents/{incident.pk}/")
    header = page.locator("#room-header")
    expect(header).to_contain_text(incident.ref)
    expect(header).to_contain_text("SEV1")
    expect(header).to_contain_text("Investigating")
    expect(page.locator("#role-commander")).to_contain_text("Alice Ng")

    # Name Bob Tech Lead from the roles panel: the panel and the timeline update in place.
    page.locator("#role-tech_lead select").select_option(label="bob")
    page.locator("#role-tech_lead").get_by_role("button", name="Assign").click()
    expect(page.locator("#role-tech_lead")).to_contain_text("Bob Ortiz")
    expect(page.locator("#timeline")).to_contain_text("Alice Ng named Bob Ortiz Tech Lead.")

    # Post a finding with Enter; Shift+Enter makes a new line first.
    page.locator("#composer-kind").select_option("finding")
    box = page.get_by_label("Write to the timeline")
    box.fill("DB connection pool exhausted on checkout-db-1")
    box.press("Shift+Enter")
    box.type("since the 21:02 deploy")
    box.press("Enter")
    entry = page.locator("#timeline .entry.kind-finding")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("DB connection pool exhausted")
    expect(page.get_by_label("Write to the timeline")).to_have_value("")
    assert page.url == f"{live_app.url}/incidents/{incident.pk}/"  # no reload happened

    # An empty post is refused with a message, in place.
    page.get_by_label("Write to the timeline").fill("   ")
    page.get_by_role("button", name="Post").click()
    expect(page.locator("#composer .field-error")).to_contain_text("cannot be empty")

    # Mark mitigated: the header shows the time to mitigate.
    page.get_by_role("button", name="Mitigated").click()
    expect(header).to_contain_text("Mitigated")
    expect(page.locator("#timeline")).to_contain_text("marked the incident Mitigated")
    screenshot(page, "core-war-room")

    incident.refresh_from_db()
    assert incident.holders()[Role.TECH_LEAD].user == bob
    assert (
        incident.entries.filter(kind="finding").get().body
        == "DB connection pool exhausted on checkout-db-1\nsince the 21:02 deploy"
    )
    assert incident.mitigated_at is not None

    page.goto(f"{live_app.url}/incidents/")
    expect(page.locator("table.incidents")).to_contain_text(incident.title)
    screenshot(page, "core-incident-list")


def test_the_room_reads_in_dark_mode(new_page, live_app, alice, incident):
    page = new_page(color_scheme="dark")
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}/incidents/{incident.pk}/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 18, 22)"
    screenshot(page, "core-war-room-dark")
