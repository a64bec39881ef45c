"""The Insights page in real Chromium, light and dark: figures with definitions, charts, and a number's incidents."""

import pytest
from playwright.sync_api import expect

from incidents.models import Service
from tests.conftest import login, screenshot
from tests.insights.conftest import scripted, search, seed_history  # noqa: F401  (fixtures shared with the unit tests)

pytestmark = pytest.mark.browser


@pytest.fixture
def history(scripted, alice, checkout, search):  # noqa: F811
    payments_api = Service.objects.create(name="Payments API", slug="payments-api", team=checkout.team)
    return seed_history(alice, [checkout, search, payments_api], count=36, days=85)


def test_it_shows_the_figures_and_opens_the_incidents_behind_a_bar(live_app, new_page, history, alice):
    page = new_page()
    login(page, live_app.url, "alice", "pw-alice-123")
    page.get_by_role("link", name="Insights").click()
    page.wait_for_url(f"{live_app.url}/insights/")
    page.get_by_label("Period").select_option("90")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/insights/?days=90**")

    mitigate = page.locator("#figure-time_to_mitigate")
    expect(mitigate).to_contain_text("Time to mitigate")
    expect(mitigate).to_contain_text("From the start of impact")
    expect(page.locator("#figure-incidents .insight-value")).to_have_text("39")
    expect(page.get_by_role("img", name="Time to mitigate (p50), by week")).to_be_visible()
    expect(page.locator("#service-table")).to_contain_text("Payments API")
    screenshot(page, "insights-light")

    # The last bar of the incidents chart lists that week's incidents, each linked to its room.
    page.locator("svg[aria-labelledby^='chart-incidents-title'] a:has(rect.bar:not([height='0']))").last.click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()
    expect(page.locator("#behind-table")).to_contain_text("INC-")
    page.get_by_role("link", name="Back to Insights").click()
    expect(page.locator("#figure-incidents .insight-value")).to_have_text("39")


def test_it_reads_in_dark_mode_and_prints_without_the_controls(live_app, new_page, history, alice):
    page = new_page("dark")
    login(page, live_app.url, "alice", "pw-alice-123")
    page.goto(f"{live_app.url}/insights/?days=90&include_drills=true")
    expect(page.locator("#figure-incidents .insight-value")).to_have_text("40")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 18, 22)"
    bar = page.evaluate("getComputedStyle(document.querySelector('.insight-chart .bar')).fill")
    assert bar == "rgb(76, 141, 255)"  # the dark scheme's accent
    screenshot(page, "insights-dark")
    page.emulate_media(media="print")
    expect(page.locator(".insights-filters")).to_be_hidden()
    expect(page.locator("#weekly-table")).to_be_visible()
    card = page.evaluate("getComputedStyle(document.querySelector('.insight-card')).backgroundColor")
    assert card == "rgb(255, 255, 255)"  # paper is white even when the screen is dark
    screenshot(page, "insights-print")
