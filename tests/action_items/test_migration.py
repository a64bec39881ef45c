"""A database migrated when action items lived in the postmortems app migrates forward with every row intact."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The schema as it was before the action_items app existed: its items lived in postmortems 0001.
BEFORE = [
    ("action_items", None),
    ("postmortems", "0001_initial"),
    ("incidents", "0001_initial"),
    ("integrations", "0001_initial"),
]


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
    monday = date(2029, 12, 31)
    digest = OldDigest.objects.create(owner=bob, week_start=monday, body="Weekly action items for Bob", open_count=2)
    item_type = ContentType.objects.get_or_create(app_label="postmortems", model="actionitem")[0]
    items_before = list(OldItem.objects.order_by("pk").values())
    digests_before = list(OldDigest.objects.order_by("pk").values())
    assert {"postmortems_actionitem", "postmortems_ownerdigest"} <= set(connection.introspection.table_names())

    migrate(None)

    from django.contrib.contenttypes.models import ContentType as LiveContentType

    from action_items.models import ActionItem, OwnerDigest

    tables = set(connection.introspection.table_names())
    assert {"action_items_actionitem", "action_items_ownerdigest"} <= tables
    assert not {"postmortems_actionitem", "postmortems_ownerdigest"} & tables
    # Every row, every column, as it was.
    assert list(ActionItem.objects.order_by("pk").values()) == items_before
    assert list(OwnerDigest.objects.order_by("pk").values()) == digests_before
    first, second = ActionItem.objects.select_related("owner", "postmortem").order_by("pk")
    assert (first.pk, first.owner.username, first.postmortem.incident_id) == (exported.pk, "bob", incident.pk)
    assert (first.title, first.status, first.jira_key) == ("Add an alert on checkout 5xx rate", "in_progress", "OPS-7")
    assert (second.pk, second.status, second.wont_do_reason) == (dropped.pk, "wont_do", "Replaced by the canary stage.")
    assert OwnerDigest.objects.get(pk=digest.pk).week_start == monday
    # The content type (and so every permission on it) is the same row, now under the new app.
    assert LiveContentType.objects.get_for_model(ActionItem).pk == item_type.pk
    assert not LiveContentType.objects.filter(app_label="postmortems", model="actionitem").exists()
    # New rows keep counting from where the old table stopped.
    later = {"title": "Add a canary", "type": "prevent", "due_date": due}
    added = ActionItem.objects.create(incident=first.incident, owner=first.owner, **later)
    assert added.pk > dropped.pk
