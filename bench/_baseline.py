"""The bare baseline broadcaster for bench/fanout.py: a plain `websockets` server fed by Redis pub/sub.

No Django, no auth, no database: every message published on the Redis channel goes to every socket.
Run as `python -m bench._baseline <port> <redis url> <channel>`.
"""

import asyncio
import sys

import redis.asyncio as redis
from websockets.asyncio.server import broadcast, serve


async def main(port: int, redis_url: str, channel: str) -> None:
    clients = set()

    async def handler(ws):
        clients.add(ws)
        try:
            async for _ in ws:  # a resume frame, ignored: the baseline has no history
                pass
        finally:
            clients.discard(ws)

    pubsub = redis.from_url(redis_url).pubsub()
    await pubsub.subscribe(channel)
    async with serve(handler, "127.0.0.1", port, max_queue=None, ping_interval=None):
        print("ready", flush=True)
        async for message in pubsub.listen():
            if message["type"] == "message":
                broadcast(clients, message["data"].decode())


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
