"""The restore stage in a real browser: assess, accept the severity, roll back the deploy before impact,
record the outcome, mark mitigated — and the header shows the time to mitigate."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents import actions
from tests.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_it_restores_service_from_the_room(new_page, live_app, alice, checkout):
    started = timezone.now() - timedelta(hours=2)
    incident = actions.declare_incident(
        actor=alice, title="Checkout returns 500", severity="SEV2", services=[checkout], started_at=started
    )
    actions.record_deploy(
        service=checkout, version="v2.4.0", deployed_by="ci-bot", deployed_at=started - timedelta(hours=5)
    )
    culprit = actions.record_deploy(
        service=checkout,
        version="v2.4.1",
        deployed_by="ci-bot",
        url="https://ci.example/run/7",
        deployed_at=started - timedelta(minutes=8),
    )
    page = new_page()
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}/incidents/{incident.pk}/")

    impact = page.locator("#impact-form")
    impact.get_by_label("Users affected (%)").fill("40")
    impact.get_by_label("Core business flow down").check()
    impact.get_by_role("button", name="Assess").click()
    summary = page.locator("#impact-summary")
    expect(summary).to_contain_text("core Checkout flow down and 40% of users affected → SEV1")
    summary.get_by_role("button", name="Accept SEV1").click()
    expect(page.locator("#room-header .sev")).to_have_text("SEV1")

    deploy_row = page.locator(f"#deploy-{culprit.pk}")
    expect(deploy_row).to_contain_text("last deploy before impact")
    screenshot(page, "restore-recovery-panel")
    deploy_row.get_by_role("link", name="Roll back").click()
    form = page.locator("#decision-new #decision-form")
    expect(form.get_by_label("Chosen option")).to_have_value("Roll back Checkout from v2.4.1")
    form.get_by_label("Time-box (minutes)").fill("15")
    form.get_by_role("button", name="Decide now (IC)").click()

    decision = page.locator("#decision-list .decision.state-decided")
    expect(decision).to_contain_text("Roll back Checkout from v2.4.1")
    expect(decision).to_contain_text("Time-box ends")
    decision.get_by_label("Outcome note").fill("5xx back to baseline")
    decision.get_by_role("button", name="Worked").click()
    expect(page.locator("#decision-list")).to_contain_text("No open decisions")
    expect(page.locator("#timeline")).to_contain_text("recorded the outcome of")

    theories = page.locator(".theories")
    theories.get_by_text("Add a theory").click()
    theories.get_by_label("Hypothesis").fill("Connection pool exhausted")
    theories.get_by_role("button", name="Add theory").click()
    theories.locator("#theory-list .theory").get_by_role("button", name="Rule out").click()
    expect(theories.locator("#theory-list s.hypothesis")).to_have_text("Connection pool exhausted")

    page.locator("#room-header").get_by_role("button", name="Mitigated").click()
    headline = page.locator("#room-header .clock.headline dd")
    expect(headline).to_have_text(re.compile(r"^2h 0\dm$"))
    expect(page.locator("#lifecycle")).to_contain_text(
        re.compile(r"Mitigated\s*\d{4}-\d\d-\d\d \d\d:\d\d UTC \+2h 0\dm")
    )
    expect(page.locator("#recovery-panel")).to_have_class(re.compile(r"\bmitigated\b"))
    screenshot(page, "restore-mitigated")
    screenshot_dark = new_page(color_scheme="dark")
    login(screenshot_dark, live_app.url, "alice", "pw-alice-123")
    screenshot_dark.goto(f"{live_app.url}/incidents/{incident.pk}/")
    screenshot(screenshot_dark, "restore-mitigated-dark")


def test_it_hands_command_over_when_the_new_ic_accepts(new_page, live_app, alice, bob, checkout):
    incident = actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3", services=[checkout])
    actions.assign_role(incident, role="tech_lead", user=bob, actor=alice)
    room_url = f"{live_app.url}/incidents/{incident.pk}/"
    alice_page = new_page()
    login(alice_page, live_app.url, "alice", "pw-alice-123")
    alice_page.goto(room_url)
    commander = alice_page.locator("#role-commander")
    commander.get_by_label("Offer command to").select_option(label="bob")
    commander.get_by_role("button", name="Offer command").click()
    # The refusal is shown next to the control that was refused, not at the top of the room.
    refusal = alice_page.locator("#role-commander .field-error")
    expect(refusal).to_contain_text("Bob Ortiz is Tech Lead and cannot also be Incident Commander")
    screenshot(alice_page, "roles-refusal-next-to-control")

    alice_page.locator("#role-tech_lead").get_by_role("button", name="Relieve").click()
    expect(alice_page.locator("#role-tech_lead")).to_contain_text("held by the IC")
    commander = alice_page.locator("#role-commander")
    commander.get_by_label("Offer command to").select_option(label="bob")
    commander.get_by_role("button", name="Offer command").click()
    expect(alice_page.locator("#handoff-pending")).to_contain_text("Command offered to Bob Ortiz")
    expect(alice_page.locator("#role-commander .holder")).to_have_text("Alice Ng")

    bob_page = new_page()
    login(bob_page, live_app.url, "bob", "pw-bob-123")
    bob_page.goto(room_url)
    # Only the IC offers command: bob sees no offer control, only his acceptance.
    expect(bob_page.locator("#role-commander").get_by_role("button", name="Offer command")).to_be_hidden()
    bob_page.get_by_role("button", name="Accept command (bob)").click()
    expect(bob_page.locator("#role-commander .holder")).to_have_text("Bob Ortiz")
    briefing = bob_page.locator("#timeline .entry.kind-briefing")
    expect(briefing).to_contain_text("Hand-off briefing for Bob Ortiz")
    expect(briefing).to_contain_text("Severity: SEV3; status: Investigating")
    screenshot(bob_page, "restore-handoff-briefing")
