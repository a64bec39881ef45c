"""The live room socket: who may connect, what it pushes, and that a client never misses an entry."""

import re

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client

from incidents import actions
from incidents.live import broadcast
from incidents.models import ApiToken, RoomPresence
from warroom.asgi import application

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

ORIGIN = "http://127.0.0.1:8000"
ENTRY_ID = re.compile(r'id="entry-(\d+)"')


@pytest.fixture(autouse=True)
def layer_per_test(settings):
    """Each test runs on its own event loop, as a server process would; a layer (Redis pools, locks)
    belongs to one loop, so each test gets a fresh one."""
    from channels.layers import channel_layers

    # The consumer's database threads close their connections, so the test database can be dropped.
    for alias in settings.DATABASES:
        settings.DATABASES[alias]["CONN_MAX_AGE"] = 0
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def _session_headers(user, origin=ORIGIN):
    client = Client()
    client.force_login(user)
    headers = [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]
    if origin:
        headers.append((b"origin", origin.encode()))
    headers.append((b"host", b"127.0.0.1:8000"))  # a browser always sends Host; the origin must match it
    return headers


def _bearer_headers(user):
    return [(b"authorization", f"Bearer {ApiToken.issue(user)[1]}".encode())]


async def open_room(incident, headers):
    communicator = WebsocketCommunicator(application, f"/ws/incidents/{incident.pk}/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


async def join_as(user, incident, *, after=None):
    """A browser: session cookie and our Origin; resumes after `after` when given."""
    communicator, connected = await open_room(incident, await sync_to_async(_session_headers)(user))
    assert connected
    if after is not None:
        await communicator.send_json_to({"type": "resume", "after": after})
    return communicator


async def drain(communicator, quiet=0.4) -> list[str]:
    """Every frame that arrives until the socket has been quiet for `quiet` seconds."""
    frames = []
    while not await communicator.receive_nothing(timeout=quiet):
        frames.append(await communicator.receive_from())
    return frames


def entry_ids(frames, after=0) -> list[int]:
    """Entry ids in the frames, in order; with `after`, only the later ones (a resume may also resend
    entries of the last few seconds, which committed late: the client ignores ids it already shows)."""
    return [int(match) for frame in frames for match in ENTRY_ID.findall(frame) if int(match) > after]


post = sync_to_async(actions.post_entry)


async def last_entry_id(incident) -> int:
    return await sync_to_async(lambda: incident.entries.order_by("pk").last().pk)()


# --- who may connect --------------------------------------------------------------------------------


async def test_it_refuses_anonymous_sockets(incident):
    communicator, connected = await open_room(incident, [(b"origin", ORIGIN.encode())])
    assert not connected


async def test_it_refuses_a_session_from_a_foreign_origin(incident, alice):
    headers = await sync_to_async(_session_headers)(alice, origin="https://evil.example")
    communicator, connected = await open_room(incident, headers)
    assert not connected


async def test_it_refuses_a_session_without_origin(incident, alice):
    communicator, connected = await open_room(incident, await sync_to_async(_session_headers)(alice, origin=None))
    assert not connected


async def test_it_refuses_a_revoked_or_unknown_token(incident, alice):
    communicator, connected = await open_room(incident, [(b"authorization", b"Bearer wr_not-a-token")])
    assert not connected


async def test_it_refuses_a_deactivated_user(incident, bob):
    headers = await sync_to_async(_bearer_headers)(bob)
    bob.is_active = False
    await sync_to_async(bob.save)()
    communicator, connected = await open_room(incident, headers)
    assert not connected


async def test_it_refuses_an_incident_that_does_not_exist(incident, alice):
    headers = await sync_to_async(_session_headers)(alice)
    communicator = WebsocketCommunicator(application, f"/ws/incidents/{incident.pk + 1000}/", headers=headers)
    connected, _ = await communicator.connect()
    assert not connected


async def test_it_lets_a_bot_in_with_a_bearer_token_and_no_origin(incident, bob, carol):
    bot, connected = await open_room(incident, await sync_to_async(_bearer_headers)(bob))
    assert connected
    await drain(bot)
    entry = await post(incident, kind="finding", body="p99 latency is **4 s** on checkout", actor=carol)
    frames = await drain(bot)
    assert entry_ids(frames) == [entry.pk]
    assert "<strong>4 s</strong>" in frames[0]
    await bot.disconnect()


async def test_it_lets_an_observer_watch(incident, observer):
    communicator = await join_as(observer, incident)
    await communicator.disconnect()


# --- live push ------------------------------------------------------------------------------------


async def test_it_pushes_every_new_entry_and_panel_to_every_open_room(incident, alice, bob):
    after = await last_entry_id(incident)
    rooms = [await join_as(alice, incident, after=after), await join_as(bob, incident, after=after)]
    for room in rooms:
        await drain(room)
    entry = await post(incident, kind="note", body="rolling back v2.4.1", actor=bob)
    await sync_to_async(actions.change_severity)(incident, severity="SEV1", actor=alice)
    for room in rooms:
        frames = await drain(room)
        assert entry_ids(frames)[0] == entry.pk
        assert len(entry_ids(frames)) == 2  # the note, then the severity change
        assert any('id="room-header"' in f and "SEV1" in f and 'hx-swap-oob="true"' in f for f in frames)
        assert any('id="comms-panel"' in f and "SEV1 default: every 15 min" in f for f in frames)
        await room.disconnect()


async def test_it_renders_an_entry_once_for_all_sockets(incident, alice, bob):
    """The same bytes reach every socket: broadcast renders, consumers only forward."""
    rooms = [await join_as(alice, incident), await join_as(bob, incident)]
    for room in rooms:
        await drain(room)
    await post(incident, kind="note", body="one render", actor=alice)
    first, second = [(await drain(room))[0] for room in rooms]
    assert first == second and 'hx-swap-oob="beforeend:#timeline"' in first
    for room in rooms:
        await room.disconnect()


# --- never miss an entry --------------------------------------------------------------------------


async def test_it_replays_missed_entries_oldest_first_then_continues_live(incident, alice, bob):
    seen = await last_entry_id(incident)
    missed = [await post(incident, kind="note", body=f"while away {n}", actor=bob) for n in range(3)]
    room = await join_as(alice, incident, after=seen)
    frames = await drain(room)
    assert entry_ids(frames, after=seen) == [e.pk for e in missed]
    state = [f for f in frames if 'id="room-header"' in f]
    assert len(state) == 1 and 'id="presence-list"' in state[0]  # then the room as it is now
    live = await post(incident, kind="note", body="back live", actor=bob)
    assert entry_ids(await drain(room)) == [live.pk]
    await room.disconnect()


async def test_it_replays_a_long_gap_in_batches_without_losing_one(incident, alice, bob, settings):
    from incidents.live import replay as live

    seen = await last_entry_id(incident)
    missed = [await post(incident, kind="note", body=f"n{n}", actor=bob) for n in range(live.REPLAY_BATCH + 5)]
    room = await join_as(alice, incident, after=seen)
    assert entry_ids(await drain(room), after=seen) == [e.pk for e in missed]
    await room.disconnect()


async def test_it_sends_an_entry_once_when_its_live_copy_arrives_after_the_replay(incident, alice, bob):
    seen = await last_entry_id(incident)
    room = await join_as(alice, incident)
    await drain(room)
    channel = await sync_to_async(lambda: RoomPresence.objects.get(user=alice).channel_name)()
    layer = get_channel_layer()
    group = broadcast.group_name(incident.pk)
    await layer.group_discard(group, channel)  # this socket misses the live copy for now
    entry = await post(incident, kind="note", body="late broadcast", actor=bob)
    await layer.group_add(group, channel)
    await room.send_json_to({"type": "resume", "after": seen})
    assert entry_ids(await drain(room), after=seen) == [entry.pk]
    # The commit's broadcast reaches the group only now (a slow on_commit): the socket must not repeat it.
    await sync_to_async(broadcast.send_batch)(incident.pk, [entry.pk], [])
    assert await drain(room) == []
    await room.disconnect()


async def test_it_catches_up_from_the_record_when_the_layer_dropped_messages(incident, alice, bob):
    seen = await last_entry_id(incident)
    room = await join_as(alice, incident, after=seen)
    await drain(room)
    channel = await sync_to_async(lambda: RoomPresence.objects.get(user=alice).channel_name)()
    layer = get_channel_layer()
    group = broadcast.group_name(incident.pk)
    # As when the socket's buffer in the layer is full: two entries never reach this socket.
    await layer.group_discard(group, channel)
    dropped = [await post(incident, kind="note", body=f"dropped {n}", actor=bob) for n in range(2)]
    await layer.group_add(group, channel)
    after_gap = await post(incident, kind="note", body="after the gap", actor=bob)
    assert entry_ids(await drain(room)) == [*(e.pk for e in dropped), after_gap.pk]
    await room.disconnect()


async def test_it_resends_recent_entries_that_may_have_committed_after_a_later_one(incident, alice, bob):
    racing = await post(incident, kind="note", body="slow transaction", actor=bob)
    later = await post(incident, kind="note", body="fast transaction", actor=bob)
    room = await join_as(alice, incident, after=later.pk)
    ids = entry_ids(await drain(room))
    assert racing.pk in ids and ids == sorted(ids)
    await room.disconnect()


async def test_it_ignores_malformed_frames(incident, alice):
    room = await join_as(alice, incident)
    await drain(room)
    await room.send_to(text_data="not json")
    await room.send_json_to({"type": "resume", "after": "yesterday"})
    await room.send_json_to(["resume"])
    assert await drain(room) == []
    await room.disconnect()


# --- presence ----------------------------------------------------------------------------------------


async def test_it_shows_who_is_in_the_room_and_updates_it_live(incident, alice, bob):
    alices = await join_as(alice, incident)
    frames = await drain(alices)
    assert len(frames) == 1 and 'data-user="alice"' in frames[0] and 'data-user="bob"' not in frames[0]
    bobs = await join_as(bob, incident)
    frames = await drain(alices)
    assert 'data-user="alice"' in frames[-1] and 'data-user="bob"' in frames[-1]
    second_tab = await join_as(bob, incident)
    assert await drain(alices) == []  # same people: nothing to push
    await second_tab.disconnect()
    assert await drain(alices) == []
    await bobs.disconnect()
    frames = await drain(alices)
    assert 'data-user="bob"' not in frames[-1] and 'data-user="alice"' in frames[-1]
    await alices.disconnect()
    assert await sync_to_async(RoomPresence.objects.count)() == 0


async def test_it_never_sends_an_observer_a_write_control(incident, alice, observer):
    after = await last_entry_id(incident)
    watcher = await join_as(observer, incident, after=after)
    writer = await join_as(alice, incident, after=after)
    for room in (watcher, writer):
        await drain(room)
    await sync_to_async(actions.change_severity)(incident, severity="SEV1", actor=alice)
    seen, written = await drain(watcher), await drain(writer)
    assert any('id="room-header"' in f and "SEV1" in f for f in seen)
    await sync_to_async(actions.post_entry)(incident, kind="note", body="watching the error rate", actor=alice)
    seen, written = seen + await drain(watcher), written + await drain(writer)
    write_controls = ("<form", "<button", 'class="button', "entry-promote")
    assert not any(control in f for f in seen for control in write_controls)
    assert any("<form" in f for f in written) and any("entry-promote" in f for f in written)
    await watcher.send_json_to({"type": "resume", "after": after})
    assert not any(control in f for f in await drain(watcher) for control in write_controls)
    for room in (watcher, writer):
        await room.disconnect()
