"""Sessions end when access ends: every way a person loses access closes their open sockets within seconds,
a private room's frames never reach a non-member, and a socket cannot be made to replay the record in a loop."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from incidents import actions
from incidents.live.consumers import CLOSE_ACCESS_ENDED, CLOSE_NOT_VISIBLE, RESUME_BURST
from incidents.models import ApiToken, TokenScope
from warroom.asgi import application

from .test_consumers import ORIGIN, drain, entry_ids, layer_per_test, post  # noqa: F401  (the fixture is autouse)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def signed_in(user):
    """A browser's client and the handshake headers of its session."""
    client = Client()
    client.force_login(user)
    headers = [
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
        (b"origin", ORIGIN.encode()),
        (b"host", b"127.0.0.1:8000"),
    ]
    return client, headers


async def open_room(incident, headers):
    communicator = WebsocketCommunicator(application, f"/ws/incidents/{incident.pk}/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    await drain(communicator)
    return communicator


async def closed_with(communicator, timeout=3) -> int | None:
    """The close code the server sent, skipping frames that came before it."""
    while True:
        message = await communicator.receive_output(timeout=timeout)
        if message["type"] == "websocket.close":
            return message.get("code")


async def test_signing_out_closes_the_sessions_sockets(incident, alice):
    client, headers = await sync_to_async(signed_in)(alice)
    room = await open_room(incident, headers)
    await sync_to_async(client.post)("/logout/")
    assert await closed_with(room) == CLOSE_ACCESS_ENDED


async def test_signing_out_leaves_the_persons_other_sessions_open(incident, alice):
    laptop, laptop_headers = await sync_to_async(signed_in)(alice)
    _, phone_headers = await sync_to_async(signed_in)(alice)
    laptop_room = await open_room(incident, laptop_headers)
    phone_room = await open_room(incident, phone_headers)
    await sync_to_async(laptop.post)("/logout/")
    assert await closed_with(laptop_room) == CLOSE_ACCESS_ENDED
    entry = await post(incident, kind="note", body="Still watching from the phone.", actor=alice)
    assert entry_ids(await drain(phone_room)) == [entry.pk]
    await phone_room.disconnect()


async def test_deactivation_closes_every_socket_of_the_person(incident, alice, bob):
    _, headers = await sync_to_async(signed_in)(bob)
    browser = await open_room(incident, headers)
    raw = (await sync_to_async(ApiToken.issue)(bob, name="bot"))[1]
    bot = await open_room(incident, [(b"authorization", f"Bearer {raw}".encode())])
    bob.is_active = False
    await sync_to_async(bob.save)()
    assert await closed_with(browser) == CLOSE_ACCESS_ENDED
    assert await closed_with(bot) == CLOSE_ACCESS_ENDED


async def test_a_password_change_closes_the_persons_sockets(incident, bob):
    _, headers = await sync_to_async(signed_in)(bob)
    room = await open_room(incident, headers)

    def change():
        bob.set_password("a-new-long-password-9")
        bob.save()

    await sync_to_async(change)()
    assert await closed_with(room) == CLOSE_ACCESS_ENDED


async def test_revoking_a_token_closes_its_sockets_only(incident, alice, bob):
    token, raw = await sync_to_async(actions.issue_token)(bob, name="bot")
    _, other = await sync_to_async(ApiToken.issue)(bob, name="other bot")
    revoked_bot = await open_room(incident, [(b"authorization", f"Bearer {raw}".encode())])
    other_bot = await open_room(incident, [(b"authorization", f"Bearer {other}".encode())])
    await sync_to_async(actions.revoke_token)(token, actor=bob)
    assert await closed_with(revoked_bot) == CLOSE_ACCESS_ENDED
    entry = await post(incident, kind="note", body="The other bot still hears this.", actor=alice)
    assert entry_ids(await drain(other_bot)) == [entry.pk]
    await other_bot.disconnect()


async def test_an_expiring_token_closes_its_socket_when_it_expires(incident, bob):
    raw = (await sync_to_async(ApiToken.issue)(bob, name="bot", expires_at=timezone.now() + timedelta(seconds=1)))[1]
    bot = await open_room(incident, [(b"authorization", f"Bearer {raw}".encode())])
    assert await closed_with(bot, timeout=4) == CLOSE_ACCESS_ENDED


async def test_making_the_incident_private_closes_non_members_and_keeps_members(incident, alice, bob, carol):
    _, bob_headers = await sync_to_async(signed_in)(bob)
    _, carol_headers = await sync_to_async(signed_in)(carol)
    bob_room = await open_room(incident, bob_headers)
    carol_room = await open_room(incident, carol_headers)
    await sync_to_async(actions.add_member)(incident, user=carol, actor=alice)
    await drain(carol_room)
    await drain(bob_room)
    await sync_to_async(actions.set_visibility)(incident, visibility="private", actor=alice)
    assert await closed_with(bob_room) == CLOSE_NOT_VISIBLE
    secret = await post(incident, kind="finding", body="The leaked key belongs to a customer.", actor=alice)
    frames = await drain(carol_room)
    assert secret.pk in entry_ids(frames)
    await carol_room.disconnect()


async def test_removing_a_member_from_a_private_incident_closes_their_socket(alice, bob, checkout):
    incident = await sync_to_async(actions.declare_incident)(
        actor=alice, title="Customer data exposure", severity="SEV1", visibility="private"
    )
    await sync_to_async(actions.add_member)(incident, user=bob, actor=alice)
    _, headers = await sync_to_async(signed_in)(bob)
    room = await open_room(incident, headers)
    await sync_to_async(actions.remove_member)(incident, user=bob, actor=alice)
    assert await closed_with(room) == CLOSE_NOT_VISIBLE


async def test_a_non_member_cannot_open_a_private_room(alice, bob):
    incident = await sync_to_async(actions.declare_incident)(
        actor=alice, title="Customer data exposure", severity="SEV1", visibility="private"
    )
    _, headers = await sync_to_async(signed_in)(bob)
    communicator = WebsocketCommunicator(application, f"/ws/incidents/{incident.pk}/", headers=headers)
    connected, _ = await communicator.connect()
    assert not connected


@pytest.mark.parametrize(
    "origin,allowed",
    [
        ("http://127.0.0.1:8000", True),
        ("http://127.0.0.1:9999", False),  # another port is another site
        ("https://127.0.0.1:8000", False),  # another scheme too
        ("http://127.0.0.1", False),
        ("http://evil.example:8000", False),
        ("null", False),
    ],
)
async def test_the_origin_must_match_scheme_host_and_port(incident, alice, origin, allowed):
    _, headers = await sync_to_async(signed_in)(alice)
    headers = [h for h in headers if h[0] != b"origin"] + [(b"origin", origin.encode())]
    communicator = WebsocketCommunicator(application, f"/ws/incidents/{incident.pk}/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected == allowed
    if connected:
        await communicator.disconnect()


async def test_a_flood_of_resume_frames_is_not_honoured(incident, observer, alice):
    for n in range(5):
        await post(incident, kind="note", body=f"Entry {n}", actor=alice)
    _, headers = await sync_to_async(signed_in)(observer)
    room = await open_room(incident, headers)
    for _ in range(50):
        await room.send_json_to({"type": "resume", "after": 0})
    frames = await drain(room, quiet=1.0)
    # Each honoured resume sends every entry again and then the room's state: only RESUME_BURST of 50 were.
    assert len(entry_ids(frames)) == RESUME_BURST * 6  # the declaration and the five notes
    await room.disconnect()


async def test_a_read_token_may_watch_the_room(incident, bob):
    raw = (await sync_to_async(ApiToken.issue)(bob, name="watcher", scope=TokenScope.READ))[1]
    bot = await open_room(incident, [(b"authorization", f"Bearer {raw}".encode())])
    await bot.disconnect()


async def test_a_relieved_role_holder_of_a_private_incident_loses_the_room(alice, bob):
    incident = await sync_to_async(actions.declare_incident)(
        actor=alice, title="Payroll file sent to the wrong bank", severity="SEV2", visibility="private"
    )
    await sync_to_async(actions.assign_role)(incident, role="scribe", user=bob, actor=alice)
    _, headers = await sync_to_async(signed_in)(bob)
    room = await open_room(incident, headers)
    await sync_to_async(actions.relieve_role)(incident, role="scribe", actor=alice)
    assert await closed_with(room) == CLOSE_NOT_VISIBLE


async def test_a_resume_frame_with_an_infinite_id_is_ignored_and_the_socket_lives(incident, alice):
    _, headers = await sync_to_async(signed_in)(alice)
    room = await open_room(incident, headers)
    await room.send_to(text_data='{"type": "resume", "after": 1e400}')
    entry = await post(incident, kind="note", body="Still connected.", actor=alice)
    assert entry_ids(await drain(room)) == [entry.pk]
    await room.disconnect()


async def test_a_handshake_while_the_channel_layer_is_down_is_refused_cleanly(incident, alice, settings):
    """Redis unreachable (nothing listens on port 9): the socket is refused, not answered with an HTTP 500."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]}}
    }
    channel_layers.backends.clear()
    _, headers = await sync_to_async(signed_in)(alice)
    communicator = WebsocketCommunicator(application, f"/ws/incidents/{incident.pk}/", headers=headers)
    connected, code = await communicator.connect(timeout=5)
    assert not connected
    assert code != 1011  # 1011 would be the server crashing on the handshake
