"""In Chromium: taking command of a room whose IC is absent, and a private room that non-members cannot find."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents import actions
from incidents.models import Incident, TimelineEntry
from tests.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_a_responder_takes_command_when_the_ic_is_absent(live_app, new_page, incident, alice, bob):
    room_url = f"{live_app.url}/incidents/{incident.pk}/"
    page = new_page()
    login(page, live_app.url, "bob", "pw-bob-123")
    page.goto(room_url)
    roles = page.locator("#role-commander")
    # bob is not the IC: he cannot offer command, only take it, and the room says when he may.
    expect(roles.get_by_role("button", name="Offer command")).to_be_hidden()
    expect(roles.locator(".authority")).to_have_attribute("data-why", "Only the Incident Commander offers command.")
    roles.get_by_text("Take command…").click()
    roles.get_by_label("Reason").fill("Alice is not answering her phone.")
    roles.get_by_role("button", name="Take command now").click()
    expect(roles.locator(".field-error")).to_contain_text("Alice Ng is in command and active")
    screenshot(page, "take-command-refused")

    # Twenty minutes of silence from alice later, the override is open to bob.
    then = timezone.now() - timedelta(minutes=20)
    TimelineEntry.objects.filter(incident=incident).update(occurred_at=then, created_at=then)
    incident.role_assignments.update(assigned_at=then)
    page.reload()
    roles = page.locator("#role-commander")
    roles.get_by_text("Take command…").click()
    roles.get_by_label("Reason").fill("Alice is not answering her phone.")
    roles.get_by_role("button", name="Take command now").click()
    expect(page.locator("#role-commander .holder")).to_have_text("Bob Ortiz")
    expect(page.locator("#timeline")).to_contain_text("Bob Ortiz took command from Alice Ng: Alice is not answering")
    # Now bob is the IC: the offer control is his, the override is not.
    expect(page.locator("#role-commander").get_by_role("button", name="Offer command")).to_be_visible()
    expect(page.locator("#role-commander .take-command")).to_be_hidden()
    screenshot(page, "take-command-done")
    assert Incident.objects.get(pk=incident.pk).commander == bob


def test_a_private_room_is_invisible_to_non_members(live_app, new_page, alice, bob, carol, checkout):
    page = new_page()
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}/incidents/declare/")
    page.get_by_label("Title").fill("Customer records exposed in a public bucket")
    page.get_by_text("More: commander, start time, who sees it, drill").click()
    page.get_by_label("Private: only its role holders, invited people, the owning team's leads and admins").check()
    page.get_by_role("button", name="Declare and open the war room").click()
    page.wait_for_url(f"{live_app.url}/incidents/*/")
    incident = Incident.objects.get(title="Customer records exposed in a public bucket")
    assert incident.is_private
    expect(page.locator("#room-header .badge.private")).to_be_visible()

    access = page.locator("#access")
    access.get_by_label("Invite").select_option(label="carol")
    access.get_by_role("button", name="Invite").click()
    expect(access.locator(".members")).to_contain_text("carol")
    screenshot(page, "private-room")

    outsider = new_page()
    login(outsider, live_app.url, "bob", "pw-bob-123")
    expect(outsider.locator("body")).not_to_contain_text("Customer records exposed")
    response = outsider.goto(f"{live_app.url}/incidents/{incident.pk}/")
    assert response.status == 404
    expect(outsider.locator("body")).not_to_contain_text("Customer records exposed")

    member = new_page(color_scheme="dark")
    login(member, live_app.url, "carol", "pw-carol-123")
    expect(member.locator("body")).to_contain_text("Customer records exposed")
    member.goto(f"{live_app.url}/incidents/{incident.pk}/")
    expect(member.locator("#live-status")).to_contain_text("Live")
    screenshot(member, "private-room-member-dark")

    # Removed from the room, carol's open page loses it within seconds.
    actions.remove_member(incident, user=carol, actor=alice)
    member.wait_for_url(f"{live_app.url}/incidents/{incident.pk}/", wait_until="load")
    expect(member.locator("body")).to_contain_text(f"There is no incident INC-{incident.pk}", timeout=10_000)
    screenshot(member, "private-room-removed-member-dark")
