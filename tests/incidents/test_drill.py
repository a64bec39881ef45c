"""Marking an incident a drill, or real again: one action, one timeline entry, a control and a badge in the room."""

import pytest
from django.test import Client

from incidents import actions
from incidents.models import EntryKind
from warroom.errors import ActionConflict


def test_it_marks_a_drill_and_records_who_did(incident, alice):
    actions.set_drill(incident, is_drill=True, actor=alice)
    incident.refresh_from_db()
    assert incident.is_drill
    entry = incident.entries.order_by("-pk").first()
    assert entry.kind == EntryKind.SYSTEM
    assert entry.body == "Alice Ng marked the incident a drill."
    assert entry.metadata == {"is_drill": True}
    actions.set_drill(incident, is_drill=False, actor=alice)
    incident.refresh_from_db()
    assert not incident.is_drill


def test_it_refuses_to_mark_twice(incident, alice):
    with pytest.raises(ActionConflict):
        actions.set_drill(incident, is_drill=False, actor=alice)
    assert incident.entries.count() == 1


def test_the_room_control_marks_it_and_shows_the_badge(incident, alice, observer):
    client = Client()
    client.force_login(alice)
    room = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Mark as drill" in room and 'id="drill-badge"' not in room
    response = client.post(f"/incidents/{incident.pk}/drill/", {"is_drill": "true"})
    assert response.status_code == 302
    room = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'id="drill-badge"' in room and "Not a drill" in room

    watcher = Client()
    watcher.force_login(observer)
    assert watcher.post(f"/incidents/{incident.pk}/drill/", {"is_drill": "false"}).status_code == 403
    incident.refresh_from_db()
    assert incident.is_drill


def test_the_htmx_answer_carries_the_header_with_the_badge(incident, alice):
    client = Client()
    client.force_login(alice)
    response = client.post(f"/incidents/{incident.pk}/drill/", {"is_drill": "true"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="room-header"' in html and 'id="drill-badge"' in html
