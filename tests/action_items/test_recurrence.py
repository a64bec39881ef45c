"""An incident on a service that still has open items from earlier incidents is flagged as a possible recurrence."""

import pytest
from django.test import Client

from action_items import actions as item_actions
from action_items.recurrence import recurrence_for
from incidents import actions
from incidents.models import EntryKind, Service


@pytest.fixture
def search(db):
    return Service.objects.create(name="Search", slug="search")


def test_it_flags_a_new_incident_on_a_service_with_open_items(incident, alice, bob, checkout, raise_item):
    raise_item(incident, bob)
    raise_item(incident, bob, title="Document the failover")
    done = raise_item(incident, bob, title="Fix the retry storm")
    item_actions.update_action_item(done, actor=alice, status="done")
    again = actions.declare_incident(actor=alice, title="Checkout 500s again", severity="SEV2", services=[checkout])
    assert recurrence_for(again) == [{"incident_id": incident.pk, "title": "Checkout returns 500", "open_items": 2}]
    note = again.entries.get(kind=EntryKind.SYSTEM)
    assert note.body == f"This may be a recurrence of {incident.ref} (Checkout returns 500; 2 action items still open)."


def test_it_does_not_flag_other_services_closed_items_or_later_incidents(
    incident, alice, bob, checkout, search, raise_item
):
    item = raise_item(incident, bob)
    elsewhere = actions.declare_incident(actor=alice, title="Search is slow", severity="SEV3", services=[search])
    assert recurrence_for(elsewhere) == []
    assert not elsewhere.entries.filter(kind=EntryKind.SYSTEM).exists()
    assert recurrence_for(incident) == []  # an incident is not a recurrence of itself or of later ones
    item_actions.update_action_item(item, actor=alice, status="wont_do", reason="Service replaced.")
    later = actions.declare_incident(actor=alice, title="Checkout 500s again", severity="SEV2", services=[checkout])
    assert recurrence_for(later) == []


def test_it_counts_each_item_once_when_incidents_share_several_services(
    alice, bob, checkout, search, raise_item, django_assert_num_queries
):
    first = actions.declare_incident(
        actor=alice, title="Checkout and search down", severity="SEV1", services=[checkout, search]
    )
    raise_item(first, bob)
    second = actions.declare_incident(actor=alice, title="Search errors", severity="SEV2", services=[search])
    raise_item(second, bob, title="Tune the search cache")
    third = actions.declare_incident(actor=alice, title="Both again", severity="SEV2", services=[checkout, search])
    with django_assert_num_queries(1):
        found = recurrence_for(third)
    assert found == [
        {"incident_id": second.pk, "title": "Search errors", "open_items": 1},
        {"incident_id": first.pk, "title": "Checkout and search down", "open_items": 1},
    ]
    assert "recurrence of " + second.ref in third.entries.get(kind=EntryKind.SYSTEM).body


def test_it_shows_the_recurrence_banner_in_the_room(incident, alice, bob, checkout, raise_item):
    raise_item(incident, bob)
    again = actions.declare_incident(actor=alice, title="Checkout 500s again", severity="SEV2", services=[checkout])
    client = Client()
    client.force_login(alice)
    html = client.get(again.get_absolute_url()).content.decode()
    assert "This may be a recurrence</strong> of" in html
    assert f'href="/incidents/{incident.pk}/">{incident.ref}</a> (Checkout returns 500)' in html
    assert f'href="/action-items/?incident={incident.pk}">1 action item still open</a>' in html
    assert "This may be a recurrence" not in client.get(incident.get_absolute_url()).content.decode()
