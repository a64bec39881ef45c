"""In Chromium: an overdue room shows red; posting an update from the composer resets the countdown."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents import actions
from incidents.models import Incident, StatusUpdate
from tests.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_it_posts_an_update_from_the_composer_and_the_countdown_resets(live_app, new_page, incident, alice):
    Incident.objects.filter(pk=incident.pk).update(next_update_due_at=timezone.now() - timedelta(minutes=4))
    page = new_page()
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}/incidents/{incident.pk}/")

    panel = page.locator("#comms-panel")
    assert "overdue" in panel.get_attribute("class")
    assert panel.locator(".due-in").inner_text().startswith("overdue by 4 min")
    composer = page.locator("#update-composer")
    assert "Investigating (SEV2 · Major). Affected: Checkout." in composer.get_by_label("Current status").input_value()
    screenshot(page, "comms-overdue")

    composer.get_by_label("Actions taken").fill("Rolled back checkout to v41.")
    composer.get_by_label("Next update in (min)").fill("20")
    composer.get_by_role("button", name="Publish internal update").click()

    page.locator("#comms-panel .due-in", has_text="in 20 min").wait_for()
    assert "overdue" not in page.locator("#comms-panel").get_attribute("class")
    page.locator("#timeline .entry.kind-update", has_text="Rolled back checkout to v41.").wait_for()
    assert page.locator("#comms-panel .on-time").inner_text() == "0 on time"
    assert page.locator("#comms-panel .late").inner_text() == "1 late"
    assert StatusUpdate.objects.get().next_update_in_minutes == 20
    screenshot(page, "comms-after-update")


def test_it_drafts_an_external_update_and_a_second_person_approves_it(live_app, new_page, incident, alice, bob):
    page = new_page(color_scheme="dark")
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}/incidents/{incident.pk}/")
    composer = page.locator("#update-composer")
    assert not composer.get_by_label("Headline").is_visible()
    composer.get_by_label("External (status page)").check()
    assert (
        composer.get_by_label("Current status")
        .input_value()
        .startswith("We are investigating reports of problems with Checkout.")
    )
    composer.get_by_label("Public state").select_option("identified")
    assert composer.get_by_label("Current status").input_value().startswith("We have identified the cause")
    composer.get_by_role("button", name="Submit external draft").click()
    page.locator("#comms-panel .draft").wait_for()
    # Four eyes: the author (here the IC) cannot approve her own external words; the page says who can.
    expect(page.locator("#comms-panel").get_by_role("button", name="Approve and publish")).to_be_hidden()
    expect(page.locator("#comms-panel .draft .authority")).to_have_attribute("data-denied", "")
    screenshot(page, "comms-external-draft-dark")

    actions.assign_role(incident, role="comms_lead", user=bob, actor=alice)
    comms_lead = new_page(color_scheme="dark")
    login(comms_lead, live_app.url, "bob", "pw-bob-123")
    comms_lead.goto(f"{live_app.url}/incidents/{incident.pk}/")
    comms_lead.locator("#comms-panel").get_by_role("button", name="Approve and publish").click()
    comms_lead.locator("#comms-panel .draft").wait_for(state="detached")
    page.locator("#comms-panel .draft").wait_for(state="detached")  # live in the author's room too
    screenshot(comms_lead, "comms-approved-by-the-comms-lead-dark")

    status = new_page()
    status.goto(f"{live_app.url}/status/")
    assert "We have identified the cause of the problems with Checkout" in status.content()
    assert "Partial outage" in status.locator(".components").inner_text()
    screenshot(status, "status-page")


def test_it_turns_the_countdown_red_when_the_promise_passes(live_app, new_page, incident, alice):
    Incident.objects.filter(pk=incident.pk).update(next_update_due_at=timezone.now() + timedelta(seconds=8))
    page = new_page()
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}/incidents/{incident.pk}/")
    assert page.locator("#comms-panel .due-in").inner_text() == "in 1 min"
    assert "overdue" not in page.locator("#comms-panel").get_attribute("class")
    page.locator("#comms-panel.overdue .next-update.is-overdue").wait_for(
        timeout=30_000
    )  # the page's own clock, no reload
    assert page.locator("#comms-panel .due-in").inner_text().startswith("overdue by 0 min")


def test_it_prints_the_executive_summary_without_the_site_chrome(live_app, new_page, incident, alice):
    from incidents import actions
    from incidents.comms import actions as comms

    actions.post_entry(incident, kind="decision", body="Roll back checkout to v41.", actor=alice)
    comms.post_update(
        incident,
        actor=alice,
        audience="internal",
        status="Rollback in progress; errors falling.",
        next_steps="Confirm recovery.",
    )
    page = new_page()
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}/incidents/{incident.pk}/summary/")
    assert "Rollback in progress; errors falling." in page.locator(".exec-summary").inner_text()
    screenshot(page, "executive-summary")
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.get_by_role("button", name="Print").is_visible()
