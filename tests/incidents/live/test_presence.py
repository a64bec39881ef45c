"""Presence outlives no process: rows of a server that stopped beating age out; the room page stays cheap."""

from datetime import timedelta

from django.utils import timezone

from incidents import actions
from incidents.live import presence
from incidents.models import RoomPresence


def test_it_forgets_the_sockets_of_a_process_that_stopped_beating(incident, alice, bob):
    presence.join(incident.pk, alice.pk, "specific.dead!1", server="dead-process")
    presence.join(incident.pk, bob.pk, "specific.alive!1", server="alive-process")
    RoomPresence.objects.update(seen_at=timezone.now() - presence.STALE_AFTER - timedelta(seconds=1))
    assert presence.heartbeat("alive-process") == 1
    assert [u.username for u in presence.viewers(incident.pk)] == ["bob"]
    assert presence.join(incident.pk, alice.pk, "specific.new!1") is True  # alice is back: the list changes
    assert not RoomPresence.objects.filter(server="dead-process").exists()


def test_it_shows_presence_in_the_room_with_few_queries(
    client, incident, alice, bob, carol, django_assert_max_num_queries
):
    for n, user in enumerate([bob, carol]):
        presence.join(incident.pk, user.pk, f"specific.tab!{n}")
    for n in range(30):
        actions.post_entry(incident, kind="note", body=f"note {n}", actor=bob)
    client.force_login(alice)
    # + 8 fixed queries for the restore panels (incidents/restore/panels.py), + 2 for who sees the incident (invited
    # members, the owning team's leads); presence adds none per person.
    with django_assert_max_num_queries(20 + 8 + 2):
        page = client.get(f"/incidents/{incident.pk}/")
    html = page.content.decode()
    for name in ["alice", "bob", "carol"]:
        assert f'data-user="{name}"' in html  # alice is loading the page: she is in the room
    assert 'id="live-status"' in html and f'data-live-url="/ws/incidents/{incident.pk}/"' in html
