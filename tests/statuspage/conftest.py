"""The public status page's fixtures: an incident with internal chatter, drafts and one approved external
update, and maintenance windows."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from incidents import actions
from incidents.comms import actions as comms
from incidents.models import Service
from statuspage import actions as status_actions

# Real Statuspage answers, one per endpoint of /api/v2/ (see the file's _source).
FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "statuspage_v2.json").read_text())["answers"]
ENDPOINTS = list(FIXTURE)
SECRET_NOTE = "db-primary-7 disk full, Bob's cron job"
# Words that must never reach a public surface: the note, the draft, the title, the summary, people, refs, severity.
LEAKS = [
    SECRET_NOTE,
    "UNAPPROVED DRAFT",
    "Checkout returns 500",
    "SUMMARY-FOR-THE-ROOM",
    "alice",
    "Alice",
    "Bob",
    "bob",
    "INC-",
    "Paged",
    "SEV2",
    "Wren",
    "wren",
]


@pytest.fixture
def public_incident(incident, alice, bob):
    """An incident with internal chatter and one approved external update."""
    actions.edit_summary(incident, title=incident.title, summary="SUMMARY-FOR-THE-ROOM", actor=alice)
    actions.post_entry(incident, kind="note", body=f"Internal: {SECRET_NOTE}", actor=bob)
    comms.post_update(
        incident, actor=bob, audience="internal", status=f"Investigating {SECRET_NOTE}.", actions="Paged Bob."
    )
    draft = comms.post_update(
        incident,
        actor=bob,
        audience="external",
        status="We are investigating errors at checkout.",
        headline="Checkout errors",
    )
    comms.approve_update(draft, actor=alice)
    comms.post_update(incident, actor=bob, audience="external", status="UNAPPROVED DRAFT about Bob's cron job.")
    return incident


@pytest.fixture
def maintenance_window(checkout, alice):
    """Database upgrade on Checkout, from in an hour for two hours."""
    start = timezone.now() + timedelta(hours=1)
    return status_actions.schedule_maintenance(
        title="Database upgrade",
        body="Checkout may be **slow** for a few minutes.",
        services=["checkout"],
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        actor=alice,
    )


def add_public_incidents(alice, count):
    """`count` more incidents, each with one approved external update on a component of its own."""
    for n in range(count):
        service = Service.objects.create(name=f"Component {n}", slug=f"component-{n}")
        incident = actions.declare_incident(actor=alice, title=f"Internal {n}", severity="SEV3", services=[service])
        approved(incident, status=f"Issue {n}")


def approved(incident, **update):
    """An external update as four eyes publish it: drafted by a responder, approved by the incident's commander."""
    from django.contrib.auth import get_user_model

    writer, _ = get_user_model().objects.get_or_create(username="wren", defaults={"first_name": "Wren"})
    draft = comms.post_update(incident, actor=writer, audience="external", **update)
    return comms.approve_update(draft, actor=incident.commander)
