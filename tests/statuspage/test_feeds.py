"""The history feeds, /status/history.rss and /status/history.atom, parsed by feedparser."""

import feedparser
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from incidents.comms import actions as comms

from .conftest import add_public_incidents, approved

FEEDS = ["/status/history.rss", "/status/history.atom"]


def parse(path):
    response = Client().get(path)
    assert response.status_code == 200
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize("path", FEEDS)
def test_it_serves_a_well_formed_feed_of_public_updates_only(public_incident, maintenance_window, path):
    response, feed = parse(path)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == ("rss20" if path.endswith(".rss") else "atom10")
    assert response["Content-Type"].startswith(
        "application/rss+xml" if path.endswith(".rss") else "application/atom+xml"
    )
    assert feed.feed.title == "Service status"
    titles = sorted(entry.title for entry in feed.entries)
    assert titles == ["Checkout errors: Investigating", "Database upgrade (Scheduled)"]
    update = next(e for e in feed.entries if e.title.startswith("Checkout"))
    assert "We are investigating errors at checkout." in update.summary
    assert update.link.startswith(f"http://127.0.0.1:8000/status/incidents/{public_incident.pk}/#update-")
    assert update.id != update.link and update.published_parsed is not None
    window = next(e for e in feed.entries if e.title.startswith("Database"))
    assert "<strong>slow</strong>" in window.summary and "UTC" in window.summary


@pytest.mark.parametrize("path", FEEDS)
def test_it_adds_one_item_per_approved_update(public_incident, alice, path):
    approved(public_incident, status="Fixed.", public_state="resolved", component_state="operational")
    comms.post_update(public_incident, actor=alice, audience="external", status="Another draft nobody approved.")
    comms.post_update(public_incident, actor=alice, audience="internal", status="Internal chatter.")
    _, feed = parse(path)
    assert [e.title for e in feed.entries] == ["Problems with Checkout: Resolved", "Checkout errors: Investigating"]


@pytest.mark.parametrize("path", FEEDS)
def test_it_renders_a_feed_in_a_constant_number_of_queries(public_incident, maintenance_window, alice, path):
    with CaptureQueriesContext(connection) as few:
        Client().get(path)
    add_public_incidents(alice, 8)
    with CaptureQueriesContext(connection) as many:
        _, feed = parse(path)
    assert len(many.captured_queries) == len(few.captured_queries) <= 8
    assert len(feed.entries) == 10
