"""In Chromium: the public status page with an incident, maintenance in progress and upcoming, light and dark,
on a desktop and a phone, without JavaScript."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents import actions
from incidents.models import Incident, Service, StatusUpdate
from statuspage import actions as status_actions
from tests.conftest import screenshot
from tests.statuspage.conftest import approved

pytestmark = pytest.mark.browser


@pytest.fixture
def page_with_maintenance(incident, alice, checkout):
    search = Service.objects.create(name="Search", slug="search")
    approved(incident, status="We are investigating errors at checkout.", headline="Checkout errors")
    now = timezone.now()
    nine_am = now.replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=12)  # never across midnight
    # A resolved incident on Search twelve days ago, told in two approved updates: a red and orange day on its bar.
    past = actions.declare_incident(actor=alice, title="Index corruption", severity="SEV1", services=[search])
    for hours, state, component in [(0, "investigating", "major_outage"), (2, "monitoring", "partial_outage")]:
        update = approved(past, status=f"Search {state}.", public_state=state, component_state=component)
        StatusUpdate.objects.filter(pk=update.pk).update(published_at=nine_am + timedelta(hours=hours))
    actions.resolve(past, actor=alice)
    Incident.objects.filter(pk=past.pk).update(resolved_at=nine_am + timedelta(hours=5))
    status_actions.schedule_maintenance(
        title="Search reindex",
        body="Search results may be **stale** for up to an hour.",
        services=["search"],
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=50),
        actor=alice,
    )
    status_actions.schedule_maintenance(
        title="Database upgrade",
        body="Checkout may be slow for a few minutes.",
        services=["checkout"],
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=1),
        actor=alice,
    )
    return search


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_shows_maintenance_in_progress_and_components_under_maintenance(
    live_app, new_page, page_with_maintenance, scheme
):
    page = new_page(color_scheme=scheme)
    page.goto(f"{live_app.url}/status/")
    assert page.locator(".status-overall").inner_text() == "Partial outage on some services"
    assert page.locator("#component-search .component-state").inner_text() == "Under maintenance"
    assert page.locator("#component-checkout .component-state").inner_text() == "Partial outage"
    active = page.locator("#maintenance-active-h + .public-maintenance")
    assert "Search reindex" in active.inner_text() and active.locator("strong", has_text="stale").count() == 1
    assert "Database upgrade" in page.locator("#maintenance-upcoming-h + .public-maintenance").inner_text()
    bar = page.locator("#component-search .history-bar")
    assert bar.locator(".day").count() == 90
    assert bar.locator(".day-major_outage").count() == 1  # twelve days ago, the outage and the partial recovery
    assert "day-under_maintenance" in bar.locator(".day").last.get_attribute("class")  # today
    assert bar.get_attribute("aria-label").startswith("Search, last 90 days: 99.8")
    screenshot(page, f"statuspage-maintenance-{scheme}")


def test_it_reads_on_a_phone_without_javascript(live_app, chromium, page_with_maintenance):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_app.url}/status/")
        assert page.locator("#component-search .component-state").inner_text() == "Under maintenance"
        for selector in ("main", ".components", ".public-maintenance"):
            box = page.locator(selector).first.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, selector  # nothing wider than the phone
        screenshot(page, "statuspage-phone")
    finally:
        context.close()
