"""A person resolves an incident, follows the live link to the draft, edits with the preview, sees a
blameless finding appear, and publishes."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_it_drafts_edits_checks_and_publishes_a_postmortem(live_app, new_page, scripted_incident, eager_celery):
    incident = scripted_incident
    page = new_page()
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}/incidents/{incident.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Resolve").click()

    link = page.locator("#timeline").get_by_role("link", name="open the draft")
    expect(link).to_be_visible()
    screenshot(page, "postmortem-room-link")
    link.click()
    page.wait_for_url(f"{live_app.url}/incidents/{incident.pk}/postmortem/")
    expect(page.locator("#pm-preview h2", has_text="Contributing factors")).to_be_visible()
    expect(page.locator("#pm-save-status")).to_contain_text("Version 1")

    editor = page.locator("#pm-markdown")
    editor.click()
    editor.press("Control+End")
    editor.press_sequentially("\n\n## Notes from the review\n\nBob forgot to enable the **canary** stage.", delay=5)

    preview = page.locator("#pm-preview")
    expect(preview.locator("strong", has_text="canary")).to_be_visible()
    expect(preview.locator('mark.finding[data-rule="forgot"]')).to_have_text("forgot")
    expect(page.locator("#pm-findings .finding-item[data-rule='forgot']")).to_contain_text("Forgetting is normal")
    expect(page.locator("#pm-save-status")).to_contain_text("Saved version 2")
    screenshot(page, "postmortem-editor")

    page.get_by_role("button", name="Send to review").click()
    expect(page.locator(".pm-status")).to_have_text("In review")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"{live_app.url}/incidents/{incident.pk}/postmortem/document/")
    expect(page.locator(".pm-status")).to_have_text("Published")
    expect(page.locator("#pm-document")).to_contain_text("Bob forgot to enable the canary stage.")
    expect(page.locator("#pm-markdown")).to_have_count(0)  # read-only
    screenshot(page, "postmortem-published")


def test_it_shows_both_texts_when_two_people_edit_at_once(live_app, new_page, scripted_incident, bob):
    from incidents import actions as incident_actions
    from postmortems import actions

    incident_actions.resolve(scripted_incident, actor=bob)
    actions.draft_postmortem(scripted_incident.pk)
    editor_url = f"{live_app.url}/incidents/{scripted_incident.pk}/postmortem/"
    pages = []
    for username, password in (("alice", "pw-alice-123"), ("bob", "pw-bob-123")):
        page = new_page()
        login(page, live_app.url, username, password)
        page.goto(editor_url)
        pages.append(page)
    alice_page, bob_page = pages

    alice_page.locator("#pm-markdown").fill("Alice's version of the summary.")
    alice_page.get_by_role("button", name="Save", exact=True).click()
    expect(alice_page.locator("#pm-save-status")).to_contain_text("Saved version 2")

    bob_page.locator("#pm-markdown").fill("Bob's version of the summary.")
    bob_page.get_by_role("button", name="Save", exact=True).click()
    conflict = bob_page.locator("#pm-conflict")
    expect(conflict).to_contain_text("Your save was based on version 1, but Alice Ng saved version 2.")
    expect(conflict.get_by_label("Your text")).to_have_value("Bob's version of the summary.")
    expect(conflict.get_by_label("Current text")).to_have_value("Alice's version of the summary.")
    expect(bob_page.locator("#pm-preview")).to_contain_text(
        "Bob's version of the summary."
    )  # the preview follows the editor
    screenshot(bob_page, "postmortem-conflict")

    bob_page.get_by_role("button", name="Save mine over version 2").click()
    expect(bob_page.locator("#pm-save-status")).to_contain_text("Saved version 3")
    expect(conflict).to_be_empty()
