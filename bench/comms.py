"""Reminder sweeper and status page at scale: `python -m bench comms`.

Builds a throw-away test database (never touches var/warroom.sqlite3), fills it with open incidents,
and prints wall time and queries for: a sweep with nothing due, a sweep where every incident is overdue,
the re-run sweep (must write nothing), and the public status page.
"""

import os
import time
from datetime import timedelta

SIZES = [100, 1000]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rows = [_measure(n, connection) for n in SIZES]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"database: {connection.vendor}; times include rendering and sending each reminder's live fragments")
    print(
        f"{'open incidents':>14} | {'sweep, none due':>16} | {'sweep, all due':>22} | {'re-run sweep':>16} | {'status page':>16}"
    )
    print("-" * 98)
    for n, idle, due, rerun, page in rows:
        print(
            f"{n:>14} | {_fmt(idle):>16} | {_fmt(due) + f' {due[2]} entries':>22} | {_fmt(rerun):>16} | {_fmt(page):>16}"
        )


def _fmt(result) -> str:
    seconds, queries = result[0], result[1]
    return f"{seconds * 1000:,.0f} ms {queries} q"


def _measure(n, connection):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from incidents import actions, tasks
    from incidents.comms import actions as comms
    from incidents.models import Incident, Service, StatusUpdate, TimelineEntry

    StatusUpdate.objects.all().delete()
    TimelineEntry.objects.all().delete()
    Incident.objects.all().delete()
    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"first_name": "Bench"})
    services = [Service.objects.get_or_create(slug=f"svc-{i}", defaults={"name": f"Service {i}"})[0] for i in range(20)]
    for i in range(n):
        incident = actions.declare_incident(
            actor=user, title=f"Incident {i}", severity="SEV2", services=[services[i % 20]]
        )
        if i % 2:
            comms.approve_update(
                comms.post_update(incident, actor=user, audience="external", status=f"Investigating {i}."), actor=user
            )
    now = timezone.now()

    def timed(fn):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            start = time.perf_counter()
            out = fn()
            elapsed = time.perf_counter() - start
        return elapsed, count[0], out

    idle = timed(lambda: tasks.sweep_update_reminders(now=now.isoformat()))
    later = (now + timedelta(hours=2)).isoformat()
    due = timed(lambda: tasks.sweep_update_reminders(now=later))
    rerun = timed(lambda: tasks.sweep_update_reminders(now=later))
    client = Client()
    page = timed(lambda: client.get("/status/"))
    assert page[2].status_code == 200 and rerun[2] == 0 and due[2] == 2 * n
    return n, idle, due, rerun, page
