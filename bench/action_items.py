"""Tracker speed as action items pile up: median time and query count per page, 1k → 20k items.

Runs in a throwaway test database (SQLite by default, PostgreSQL with DATABASE_URL). The query count
must not grow with the items; the time should grow far slower than the item count.
"""

import os
import statistics
import time

RUNS = 7
SIZES = [1_000, 5_000, 20_000]
PAGES = [
    "/action-items/",
    "/action-items/?status=all&sort=priority",
    "/action-items/?owner=bob&overdue=1",
    "/action-items/?group=owner&page=5",
]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        _run(connection)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def _run(connection) -> None:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from action_items.models import ActionItem
    from incidents import actions
    from incidents.models import Service

    User = get_user_model()
    users = [User.objects.create_user(n, f"{n}@example.com", "pw") for n in ("alice", "bob", "carol", "dave")]
    checkout = Service.objects.create(name="Checkout", slug="checkout")
    incidents = [
        actions.declare_incident(actor=users[0], title=f"Outage {n}", severity="SEV2", services=[checkout])
        for n in range(50)
    ]
    client = Client()
    client.force_login(users[0])
    today = timezone.localdate()

    print(f"database: {connection.vendor}; median of {RUNS} runs per page\n")
    print(f"| {'items':>6} | {'page':<40} | {'median ms':>9} | {'queries':>7} |")
    print(f"|{'-' * 8}|{'-' * 42}|{'-' * 11}|{'-' * 9}|")
    have, first, last = 0, {}, {}
    for size in SIZES:
        ActionItem.objects.bulk_create(
            [
                ActionItem(
                    incident=incidents[n % 50],
                    title=f"Add alert {n}",
                    description="Pages on-call within 5 minutes.",
                    owner=users[n % 4],
                    due_date=today + timedelta(days=(n % 90) - 30),
                    priority=f"P{n % 4 + 1}",
                    type=ActionItem.Type.values[n % 4],
                    status=ActionItem.State.values[n % 4],
                    wont_do_reason="Not needed." if n % 4 == 3 else "",
                )
                for n in range(have, size)
            ],
            batch_size=2000,
        )
        have = size
        for page in PAGES:
            client.get(page)  # warm
            times = []
            for _ in range(RUNS):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(page)
                    times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
            median = statistics.median(times)
            first.setdefault(page, median)
            last[page] = median
            print(f"| {size:>6} | {page:<40} | {median:>9.1f} | {len(queries.captured_queries):>7} |")
    print(f"\nmedian time at {SIZES[-1]:,} items / at {SIZES[0]:,} items (items ×{SIZES[-1] // SIZES[0]}):")
    for page in PAGES:
        print(f"  {page:<40} ×{last[page] / first[page]:.2f}")
