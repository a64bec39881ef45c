"""In Chromium with the Content-Security-Policy on: declaring, the room, posting, live entries, the executive
summary's Print button and the API docs all work, and the browser reports no violation of the policy."""

import pytest
from playwright.sync_api import expect

from incidents import actions
from incidents.models import Incident
from tests.conftest import login, screenshot

pytestmark = pytest.mark.browser


def watch_csp(page) -> list[str]:
    """Every console message in which Chromium reports a Content-Security-Policy violation."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return violations


def test_the_room_works_under_the_policy(new_page, live_app, alice, bob, checkout):
    page = new_page()
    violations = watch_csp(page)
    response = page.goto(f"{live_app.url}/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    login(page, live_app.url, "alice", "pw-alice-123")

    page.get_by_role("link", name="Declare incident").click()
    page.get_by_label("Title").fill("Search is slow")
    page.locator("label.sev-option", has_text="SEV3").click()
    page.get_by_role("button", name="Declare and open the war room").click()
    incident = Incident.objects.get()
    page.wait_for_url(f"{live_app.url}/incidents/{incident.pk}/")
    expect(page.locator("#live-status")).to_contain_text("Live")

    # Posting goes through htmx (no reload); an entry from elsewhere arrives over the socket.
    box = page.get_by_label("Write to the timeline")
    box.fill("Index rebuild is running")
    box.press("Enter")
    expect(page.locator("#timeline .entry", has_text="Index rebuild is running")).to_have_count(1)
    expect(box).to_have_value("")
    actions.post_entry(incident, kind="note", body="Bob here, watching the shards", actor=bob)
    expect(page.locator("#timeline .entry", has_text="Bob here, watching the shards")).to_have_count(1)
    assert page.url == f"{live_app.url}/incidents/{incident.pk}/"
    screenshot(page, "accounts-csp-room")

    # The summary's Print button is wired from the static script, not an inline handler.
    page.goto(f"{live_app.url}/incidents/{incident.pk}/summary/")
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    page.get_by_role("button", name="Print").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")

    assert violations == []


def test_the_api_docs_load_from_static_files_under_the_policy(new_page, live_app, alice):
    page = new_page()
    violations = watch_csp(page)
    foreign = []
    page.on(
        "request", lambda request: foreign.append(request.url) if not request.url.startswith(live_app.url) else None
    )
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .title")).to_contain_text("Warroom API")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/audit")).to_have_count(1)
    screenshot(page, "accounts-api-docs")
    assert foreign == []  # no CDN
    assert violations == []


def test_the_admin_and_its_audit_log_work_under_the_policy(new_page, live_app, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", "root-pw-123")
    page = new_page()
    violations = watch_csp(page)
    login(page, live_app.url, "root", "root-pw-123")
    page.goto(f"{live_app.url}/admin/incidents/auditevent/")
    expect(page.locator("#result_list")).to_contain_text("root")  # this sign-in is the first line
    page.locator("#changelist-filter").get_by_role("link", name="login", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    screenshot(page, "accounts-audit-admin")
    page.goto(f"{live_app.url}/admin/auth/user/")
    page.locator("select[name=action]").select_option("unlock_sign_in")
    expect(page.locator("select[name=action]")).to_have_value("unlock_sign_in")
    assert violations == []


def test_the_other_pages_hold_nothing_the_policy_blocks(new_page, live_app, alice, postmortem):
    from postmortems import actions as pm_actions

    top = pm_actions.add_factor(postmortem, text="Deploys skip the canary", actor=alice)
    pm_actions.add_factor(postmortem, text="The canary stage was removed last spring", actor=alice, parent_id=top.pk)
    page = new_page()
    violations = watch_csp(page)
    login(page, live_app.url, "alice", "pw-alice-123")
    incident = postmortem.incident
    # The factor tree indents by depth through classes (no inline style): the child sits further right.
    page.goto(f"{live_app.url}/incidents/{incident.pk}/postmortem/")
    indent = page.eval_on_selector_all(".factor", "els => els.map(e => parseFloat(getComputedStyle(e).paddingLeft))")
    assert len(indent) == 2 and indent[1] > indent[0]
    for path in ("/action-items/", "/status/", f"/incidents/{incident.pk}/summary/", "/incidents/?tab=resolved"):
        page.goto(f"{live_app.url}{path}")
        page.wait_for_load_state("load")
    assert violations == []
