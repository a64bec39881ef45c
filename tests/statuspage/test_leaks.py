"""Nothing of the room reaches a public surface: no incident title or summary, no names, no internal updates,
no drafts, on the page, an incident's page, the feeds and every Statuspage endpoint."""

import pytest
from django.test import Client

from .conftest import ENDPOINTS, LEAKS

PUBLIC_PATHS = [
    "/status/",
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
    assert "Checkout" in text or path.endswith(("status.json", "upcoming.json", "active.json"))


def test_it_has_no_public_page_for_an_incident_without_an_approved_update(incident):
    assert Client().get(f"/status/incidents/{incident.pk}/").status_code == 404
