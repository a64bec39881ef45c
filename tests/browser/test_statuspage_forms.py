"""In Chromium: a responder schedules maintenance from the top bar's Maintenance page and the public page lists
it; a customer subscribes from the status page (double opt-in: the page promises a link, nothing more)."""

from datetime import UTC, datetime, timedelta

import pytest

from statuspage.models import Maintenance, Subscriber
from tests.conftest import login, screenshot
from tests.statuspage.conftest import approved

pytestmark = pytest.mark.browser


def test_a_responder_schedules_maintenance_and_customers_see_it(live_app, new_page, alice, checkout):
    page = new_page()
    login(page, live_app.url, "alice", "pw-alice-123")
    page.get_by_role("link", name="Maintenance").click()
    form = page.locator("#maintenance-form")
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    form.get_by_label("Title").fill("Database upgrade")
    form.get_by_label("Public text").fill("Checkout may be slow for a few minutes.")
    form.get_by_label("Checkout").check()
    form.get_by_label("Start (UTC)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("End (UTC)").fill((start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="Schedule").click()
    page.locator(".field-ends_at .field-error", has_text="The end must be after the start.").wait_for()
    screenshot(page, "statuspage-maintenance-form-error")

    page.locator("#maintenance-form").get_by_label("End (UTC)").fill(
        (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.locator("#maintenance-form").get_by_role("button", name="Schedule").click()
    page.get_by_text("Scheduled “Database upgrade”").wait_for()
    assert "Scheduled" in page.locator(".maintenance-table").inner_text()
    assert Maintenance.objects.get().starts_at == start

    public = new_page()
    public.goto(f"{live_app.url}/status/")
    assert "Database upgrade" in public.locator("#maintenance-upcoming-h + .public-maintenance").inner_text()


def test_a_customer_subscribes_from_the_status_page(live_app, new_page, public_update):
    page = new_page(color_scheme="dark")
    page.goto(f"{live_app.url}/status/")
    form = page.locator("#subscribe-form")
    form.get_by_label("Email address").fill("carol@example.com")
    form.get_by_label("Checkout").check()
    form.get_by_role("button", name="Subscribe").click()
    page.locator("#subscription-message", has_text="a confirmation link is on its way").wait_for()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "carol@example.com" and subscriber.confirmed_at is None
    assert [s.slug for s in subscriber.services.all()] == ["checkout"]
    screenshot(page, "statuspage-subscribed-dark")


@pytest.fixture
def public_update(incident, alice):

    approved(incident, status="Investigating errors.")
    return incident
