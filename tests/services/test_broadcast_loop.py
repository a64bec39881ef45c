"""In a Celery worker, broadcasts go through one long-lived event loop, so the Redis layer keeps its
connections (an async_to_sync per send would open a loop and a Redis connection every time)."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from incidents.live import broadcast
from tests.conftest import require_services

pytestmark = pytest.mark.integration


@require_services("REDIS_URL")
def test_it_sends_every_broadcast_through_one_private_loop(monkeypatch):
    monkeypatch.setattr(broadcast, "_use_private_loop", False)
    monkeypatch.setattr(broadcast, "_private", None)
    layer = get_channel_layer()

    async def subscribe():
        channel = await layer.new_channel()
        await layer.group_add(broadcast.group_name(987654), channel)
        return channel

    async def receive_two(channel):
        return [await asyncio.wait_for(layer.receive(channel), 5) for _ in range(2)]

    channel = async_to_sync(subscribe)()
    broadcast.use_private_loop()  # what the worker_init signal does in a Celery worker
    broadcast.group_send(987654, {"type": "room.html", "html": "<p id='a'>one</p>"})
    loop = broadcast.worker_loop()
    broadcast.group_send(987654, {"type": "room.html", "html": "<p id='b'>two</p>"})
    assert broadcast.worker_loop() is loop and loop.is_running()
    assert [m["html"] for m in async_to_sync(receive_two)(channel)] == ["<p id='a'>one</p>", "<p id='b'>two</p>"]
    loop.call_soon_threadsafe(loop.stop)
