"""The live room across real server processes on the machine's Redis and PostgreSQL.

An entry posted through one process reaches sockets held by another; the two known traps of the
Redis channel layer (idle sockets dropped after ~5 s, connection bursts over a pool cap) do not bite.
"""

import asyncio

import pytest
from django.conf import settings

from bench.processes import ServerProcess, api_post, database_url_for, open_room_sockets, wait_for_entry
from incidents.models import ApiToken
from tests.conftest import login, require_services

pytestmark = [pytest.mark.integration, require_services("DATABASE_URL", "REDIS_URL")]


@pytest.fixture(scope="module")
def two_servers(django_db_setup, django_db_blocker):
    """Processes A and B, on the test database (committed data only: tests here are transactional)."""
    env = {"DATABASE_URL": database_url_for(settings.DATABASES["default"]["NAME"])}
    servers = [ServerProcess(env).start(), ServerProcess(env).start()]
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def room(transactional_db, incident, bob):
    _, token = ApiToken.issue(bob, name="integration")
    return incident, token


def post_note(server, incident, token, body):
    return api_post(server.url, f"/incidents/{incident.pk}/timeline", token, {"kind": "note", "body": body})["id"]


def test_it_delivers_an_entry_posted_through_process_b_to_a_socket_on_process_a(two_servers, room):
    a, b = two_servers
    incident, token = room

    async def scenario():
        [ws] = await open_room_sockets(a.ws_url, incident.pk, token, 1, after=0)
        entry_id = await asyncio.to_thread(post_note, b, incident, token, "posted through B")
        received = await wait_for_entry(ws, entry_id)
        await ws.close()
        return received

    assert asyncio.run(scenario())


@pytest.mark.browser
def test_it_shows_a_browser_on_process_a_an_entry_posted_through_process_b(two_servers, room, chromium):
    from playwright.sync_api import expect

    a, b = two_servers
    incident, token = room
    context = chromium.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, a.url, "alice", "pw-alice-123")
    page.goto(f"{a.url}/incidents/{incident.pk}/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    post_note(b, incident, token, "Posted through process B")
    expect(page.locator("#timeline .entry-body", has_text="Posted through process B")).to_have_count(1)
    context.close()


def test_it_keeps_an_idle_socket_past_ten_seconds(two_servers, room):
    a, b = two_servers
    incident, token = room

    async def scenario():
        [ws] = await open_room_sockets(a.ws_url, incident.pk, token, 1)
        await asyncio.sleep(12)  # longer than the ~5 s read timeout that drops idle consumers (the trap)
        entry_id = await asyncio.to_thread(post_note, b, incident, token, "after a quiet spell")
        received = await wait_for_entry(ws, entry_id)
        await ws.close()
        return received

    assert asyncio.run(scenario())


def test_it_takes_two_hundred_sockets_at_once_and_reaches_them_all(two_servers, room):
    a, b = two_servers
    incident, token = room

    async def scenario():
        sockets = await open_room_sockets(a.ws_url, incident.pk, token, 200)  # all handshakes in flight together
        entry_id = await asyncio.to_thread(post_note, b, incident, token, "to all two hundred")
        received = await asyncio.gather(*(wait_for_entry(ws, entry_id) for ws in sockets))
        await asyncio.gather(*(ws.close() for ws in sockets))
        return received

    received = asyncio.run(scenario())
    assert len(received) == 200 and all(received)
