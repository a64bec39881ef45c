"""The Insights page with 100 and with 10,000 incidents (and their entries, updates, postmortems and action items):
median server time and query count. The query count must not grow with the incidents; the time grows with the
rows read, far slower than one query per incident would. Run: `python -m bench insights`.
"""

import statistics
import time
from datetime import timedelta

from bench._django import throwaway_database

RUNS = 5
SIZES = (100, 10_000)
PAGES = [
    ("page, 365 days", "/insights/?days=365"),
    ("page, one service", "/insights/?days=365&service=svc-1"),
    ("CSV export", "/insights/export.csv?days=365"),
    ("API", "/api/v1/insights?days=365"),
    ("/metrics scrape", "/metrics"),
]


def measure(client, url: str, headers: dict) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, headers=headers)  # warm templates and caches
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            answer = client.get(url, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (url, answer.status_code)
    return statistics.median(timings), len(queries)


def add_incidents(first: int, last: int, user, services) -> None:
    """Incidents `first`..`last - 1` over the past year: 5 entries, 3 updates, 2 items each; a postmortem if resolved."""
    from django.utils import timezone

    from action_items.models import ActionItem
    from incidents.models import Incident, StatusUpdate, TimelineEntry
    from postmortems.models import Postmortem

    now = timezone.now()
    incidents = []
    for n in range(first, last):
        start = now - timedelta(minutes=(n * 5231) % (360 * 24 * 60))
        resolved = n % 4 != 0
        incidents.append(
            Incident(
                title=f"Outage {n}",
                severity=f"SEV{n % 4 + 1}",
                status="resolved" if resolved else "mitigated",
                is_drill=n % 50 == 0,
                started_at=start,
                declared_at=start + timedelta(minutes=n % 9),
                acknowledged_at=start + timedelta(minutes=n % 9 + 2) if n % 2 else None,
                mitigated_at=start + timedelta(minutes=20 + n % 70),
                resolved_at=start + timedelta(minutes=90 + n % 300) if resolved else None,
                declared_by=user if n % 3 else None,
                team_id=services[n % len(services)].team_id,
            )
        )
    incidents = Incident.objects.bulk_create(incidents, batch_size=2000)
    Through = Incident.services.through
    Through.objects.bulk_create(
        [Through(incident_id=i.pk, service_id=services[n % len(services)].pk) for n, i in enumerate(incidents)],
        batch_size=2000,
    )
    entries, updates, items, postmortems = [], [], [], []
    for n, incident in enumerate(incidents):
        for k in range(5):
            entries.append(
                TimelineEntry(
                    incident=incident,
                    kind="declared" if k == 0 else "note",
                    actor=user if (k or incident.declared_by_id) else None,
                    body=f"Entry {k}",
                    html=f"<p>Entry {k}</p>",
                    occurred_at=incident.declared_at + timedelta(minutes=3 * k),
                )
            )
        for k, audience in enumerate(("internal", "external", "internal")):
            published = incident.declared_at + timedelta(minutes=8 + 25 * k + n % 6)
            updates.append(
                StatusUpdate(
                    incident=incident,
                    audience=audience,
                    state="published",
                    status="Investigating.",
                    html="<p>Investigating.</p>",
                    author=user,
                    created_at=published,
                    published_at=published,
                    answered_due_at=incident.declared_at + timedelta(minutes=30 * k + 30) if k else None,
                )
            )
        for k in range(2):
            done = (n + k) % 3 == 0
            items.append(
                ActionItem(
                    incident=incident,
                    title=f"Add alert {n}-{k}",
                    owner=user,
                    type="detect",
                    due_date=(incident.declared_at + timedelta(days=15 + k * 10)).date(),
                    status="done" if done else "open",
                    completed_at=incident.declared_at + timedelta(days=12 + n % 10) if done else None,
                )
            )
        if incident.resolved_at:
            postmortems.append(
                Postmortem(
                    incident=incident,
                    status="published" if n % 3 else "draft",
                    published_at=incident.resolved_at + timedelta(days=n % 6) if n % 3 else None,
                    review_due_at=incident.resolved_at + timedelta(days=3),
                )
            )
    TimelineEntry.objects.bulk_create(entries, batch_size=5000)
    StatusUpdate.objects.bulk_create(updates, batch_size=5000)
    ActionItem.objects.bulk_create(items, batch_size=5000)
    Postmortem.objects.bulk_create(postmortems, batch_size=5000)


def main() -> None:
    with throwaway_database("bench_insights"):
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        from incidents.models import ApiToken, Service, Team

        user = get_user_model().objects.create_user("bench", password="pw-bench-123")
        _, token = ApiToken.issue(user, name="bench")
        team = Team.objects.create(name="Payments", slug="payments")
        services = [Service.objects.create(name=f"Service {n}", slug=f"svc-{n}", team=team) for n in range(8)]
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        settings.METRICS_TOKEN = token  # the bench's /metrics scrape sends the same bearer as its API calls
        headers = {"Authorization": f"Bearer {token}"}
        rows, have = [], 0
        for size in SIZES:
            add_incidents(have, size, user, services)
            have = size
            for label, url in PAGES:
                median, queries = measure(client, url, headers if url.startswith(("/api/", "/metrics")) else {})
                rows.append((size, label, median, queries))

    from django.db import connection

    print(f"database: {connection.vendor}; median of {RUNS} requests each, in-process (no network)\n")
    print(f"| {'incidents':>9} | {'what':<18} | {'median ms':>9} | {'queries':>7} |")
    print(f"|{'-' * 11}|{'-' * 20}|{'-' * 11}|{'-' * 9}|")
    for size, label, median, queries in rows:
        print(f"| {size:>9,} | {label:<18} | {median:>9.1f} | {queries:>7} |")
    small = {label: (median, queries) for size, label, median, queries in rows if size == SIZES[0]}
    print(f"\n{SIZES[1] // SIZES[0]}x the incidents:")
    for size, label, median, queries in rows:
        if size == SIZES[1]:
            base_ms, base_q = small[label]
            print(f"  {label}: time x{median / base_ms:.1f}, queries {base_q} -> {queries}")
