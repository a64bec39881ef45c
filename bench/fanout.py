"""Live fan-out: N sockets in one war room, one entry a second; latency from the POST to every socket.

Each configuration runs one ASGI server process in the production setup (Redis channel layer, the
configured database), N bot sockets in this process, entries posted through the JSON API at 1/s.
The same client harness then runs against a bare baseline broadcaster (bench/_baseline.py: plain
`websockets` fed by Redis pub/sub), and the table gives the ratio to it. Server memory per socket is
the growth of the server's RSS from before the sockets to after, divided by N.

Needs REDIS_URL. Knobs (environment): BENCH_SIZES=100,500,1000  BENCH_ENTRIES=10
BENCH_SERVERS=uvicorn,daphne  BENCH_LAYERS=core,pubsub. Run: `python -m bench fanout`.
"""

import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench._django import throwaway_database
from bench.processes import ROOT, ServerProcess, api_post, free_port

LAYERS = {"core": "channels_redis.core.RedisChannelLayer", "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer"}
ENTRY_ID = re.compile(r'id="entry-(\d+)"')
CONNECT_CHUNK = 100  # handshakes in flight at once while filling the room (tests cover 200 at once)
GRACE_SECONDS = 10


def _env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Audience:
    """N sockets and what each received: entry id → arrival times, once per socket."""

    def __init__(self):
        self.sockets = []
        self.readers = []
        self.arrivals: dict[int, list[float]] = defaultdict(list)
        self.seen: dict[int, set[int]] = defaultdict(set)

    async def fill(self, url: str, count: int, headers: dict, resume_after: int | None) -> None:
        from websockets.asyncio.client import connect

        async def one():
            ws = await connect(url, additional_headers=headers, open_timeout=120, max_queue=None, ping_interval=None)
            if resume_after is not None:
                await ws.send(f'{{"type": "resume", "after": {resume_after}}}')
            return ws

        while len(self.sockets) < count:
            batch = min(CONNECT_CHUNK, count - len(self.sockets))
            self.sockets += await asyncio.gather(*(one() for _ in range(batch)))
        self.readers = [asyncio.create_task(self._read(i, ws)) for i, ws in enumerate(self.sockets)]

    async def _read(self, index: int, ws) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for frame in ws:
                now = time.perf_counter()
                for match in ENTRY_ID.findall(frame):
                    entry_id = int(match)
                    if index not in self.seen[entry_id]:
                        self.seen[entry_id].add(index)
                        self.arrivals[entry_id].append(now)
        except ConnectionClosed:
            pass

    async def wait_for(self, entry_ids: list[int], timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if all(len(self.seen[e]) == len(self.sockets) for e in entry_ids):
                return
            await asyncio.sleep(0.1)

    async def close(self) -> None:
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)
        for reader in self.readers:
            reader.cancel()


async def run_round(
    url: str, headers: dict, count: int, entries: int, post, pid: int, resume_after: int | None
) -> dict:
    """Fill the room, post `entries` at 1/s with `post() -> (t_post, entry_id)`, collect the figures."""
    before = rss_kib(pid)
    audience = Audience()
    await audience.fill(url, count, headers, resume_after)
    await asyncio.sleep(2)  # let the resume answers and presence settle
    per_socket = (rss_kib(pid) - before) / count
    posted: dict[int, float] = {}
    for _ in range(entries):
        tick = time.perf_counter()
        t_post, entry_id = await asyncio.to_thread(post)
        posted[entry_id] = t_post
        await asyncio.sleep(max(0.0, 1.0 - (time.perf_counter() - tick)))
    await audience.wait_for(list(posted), GRACE_SECONDS)
    await audience.close()
    latencies = [(t - posted[e]) * 1000 for e in posted for t in audience.arrivals[e]]
    lost = sum(count - len(audience.seen[e]) for e in posted)
    return {"latencies": latencies, "lost": lost, "kib_per_socket": per_socket}


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return (float("nan"),) * 3
    q = statistics.quantiles(values, n=100, method="inclusive")
    return q[49], q[94], q[98]


def _warroom_round(process: ServerProcess, incident_id: int, token: str, count: int, entries: int) -> dict:
    path = f"/incidents/{incident_id}/timeline"
    process.start()
    try:

        def post():
            t_post = time.perf_counter()
            return t_post, api_post(process.url, path, token, {"kind": "note", "body": "Error rate **38%**"})["id"]

        last = api_post(process.url, path, token, {"kind": "note", "body": "warm-up"})["id"]
        url = f"{process.ws_url}/ws/incidents/{incident_id}/"
        return asyncio.run(
            run_round(
                url, {"Authorization": f"Bearer {token}"}, count, entries, post, process.process.pid, resume_after=last
            )
        )
    except Exception as error:  # a configuration that breaks is a result too
        return {"error": f"{type(error).__name__}: {error}"[:60]}
    finally:
        process.stop()


