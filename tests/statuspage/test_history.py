"""History: the 90-day bar per component with its uptime, and the page of past public incidents, both in a
constant number of queries (measured at 10 and at 1,000 past incidents)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents import actions
from incidents.models import Incident, Service, StatusUpdate
from statuspage import actions as status_actions
from statuspage import history, public

from .conftest import approved

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def told(incident, at, state, component):
    """An approved external update, published at `at`."""
    update = approved(incident, status=f"{state}.", public_state=state, component_state=component)
    StatusUpdate.objects.filter(pk=update.pk).update(published_at=at)


def bars(now=NOW):
    return {
        row.component.service.slug: row
        for row in history.component_history(public.snapshot(now=now).components, now=now)
    }


def test_it_colours_each_day_by_the_worst_state_customers_were_told(incident, alice, checkout):
    start = NOW - timedelta(days=3, hours=2)  # 2026-06-27 10:00
    told(incident, start, "investigating", "major_outage")
    told(incident, start + timedelta(hours=1), "identified", "partial_outage")
    told(incident, start + timedelta(hours=3), "resolved", "operational")
    actions.resolve(incident, actor=alice)
    row = bars()["checkout"]
    assert len(row.days) == 90 and row.days[-1].day == NOW.date() and row.days[0].day == NOW.date() - timedelta(days=89)
    day = next(d for d in row.days if d.day == start.date())
    assert day.state == "major_outage" and day.minutes == {"major_outage": 60, "partial_outage": 120}
    assert day.title == "2026-06-27: Major outage 1h 00m, Partial outage 2h 00m"
    assert {d.state for d in row.days if d.day != start.date()} == {"operational"}
    minutes = 90 * 24 * 60 - 12 * 60  # the window runs from 90 days ago at midnight to now
    assert row.uptime == pytest.approx(100 * (1 - (60 + 0.3 * 120) / minutes))
    assert row.uptime_text == "99.93%"


def test_an_open_incident_runs_until_now_across_midnight(incident, alice):
    told(incident, NOW - timedelta(hours=14), "investigating", "degraded_performance")  # yesterday 22:00
    row = bars()["checkout"]
    assert row.days[-2].minutes == {"degraded_performance": 120} and row.days[-1].minutes == {
        "degraded_performance": 720
    }
    assert row.uptime == 100.0  # degraded performance is up


def test_maintenance_shows_on_its_days(checkout, alice):
    start = timezone.now() - timedelta(hours=1)
    window = status_actions.schedule_maintenance(
        title="Upgrade",
        body="x",
        services=["checkout"],
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        actor=alice,
    )
    now = window.started_at + timedelta(minutes=30)
    status_actions.complete_maintenance(window.pk, now=now)
    row = bars(now=now + timedelta(minutes=1))["checkout"]
    told_days = [d for d in row.days if d.minutes]  # one day, or two when the window crossed midnight
    assert {d.state for d in told_days} == {"under_maintenance"}
    assert sum(d.minutes["under_maintenance"] for d in told_days) == 30
    assert row.uptime == 100.0


def test_it_shows_the_bars_on_the_status_page(public_incident):
    html = Client().get("/status/").content.decode()
    assert html.count('class="day day-') == 90 and 'class="day day-partial_outage"' in html
    # The outage began seconds ago: today is marked, the uptime (to two decimals) not yet dented.
    assert 'role="img" aria-label="Checkout, last 90 days: 100.00% uptime"' in html


# --- constant queries at 10 and 1,000 past incidents ----------------------------------------------------------------


def add_past_incidents(count, checkout, alice):
    """`count` resolved incidents over the last 80 days, each with two approved external updates (bulk, for speed)."""
    now = timezone.now()
    incidents = Incident.objects.bulk_create(
        [
            Incident(
                title=f"Internal title {n}",
                severity="SEV3",
                status="resolved",
                started_at=now - timedelta(days=n % 80, hours=3),
                declared_at=now - timedelta(days=n % 80, hours=3),
                resolved_at=now - timedelta(days=n % 80, hours=1),
            )
            for n in range(count)
        ]
    )
    Incident.services.through.objects.bulk_create(
        [Incident.services.through(incident_id=i.pk, service_id=checkout.pk) for i in incidents]
    )
    updates = []
    for incident in incidents:
        for offset, state, component in [(0, "investigating", "partial_outage"), (2, "resolved", "operational")]:
            at = incident.declared_at + timedelta(hours=offset)
            updates.append(
                StatusUpdate(
                    incident=incident,
                    audience="external",
                    state="published",
                    headline=f"Checkout slow {incident.pk}",
                    public_state=state,
                    component_state=component,
                    status=f"{state}.",
                    html=f"<p>{state}.</p>",
                    author=alice,
                    approved_by=alice,
                    published_at=at,
                    created_at=at,
                )
            )
    StatusUpdate.objects.bulk_create(updates)


@pytest.mark.parametrize("path", ["/status/", "/status/history/"])
def test_history_takes_the_same_queries_at_10_and_at_1000_past_incidents(checkout, alice, path):
    add_past_incidents(10, checkout, alice)
    with CaptureQueriesContext(connection) as ten:
        assert Client().get(path).status_code == 200
    add_past_incidents(990, checkout, alice)
    with CaptureQueriesContext(connection) as thousand:
        page = Client().get(path).content.decode()
    assert len(thousand.captured_queries) == len(ten.captured_queries) <= 12
    if path == "/status/":
        assert page.count('class="day day-partial_outage"') == 80  # a past incident on each of the last 80 days
    else:
        assert page.count('class="card public-incident"') == 25 and 'rel="next"' in page


def test_the_history_page_lists_past_incidents_newest_first(public_incident, alice):
    approved(public_incident, status="Fixed.", public_state="resolved", component_state="operational")
    actions.resolve(public_incident, actor=alice)
    other = actions.declare_incident(
        actor=alice, title="Later", severity="SEV3", services=[Service.objects.create(name="Search", slug="search")]
    )
    approved(other, status="Slow search.")
    html = Client().get("/status/history/").content.decode()
    assert "Problems with Checkout" in html  # the name its last approved update gave it
    assert "Slow search." not in html  # still open: on the status page, not in the history
    assert "Fixed." in html and "We are investigating errors at checkout." in html
    assert 'rel="next"' not in html and 'rel="prev"' not in html
