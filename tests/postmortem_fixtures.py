"""A scripted incident, resolved, for the postmortem tests; Celery runs tasks in-line (eager) where asked."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from action_items.models import ActionItem
from incidents import actions
from warroom.celery import app as celery_app


@pytest.fixture
def eager_celery():
    """Celery executes a queued task in the caller (its own eager mode): delay_on_commit runs the task at commit."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def scripted_incident(alice, bob, checkout, django_capture_on_commit_callbacks):
    """Impact from 40 minutes ago; findings, a decision, an action, a role, a severity change; resolved."""
    started = timezone.now() - timedelta(minutes=40)
    incident = actions.declare_incident(
        actor=alice,
        title="Checkout returns 500",
        severity="SEV2",
        services=[checkout],
        started_at=started,
        summary="Card payments failed for most users.",
        detected_at=started + timedelta(minutes=3),
    )
    actions.post_entry(
        incident, kind="finding", body="Error rate on checkout-api is 38% since the 14:02 deploy.", actor=bob
    )
    actions.post_entry(incident, kind="note", body="coffee is on the way", actor=bob)
    actions.assign_role(incident, role="tech_lead", user=bob, actor=alice)
    actions.post_entry(incident, kind="decision", body="Roll back checkout-api to v41.", actor=alice)
    actions.post_entry(incident, kind="action", body="Rolled back checkout-api to v41.", actor=bob)
    actions.change_severity(incident, severity="SEV1", actor=alice, reason="most users affected")
    actions.change_status(incident, status="identified", actor=alice)
    actions.change_status(incident, status="mitigated", actor=alice)
    ActionItem.objects.create(
        incident=incident,
        title="Add a canary stage to checkout deploys",
        owner=bob,
        type="prevent",
        due_date=date.today() + timedelta(days=15),
    )
    return incident


@pytest.fixture
def postmortem(scripted_incident, alice):
    from postmortems import actions as pm_actions

    actions.resolve(scripted_incident, actor=alice)
    return pm_actions.draft_postmortem(scripted_incident.pk)[0]
