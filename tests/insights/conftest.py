"""A scripted set of incidents whose every insight figure is known in advance."""

from datetime import timedelta

import pytest
from django.utils import timezone

from action_items.models import ActionItem
from incidents import actions
from incidents.models import Incident, Service, StatusUpdate, TimelineEntry
from postmortems.models import Postmortem


def at(incident, **times):
    """Move an incident's clocks to scripted instants (the actions stamp `now`), its record with them."""
    Incident.objects.filter(pk=incident.pk).update(**times)
    if "declared_at" in times:
        TimelineEntry.objects.filter(incident=incident).update(occurred_at=times["declared_at"])
    incident.refresh_from_db()
    return incident


def update(incident, audience, published_at, answered_due_at=None, author=None):
    return StatusUpdate.objects.create(
        incident=incident,
        audience=audience,
        state="published",
        status="Investigating.",
        html="<p>Investigating.</p>",
        author=author,
        created_at=published_at,
        published_at=published_at,
        answered_due_at=answered_due_at,
    )


@pytest.fixture
def search(db):
    return Service.objects.create(name="Search", slug="search")


@pytest.fixture
def scripted(alice, bob, carol, checkout, search):
    """Four incidents in the last 30 days (one a drill, one private to carol) and one 60 days ago.

    Seen by alice over 30 days without drills: A and B.
      A SEV1 checkout: acknowledged (stamped) 120 s after declaration; mitigated 2100 s and resolved 3900 s after
        the start; first internal update 600 s, first external 1200 s after declaration; of 2 promises 1 kept;
        postmortem published by its deadline; 2 action items due and past: 1 done on time, 1 overdue.
      B SEV2 checkout, declared by an alert: the first person's entry 240 s after declaration; mitigated 3600 s
        after the start; a recurrence (A's items were open); not resolved.
    """
    now = timezone.now()
    t = now - timedelta(days=10)
    a = actions.declare_incident(actor=alice, title="Checkout returns 500", severity="SEV1", services=[checkout])
    a = at(
        a,
        started_at=t,
        declared_at=t + timedelta(minutes=5),
        acknowledged_at=t + timedelta(minutes=7),
        mitigated_at=t + timedelta(minutes=35),
        resolved_at=t + timedelta(minutes=65),
        status="resolved",
    )
    declared = a.declared_at
    update(a, "internal", declared + timedelta(minutes=10), author=alice)
    update(a, "external", declared + timedelta(minutes=20), author=alice)
    update(a, "internal", declared + timedelta(minutes=40), answered_due_at=declared + timedelta(minutes=45))
    update(a, "internal", declared + timedelta(minutes=90), answered_due_at=declared + timedelta(minutes=75))
    Postmortem.objects.create(
        incident=a, status="published", published_at=now - timedelta(days=8), review_due_at=now - timedelta(days=7)
    )
    today = timezone.localdate()
    ActionItem.objects.create(
        incident=a,
        title="Add a canary stage",
        owner=bob,
        type="prevent",
        due_date=today - timedelta(days=2),
        status="done",
        completed_at=now - timedelta(days=3),
    )
    ActionItem.objects.create(
        incident=a, title="Alert on 5xx", owner=bob, type="detect", due_date=today - timedelta(days=1)
    )

    b = actions.declare_incident(actor=None, commander=bob, title="Checkout slow", severity="SEV2", services=[checkout])
    tb = now - timedelta(days=3)
    b = at(b, started_at=tb, declared_at=tb, mitigated_at=tb + timedelta(minutes=60), status="mitigated")
    actions.post_entry(b, kind="note", body="Looking at it.", actor=bob)
    TimelineEntry.objects.filter(incident=b, kind="note").update(occurred_at=tb + timedelta(minutes=4))

    c = actions.declare_incident(actor=alice, title="Game day", severity="SEV3", services=[search], is_drill=True)
    tc = now - timedelta(days=1)
    c = at(c, started_at=tc, declared_at=tc, mitigated_at=tc + timedelta(minutes=10), status="mitigated")

    d = actions.declare_incident(
        actor=carol, title="Secret", severity="SEV2", services=[checkout], visibility="private"
    )
    td = now - timedelta(days=2)
    d = at(d, started_at=td, declared_at=td, mitigated_at=td + timedelta(days=1), status="mitigated")

    e = actions.declare_incident(actor=alice, title="Old one", severity="SEV2", services=[search])
    te = now - timedelta(days=60)
    e = at(e, started_at=te, declared_at=te, mitigated_at=te + timedelta(minutes=20), status="mitigated")
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def seed_history(declarer, services, count: int, days: int):
    """`count` resolved incidents spread over the last `days` days, with durations that drift down over time."""
    now = timezone.now()
    made = []
    for n in range(count):
        service = services[n % len(services)]
        incident = actions.declare_incident(
            actor=declarer, title=f"{service.name} degraded #{n}", severity=f"SEV{n % 3 + 1}", services=[service]
        )
        start = now - timedelta(days=days * (count - n) / (count + 1), hours=n % 7)
        drift = 1.6 - n / count  # later incidents are handled faster
        at(
            incident,
            started_at=start,
            declared_at=start + timedelta(minutes=3 + n % 5),
            acknowledged_at=start + timedelta(minutes=4 + n % 5 + 2 * drift),
            mitigated_at=start + timedelta(minutes=20 + 40 * drift + n % 11),
            resolved_at=start + timedelta(minutes=60 + 90 * drift + n % 13),
            status="resolved",
        )
        update(incident, "internal", incident.declared_at + timedelta(minutes=5 + 10 * drift))
        if n % 2:
            update(incident, "external", incident.declared_at + timedelta(minutes=12 + 15 * drift))
        due = incident.declared_at + timedelta(minutes=40)
        late = [-3, -1, 2, -2, 6][n % 5]  # two promises in five are broken
        update(incident, "internal", due + timedelta(minutes=late), answered_due_at=due)
        made.append(incident)
    return made
