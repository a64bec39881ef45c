"""The war-room page of a long incident: server time and queries with 100 and with 5,000 entries.

The page shows the latest entries and loads older ones on demand, so neither the query count nor
the time may grow with the length of the record. Run: `python -m bench room`.
"""

import statistics
import time

from bench._django import throwaway_database

RUNS = 20


def _measure(client, url: str) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm templates and caches
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            answer = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.status_code
    return statistics.median(timings), max(timings), len(queries), len(answer.content)


def main() -> None:
    with throwaway_database("bench_room"):
        from django.contrib.auth import get_user_model
        from django.test import Client

        from incidents import actions

        user = get_user_model().objects.create_user("bench", password="pw-bench-123")
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        incident = actions.declare_incident(actor=user, title="Checkout returns 500", severity="SEV1")
        rows = []
        for size in (100, 5_000):
            while incident.entries.count() < size:
                actions.post_entry(
                    incident,
                    kind="note",
                    body=f"Entry {incident.entries.count()}: error rate **{size % 97}%**",
                    actor=user,
                )
            oldest_shown = incident.entries.order_by("-pk")[99].pk
            for label, url in (
                ("room page", f"/incidents/{incident.pk}/"),
                ("load older", f"/incidents/{incident.pk}/entries/older/?before={oldest_shown}"),
            ):
                median, worst, queries, size_bytes = _measure(client, url)
                rows.append((size, label, median, worst, queries, size_bytes // 1024))

    from django.db import connection

    print(f"database: {connection.vendor}; {RUNS} requests each, in-process (no network)")
    print(f"{'entries':>8}  {'request':<11} {'median ms':>10} {'max ms':>8} {'queries':>8} {'KiB':>5}")
    for size, label, median, worst, queries, kib in rows:
        print(f"{size:>8}  {label:<11} {median:>10.1f} {worst:>8.1f} {queries:>8} {kib:>5}")


if __name__ == "__main__":
    main()
