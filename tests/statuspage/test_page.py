"""The public status page: approved external updates, component states and maintenance; never the room."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from incidents import actions
from incidents.comms import actions as comms
from incidents.models import Incident, Service

from .conftest import LEAKS, approved


def test_it_shows_the_status_page_without_login(public_incident):
    page = Client().get("/status/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Checkout errors" in html and "We are investigating errors at checkout." in html
    assert "Investigating" in html and "Partial outage" in html


@pytest.mark.parametrize("leak", LEAKS)
def test_it_never_shows_internal_text_on_the_status_page(public_incident, leak):
    html = Client().get("/status/").content.decode()
    assert leak not in html


def test_it_shows_operational_components_when_nothing_is_public(incident):
    Service.objects.create(name="Search", slug="search")
    html = Client().get("/status/").content.decode()
    assert "All systems operational" in html
    assert "Partial outage" not in html  # an incident without an approved external update is not public
    assert "Checkout returns 500" not in html
    assert "Search" not in html and "Checkout" not in html  # internal service names stay internal until published


def test_it_lists_only_the_services_of_published_incidents_as_components(public_incident):
    Service.objects.create(name="Internal Kafka", slug="kafka")
    html = Client().get("/status/").content.decode()
    assert "Checkout" in html and "Internal Kafka" not in html


def test_it_moves_a_resolved_incident_to_recently_resolved(public_incident, alice, bob):
    draft = comms.post_update(
        public_incident,
        actor=bob,
        audience="external",
        status="Resolved.",
        public_state="resolved",
        component_state="operational",
    )
    comms.approve_update(draft, actor=alice)
    actions.resolve(public_incident, actor=alice)
    html = Client().get("/status/").content.decode()
    assert "Recently resolved" in html and "Current incidents" not in html and "All systems operational" in html


def test_it_drops_old_resolved_incidents_from_the_status_page(public_incident, alice):
    actions.resolve(public_incident, actor=alice)
    Incident.objects.filter(pk=public_incident.pk).update(resolved_at=timezone.now() - timedelta(days=30))
    assert "Checkout errors" not in Client().get("/status/").content.decode()


def test_it_renders_the_status_page_in_constant_queries(public_incident, alice, django_assert_max_num_queries):
    for n in range(5):
        other = actions.declare_incident(
            actor=alice,
            title=f"Other {n}",
            severity="SEV3",
            services=[Service.objects.create(name=f"S{n}", slug=f"s{n}")],
        )
        approved(other, status=f"Issue {n}")
    with django_assert_max_num_queries(12):  # the snapshot, the 90-day history and the session
        Client().get("/status/")
