"""Nothing of the room reaches a public surface: no incident title or summary, no names, no internal updates,
no drafts, on the page, an incident's page, the feeds and every Statuspage endpoint."""

import json

import pytest
from django.test import Client

from incidents import actions
from statuspage import actions as status_actions

from .conftest import ENDPOINTS, LEAKS, approved

PUBLIC_PATHS = [
    "/status/",
    "/status/history/",
    "/status/subscribe/",
    "/status/incidents/{pk}/",
    "/status/history.rss",
    "/status/history.atom",
    *(f"/status/api/v2/{endpoint}" for endpoint in ENDPOINTS),
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_it_never_shows_the_room_on_a_public_surface(public_incident, maintenance_window, path):
    response = Client().get(path.format(pk=public_incident.pk))
    assert response.status_code == 200
    text = response.content.decode()
    found = [leak for leak in LEAKS + ["alice@example.com", "Ortiz"] if leak in text]
    assert found == []
    assert "Checkout" in text or path.endswith(("status.json", "upcoming.json", "active.json", "/history/"))


def test_it_has_no_public_page_for_an_incident_without_an_approved_update(incident):
    assert Client().get(f"/status/incidents/{incident.pk}/").status_code == 404


@pytest.fixture
def private_incident(alice, checkout):
    incident = actions.declare_incident(
        actor=alice, title="Acquisition-related outage", severity="SEV2", services=[checkout], visibility="private"
    )
    approved(
        incident,
        status="Some payments are failing; we are on it.",
        headline="Payments failing after the Globex migration",
    )
    return incident


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_a_private_incident_speaks_only_through_its_approved_updates(private_incident, path):
    text = Client().get(path.format(pk=private_incident.pk)).content.decode()
    assert "Acquisition" not in text and "Globex" not in text  # neither its title nor its headline
    speaks = ("/status/", "/status/incidents/{pk}/", "/status/history.rss", "/status/history.atom")
    if path in speaks or path.endswith(("summary.json", "incidents.json", "unresolved.json")):
        assert "Service disruption" in text and "Some payments are failing; we are on it." in text


def test_a_private_incident_still_marks_its_components(private_incident):
    components = Client().get("/status/api/v2/components.json").json()["components"]
    assert [(c["name"], c["status"]) for c in components] == [("Checkout", "partial_outage")]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_a_drill_never_reaches_a_public_surface(alice, checkout, path):
    drill = actions.declare_incident(actor=alice, title="Game day", severity="SEV2", services=[checkout], is_drill=True)
    approved(drill, status="DRILL: checkout is down.")
    response = Client().get(path.format(pk=drill.pk))
    assert "DRILL" not in response.content.decode() and "Checkout" not in response.content.decode()
    assert response.status_code == (404 if "incidents/{pk}" in path else 200)


def test_subscribers_are_told_nothing_of_the_room(public_incident, maintenance_window):
    """What mail and webhooks carry: the notice of the approved update and of the maintenance window."""
    update = public_incident.status_updates.get(audience="external", state="published")
    notices = [
        status_actions.notify_update(update.pk),
        status_actions.notify_maintenance(maintenance_window.pk, "scheduled"),
    ]
    for notice in notices:
        text = " ".join([notice.subject, notice.text, json.dumps(notice.payload)])
        assert [leak for leak in LEAKS + ["alice@example.com", "Ortiz"] if leak in text] == []
    assert "We are investigating errors at checkout." in notices[0].text
