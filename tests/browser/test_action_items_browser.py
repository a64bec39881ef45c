"""In Chromium: a finding in the war room becomes an action item in two clicks, and is closed from the tracker."""

import pytest

from action_items.models import ActionItem
from incidents import actions
from tests.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_it_promotes_an_entry_and_closes_the_item_from_the_tracker(live_app, new_page, incident, alice, bob):
    entry = actions.post_entry(incident, kind="finding", body="Add a connection pool saturation alert", actor=bob)
    page = new_page()
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}{incident.get_absolute_url()}")

    # Click one: the entry's control opens the form, prefilled from the entry.
    page.locator(f"#entry-{entry.pk} .entry-promote").click()
    form = page.locator("#action-item-form")
    assert form.get_by_label("Title").input_value() == "Add a connection pool saturation alert"
    assert form.get_by_label("Type").input_value() == "prevent"
    form.get_by_label("Done when").fill("On-call is paged when the pool is 90% used for 5 minutes.")
    screenshot(page, "action-item-promote-form")
    # Click two: create it.
    form.get_by_role("button", name="Create action item").click()
    page.get_by_text("raised: Add a connection pool saturation alert").wait_for()
    item = ActionItem.objects.get()
    assert item.source_entry_id == entry.pk and item.owner == alice
    page.locator(
        f"#timeline [data-entry-id] >> text=raised action item {item.ref}"
    ).wait_for()  # the poster sees its entry at once
    panel = page.locator("#room-action-items")
    assert "Add a connection pool saturation alert" in panel.inner_text()
    screenshot(page, "action-item-room-panel")

    page.get_by_role("link", name="Action items", exact=True).click()
    assert page.locator("#item-counts").inner_text().split() == [
        "1",
        "open",
        "0",
        "overdue",
        "0",
        "done",
        "this",
        "month",
    ]
    row = page.locator(f"#item-row-{item.pk}")
    row.get_by_label(f"Status of {item.ref}").select_option("wont_do")
    row.get_by_role("button", name="Save").click()
    page.locator(f"#item-row-{item.pk} [role=alert]").wait_for()
    assert "a reason is required" in page.locator(f"#item-row-{item.pk}").inner_text()
    screenshot(page, "action-item-tracker-needs-reason")

    assert page.locator(f"#item-row-{item.pk}").get_by_label(f"Reason for won't do ({item.ref})").is_visible()
    page.locator(f"#item-row-{item.pk}").get_by_label(f"Status of {item.ref}").select_option("done")
    page.locator(f"#item-row-{item.pk}").get_by_role("button", name="Save").click()
    page.locator(f"#item-row-{item.pk}.item-state-done").wait_for()
    page.get_by_text("1 done this month").wait_for()
    item.refresh_from_db()
    assert item.status == "done" and item.completed_at is not None
    screenshot(page, "action-item-tracker-done")
    page.locator(f"#item-row-{item.pk} .item-link").click()
    page.get_by_role("heading", name="History").wait_for()
    assert "marked it done" in page.locator(".item-history").inner_text()
    screenshot(page, "action-item-page")


def test_it_warns_of_a_recurrence_in_the_room_in_dark_mode(live_app, new_page, incident, alice, bob, checkout):
    from action_items import actions as item_actions

    item_actions.create_action_item(
        incident,
        actor=alice,
        owner=bob,
        title="Add a connection pool saturation alert",
        type="detect",
        description="On-call is paged when the pool is 90% used for 5 minutes.",
    )
    again = actions.declare_incident(actor=alice, title="Checkout 500s again", severity="SEV1", services=[checkout])
    page = new_page(color_scheme="dark")
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}{again.get_absolute_url()}")
    banner = page.get_by_role("note")
    assert banner.inner_text().startswith(
        f"This may be a recurrence of {incident.ref} (Checkout returns 500); 1 action item still open"
    )
    screenshot(page, "action-item-recurrence-dark")
    page.goto(f"{live_app.url}/action-items/?status=all")
    assert page.locator("#item-counts").inner_text().split()[:2] == ["1", "open"]
    screenshot(page, "action-item-tracker-dark")
