"""Alertmanager ingestion: deliveries per second accepted (202) and processed with their database writes,
p50/p99 of the accept, and the duplicate rows left after replaying every delivery (must be 0).

Runs against a throwaway test database (SQLite or the PostgreSQL of DATABASE_URL) through the real
webhook view, and the configured Celery broker with a real worker for processing.
`python -m bench ingest`; BENCH_GROUPS sets the number of alert groups (3 deliveries each).
"""

import json
import os
import statistics
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "integrations" / "payloads"


def deliveries(groups: int) -> list[dict]:
    """Per group: both alerts firing, one resolved, both resolved (the real captured sequence)."""
    shapes = [
        json.loads((SAMPLES / f"alertmanager-{n}.json").read_text()) for n in ("firing", "partly-resolved", "resolved")
    ]
    out = []
    for g in range(groups):
        for shape in shapes:
            body = json.loads(json.dumps(shape))
            body["groupKey"] = f'{{}}:{{alertname="CheckoutErrorRate", shard="{g}"}}'
            for alert in body["alerts"]:
                alert["fingerprint"] = f"{g:08x}{alert['fingerprint'][8:]}"
                # Half the groups name a service (they join its incident), half declare their own.
                if g % 2:
                    alert["labels"].pop("service", None)
                else:
                    alert["labels"]["service"] = f"svc-{g % 20}"
            out.append(body)
    return out


def counts() -> dict[str, int]:
    from incidents.models import Incident, TimelineEntry
    from integrations.models import Alert, AlertGroup

    return {
        "incidents": Incident.objects.count(),
        "alert groups": AlertGroup.objects.count(),
        "alerts": Alert.objects.count(),
        "timeline entries": TimelineEntry.objects.count(),
    }


def post_all(client, path: str, bodies: list[dict]) -> list[float]:
    latencies = []
    for body in bodies:
        raw = json.dumps(body)
        start = time.perf_counter()
        response = client.post(path, raw, content_type="application/json")
        latencies.append(time.perf_counter() - start)
        assert response.status_code == 202, response.content
    return latencies


def wait_processed(total: int) -> float:
    from integrations.models import Delivery

    start = time.perf_counter()
    while Delivery.objects.filter(status="received").exists():
        time.sleep(0.05)
    assert Delivery.objects.count() == total
    return time.perf_counter() - start


def percentiles(seconds: list[float]) -> str:
    ms = sorted(x * 1000 for x in seconds)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"{statistics.median(ms):.2f} ms / {p99:.2f} ms"


def run(groups: int) -> None:
    from celery.contrib.testing.worker import start_worker
    from django.contrib.auth import get_user_model
    from django.test import Client

    from incidents.models import Service
    from integrations.models import Delivery, Endpoint
    from warroom.celery import app

    for i in range(20):
        Service.objects.create(name=f"Service {i}", slug=f"svc-{i}")
    endpoint = Endpoint(kind="alertmanager", name="bench", commander=get_user_model().objects.create_user("oncall"))
    path = f"/hooks/alertmanager/{endpoint.issue_token()}"
    endpoint.save()
    bodies = deliveries(groups)
    client = Client()
    app.control.purge()
    # Warm up (imports, URL resolver, connections) with requests that write nothing: 404 and 400.
    assert client.post("/hooks/alertmanager/wh_unknown", "{}", content_type="application/json").status_code == 404
    assert client.post(path, "{}", content_type="application/json").status_code == 400

    t0 = time.perf_counter()
    accept = post_all(client, path, bodies)
    accept_wall = time.perf_counter() - t0
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        process_wall = wait_processed(len(bodies))
        written = counts()
        failed = Delivery.objects.exclude(status="processed").count()
        replay = post_all(client, path, bodies)
        wait_processed(2 * len(bodies))
    after = counts()
    duplicates = sum(after[k] - written[k] for k in written)

    db = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    broker = "Redis" if os.environ.get("REDIS_URL") else "memory"
    rows = [
        ("database / broker", f"{db} / {broker}"),
        ("alert groups × deliveries", f"{groups} × 3 = {len(bodies)} (then all replayed)"),
        ("accepted (202) per second", f"{len(bodies) / accept_wall:,.0f}"),
        ("accept latency p50 / p99, queue only", percentiles(accept)),
        ("accept latency p50 / p99, worker writing too (replay)", percentiles(replay)),
        ("processed per second (1 solo worker)", f"{len(bodies) / process_wall:,.0f}"),
        ("rows written", ", ".join(f"{v} {k}" for k, v in written.items())),
        ("failed deliveries", str(failed)),
        ("duplicate rows after replaying every delivery", str(duplicates)),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    if duplicates or failed:
        raise SystemExit("ingestion wrote duplicates or failed deliveries")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.settings_dict["NAME"]
    # Its own throwaway database, so a benchmark never collides with a test run.
    test = connection.settings_dict.setdefault("TEST", {})
    test["NAME"] = str(settings.VAR_DIR / "bench.sqlite3") if connection.vendor == "sqlite" else f"bench_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(int(os.environ.get("BENCH_GROUPS", "200")))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
