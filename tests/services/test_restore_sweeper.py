"""Two sweepers racing on real PostgreSQL post each restore reminder once (the claim is a conditional UPDATE)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from incidents import actions
from incidents.models import Decision, EntryKind, RoleAssignment
from incidents.restore import actions as decisions
from incidents.tasks import sweep_restore_reminders
from tests.conftest import require_services

pytestmark = [pytest.mark.integration, require_services("DATABASE_URL")]


def test_it_posts_each_reminder_once_when_two_sweepers_race(transactional_db, alice):
    incident = actions.declare_incident(actor=alice, title="Checkout returns 500", severity="SEV2")
    decision = decisions.propose_decision(
        incident, actor=alice, question="Roll back?", chosen="Roll back", decide=True, timebox_minutes=5
    )
    long_ago = timezone.now() - timedelta(hours=5)
    RoleAssignment.objects.filter(incident=incident).update(assigned_at=long_ago)
    Decision.objects.filter(pk=decision.pk).update(timebox_until=long_ago)

    start = threading.Barrier(2)
    sent = []

    def sweeper():
        try:
            start.wait(timeout=10)
            sent.append(sweep_restore_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(sent)[-1] >= 1 and sum(sent) == 2, f"two reminders in all, not one per sweeper: {sent}"
    reminders = incident.entries.filter(kind=EntryKind.REMINDER)
    assert sorted(r.metadata["reminder"] for r in reminders) == ["ic_rotation", "timebox"]
