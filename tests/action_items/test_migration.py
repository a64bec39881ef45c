"""A database migrated when action items lived in the postmortems app migrates forward with every row intact."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The schema as it was before the action_items app existed: its items lived in postmortems 0001.
BEFORE = [("action_items", None), ("postmortems", "0001_initial"), ("incidents", "0001_initial"), ("integrations", "0001_initial")]


def migrate(targets):
    """Migrate to `targets` (None: the latest of every app) and return the executor, for its historical models."""
    executor = MigrationExecutor(connection)
    if targets is None:
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()  # the graph now knows what was applied
    return executor


@pytest.fixture
def schema_before_the_move(transactional_db):
    executor = migrate(BEFORE)
    try:
        nodes = [t for t in BEFORE if t[1] is not None] + [("contenttypes", "0002_remove_content_type_name")]
        yield executor.loader.project_state(nodes).apps
    finally:
        migrate(None)  # leave the latest schema for the tests that follow, whatever happened here


def test_it_keeps_every_action_item_and_digest_when_they_move_to_their_own_app(schema_before_the_move):
    old = schema_before_the_move
    User = old.get_model("auth", "User")
    Incident = old.get_model("incidents", "Incident")
    Postmortem = old.get_model("postmortems", "Postmortem")
    OldItem = old.get_model("postmortems", "ActionItem")
    OldDigest = old.get_model("postmortems", "OwnerDigest")
    ContentType = old.get_model("contenttypes", "ContentType")

    bob = User.objects.create(username="bob", first_name="Bob")
    incident = Incident.objects.create(
        title="Checkout returns 500",
        severity="SEV2",
        started_at=timezone.now(),
        declared_by=bob,
    )
    postmortem = Postmortem.objects.create(incident=incident, markdown="# Checkout returns 500")
    due = date(2030, 1, 15)
    exported = OldItem.objects.create(
        incident=incident,
        postmortem=postmortem,
        title="Add an alert on checkout 5xx rate",
        owner=bob,
        type="detect",
        description="On-call is paged within 5 minutes.",
        due_date=due,
        priority="P1",
        status="in_progress",
        export_state="exported",
        jira_key="OPS-7",
        jira_url="https://jira.example/browse/OPS-7",
        last_reminded_on=due,
    )
    dropped = OldItem.objects.create(
        incident=incident,
        title="Rewrite the checkout service",
        owner=bob,
        type="prevent",
        due_date=due + timedelta(days=30),
        status="wont_do",
        wont_do_reason="Replaced by the canary stage.",
        completed_at=timezone.now(),
    )
    digest = OldDigest.objects.create(owner=bob, week_start=date(2029, 12, 31), body="Weekly action items for Bob", open_count=2)
    item_type = ContentType.objects.get_or_create(app_label="postmortems", model="actionitem")[0]
    assert {"postmortems_actionitem", "postmortems_ownerdigest"} <= set(connection.introspection.table_names())

    migrate(None)

    from django.contrib.contenttypes.models import ContentType as LiveContentType

    from action_items.models import ActionItem, OwnerDigest

    tables = set(connection.introspection.table_names())
    assert {"action_items_actionitem", "action_items_ownerdigest"} <= tables
    assert not {"postmortems_actionitem", "postmortems_ownerdigest"} & tables
    assert ActionItem.objects.count() == 2 and OwnerDigest.objects.count() == 1
    first = ActionItem.objects.get(pk=exported.pk)
    assert (first.incident_id, first.postmortem_id, first.owner.username) == (incident.pk, postmortem.pk, "bob")
    assert (first.title, first.type, first.priority, first.status) == ("Add an alert on checkout 5xx rate", "detect", "P1", "in_progress")
    assert (first.due_date, first.last_reminded_on, first.description) == (due, due, "On-call is paged within 5 minutes.")
    assert (first.export_state, first.jira_key, first.jira_url) == ("exported", "OPS-7", "https://jira.example/browse/OPS-7")
    second = ActionItem.objects.get(pk=dropped.pk)
    assert (second.status, second.wont_do_reason, second.postmortem_id) == ("wont_do", "Replaced by the canary stage.", None)
    assert second.completed_at is not None
    moved = OwnerDigest.objects.get(pk=digest.pk)
    assert (moved.owner_id, moved.week_start, moved.body, moved.open_count) == (
        bob.pk,
        date(2029, 12, 31),
        "Weekly action items for Bob",
        2,
    )
    # The content type (and so every permission on it) is the same row, now under the new app.
    assert LiveContentType.objects.get_for_model(ActionItem).pk == item_type.pk
    assert not LiveContentType.objects.filter(app_label="postmortems", model="actionitem").exists()
    # New rows keep counting from where the old table stopped.
    assert (
        ActionItem.objects.create(incident_id=incident.pk, title="Add a canary", owner_id=bob.pk, type="prevent", due_date=due).pk
        > dropped.pk
    )
