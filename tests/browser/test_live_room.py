"""Two people in one war room, two browsers: what one writes, the other sees at once, even after a drop."""

import re

import pytest
from playwright.sync_api import expect

from incidents import actions
from tests.conftest import login, screenshot

pytestmark = pytest.mark.browser


def timeline_texts(page) -> list[str]:
    return page.locator("#timeline [data-entry-id] .entry-body").all_inner_texts()


def post_from_composer(page, text):
    page.locator("#composer-body").fill(text)
    page.locator("#composer-body").press("Enter")
    expect(page.locator("#timeline .entry-body", has_text=text)).to_have_count(1)


def test_it_shows_entries_live_and_catches_up_after_a_network_drop(live_app, new_page, incident, alice, bob):
    room_url = f"{live_app.url}/incidents/{incident.pk}/"
    a, b = new_page(), new_page()
    login(a, live_app.url, "alice", "pw-alice-123")
    login(b, live_app.url, "bob", "pw-bob-123")
    a.goto(room_url)
    b.goto(room_url)
    for page in (a, b):
        expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    expect(a.locator('#presence-list [data-user="bob"]')).to_have_count(1)  # bob's socket joined

    post_from_composer(a, "Error rate 38% on checkout since 14:02")
    expect(b.locator("#timeline .entry-body", has_text="Error rate 38% on checkout since 14:02")).to_have_count(1)
    actions.change_severity(incident, severity="SEV1", actor=alice)  # from outside the page: header updates in place
    expect(b.locator("#room-header .sev")).to_have_text("SEV1")

    b.context.set_offline(True)
    expect(b.locator("#live-status")).to_have_attribute("data-state", "offline")
    # The server saw bob's socket close. Chromium's offline emulation does not always deliver the close
    # frame; then the server notices by its WebSocket ping timeout (uvicorn: 20 s + 20 s), hence the bound.
    expect(a.locator('#presence-list [data-user="bob"]')).to_have_count(0, timeout=60_000)
    missed = ["Rolled back checkout to v2.4.0", "Error rate falling: 4%", "Error rate back to 0.1%"]
    for text in missed:
        post_from_composer(a, text)
    assert not any(text in t for t in timeline_texts(b) for text in missed)

    b.context.set_offline(False)
    expect(b.locator("#live-status")).to_have_attribute("data-state", "live")
    for text in missed:
        expect(b.locator("#timeline .entry-body", has_text=text)).to_have_count(1)
    texts = timeline_texts(b)
    assert [t for t in texts if t in missed] == missed  # once each, in order
    ids = [
        int(i) for i in b.locator("#timeline [data-entry-id]").evaluate_all("els => els.map(e => e.dataset.entryId)")
    ]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert texts == timeline_texts(a)  # both rooms show the same record
    expect(a.locator('#presence-list [data-user="bob"]')).to_have_count(1)
    screenshot(b, "live-room-after-reconnect")


def test_it_shows_reconnecting_while_the_server_is_away(live_app, new_page, incident):
    page = new_page(color_scheme="dark")
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}/incidents/{incident.pk}/")
    pill = page.locator("#live-status")
    expect(pill).to_have_attribute("data-state", "live")
    live_app.stop()
    expect(pill).to_have_attribute("data-state", "reconnecting")
    expect(pill).to_have_text(re.compile("Reconnecting"))
    screenshot(page, "live-room-reconnecting-dark")


def test_it_refreshes_every_panel_of_the_severity_and_keeps_an_observer_read_only(
    live_app, new_page, incident, alice, observer
):
    room_url = f"{live_app.url}/incidents/{incident.pk}/"
    ic, watcher = new_page(), new_page(color_scheme="dark")
    login(ic, live_app.url, "alice", "pw-alice-123")
    login(watcher, live_app.url, "olivia", "pw-olivia-123")
    for page in (ic, watcher):
        page.goto(room_url)
        expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    expect(watcher.locator("#comms-panel .cadence-note")).to_contain_text("SEV2 default: every 30 min")
    assert watcher.locator("#room-header form, #roles-panel form, #room-action-items .button").count() == 0

    # The IC is halfway through an update when the severity goes up: her text stays, the prefill waits.
    ic.locator("#update-composer textarea[name=next_steps]").fill("Watching the error rate")
    ic.locator("#severity-select").select_option("SEV1")
    ic.locator(".severity-form button").click()

    for page in (ic, watcher):
        expect(page.locator("#room-header .sev")).to_have_text("SEV1")
        expect(page.locator("#comms-panel .cadence-note")).to_contain_text("SEV1 default: every 15 min")
        expect(page.locator("#timeline .entry.kind-severity")).to_have_count(1)
    expect(ic.locator("#update-composer textarea[name=next_steps]")).to_have_value("Watching the error rate")
    assert watcher.locator("#room-header form, #roles-panel form, #room-action-items .button").count() == 0
    assert watcher.locator("#timeline .entry-promote").count() == 0
    screenshot(ic, "live-severity-raised-writer")
    screenshot(watcher, "live-severity-raised-observer-dark")