def _baseline_round(redis_url: str, count: int, entries: int, frame: str) -> dict:
    import redis

    port, channel = free_port(), f"bench-baseline-{os.getpid()}"
    process = subprocess.Popen(
        [sys.executable, "-m", "bench._baseline", str(port), redis_url, channel],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready"
        publisher = redis.Redis.from_url(redis_url)
        counter = iter(range(10**9, 10**10))

        def post():
            entry_id = next(counter)
            t_post = time.perf_counter()
            publisher.publish(channel, frame.replace("__ID__", str(entry_id)))
            return t_post, entry_id

        return asyncio.run(run_round(f"ws://127.0.0.1:{port}/", {}, count, entries, post, process.pid, resume_after=0))
    finally:
        process.terminate()
        process.wait(timeout=15)


def _brief(result: dict) -> str:
    if "error" in result:
        return result["error"]
    p50, _, p99 = _percentiles(result["latencies"])
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, lost {result['lost']}, {result['kib_per_socket']:.0f} KiB/socket"


def main() -> None:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        print("skipped: the fan-out benchmark runs the production configuration and needs REDIS_URL")
        return
    sizes = [int(n) for n in _env_list("BENCH_SIZES", "100,500,1000")]
    entries = int(os.environ.get("BENCH_ENTRIES", "10"))
    servers, layers = _env_list("BENCH_SERVERS", "uvicorn,daphne"), _env_list("BENCH_LAYERS", "core,pubsub")
    results = []
    with throwaway_database("bench_fanout") as database_url:
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.template.loader import render_to_string

        from incidents import actions
        from incidents.models import ApiToken

        user = get_user_model().objects.create_user("fanout-bot")
        _, token = ApiToken.issue(user, name="bench")
        incident = actions.declare_incident(actor=user, title="Fan-out benchmark", severity="SEV2")
        sample = actions.post_entry(
            incident, kind="note", body="Error rate **38%** on checkout since 14:02; rolling back.", actor=user
        )
        frame = re.sub(
            r"entry-\d+", "entry-__ID__", render_to_string("incidents/room.html#entry-oob", {"entry": sample})
        )
        frame = frame.replace(f'data-entry-id="{sample.pk}"', 'data-entry-id="__ID__"')
        connection.close()  # the servers own the database now

        for server in servers:
            for layer in layers:
                for count in sizes:
                    env = {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "CHANNEL_LAYER_BACKEND": LAYERS[layer]}
                    # A fresh room per round: the layer's group keeps no members from an earlier round's server.
                    room = actions.declare_incident(
                        actor=user, title=f"Fan-out {server}/{layer}/{count}", severity="SEV2"
                    )
                    connection.close()
                    results.append(
                        (
                            server,
                            layer,
                            count,
                            _warroom_round(ServerProcess(env, server), room.pk, token, count, entries),
                        )
                    )
                    print(f"  done: {server}/{layer} N={count}: {_brief(results[-1][3])}", flush=True)
        for count in sizes:
            results.append(("baseline", "pub/sub", count, _baseline_round(redis_url, count, entries, frame)))
            print(f"  done: baseline N={count}: {_brief(results[-1][3])}", flush=True)

    baseline = {count: _percentiles(r["latencies"]) for s, _, count, r in results if s == "baseline"}
    print(
        f"\n{entries} entries at 1/s per row; latency = POST (or Redis PUBLISH for the baseline) → frame at each socket"
    )
    head = f"{'server':<9}{'layer':<8}{'N':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'lost':>6}{'KiB/sock':>10}{'×base p50':>11}{'×base p99':>11}"
    print(head)
    print("-" * len(head))
    for server, layer, count, r in results:
        if "error" in r:
            print(f"{server:<9}{layer:<8}{count:>6}  failed: {r['error']}")
            continue
        p50, p95, p99 = _percentiles(r["latencies"])
        b50, _, b99 = baseline[count]
        print(
            f"{server:<9}{layer:<8}{count:>6}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{r['lost']:>6}{r['kib_per_socket']:>10.1f}"
            f"{p50 / b50:>11.1f}{p99 / b99:>11.1f}"
        )


if __name__ == "__main__":
    main()
