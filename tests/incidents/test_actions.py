"""The actions are the only writers: each validates, writes, and leaves a readable timeline entry."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from incidents import actions
from incidents.live import broadcast
from incidents.models import EntryKind, Incident, Role, RoleAssignment, Status, TimelineEntry
from tests.conftest import drain_channel


def test_it_declares_with_the_declarer_as_commander(alice, checkout):
    incident = actions.declare_incident(
        actor=alice, title="Checkout down", severity="SEV1", services=[checkout], summary="Card *payments* fail"
    )
    assert incident.ref == f"INC-{incident.pk}"
    assert incident.status == Status.INVESTIGATING
    assert incident.commander == alice
    assert list(incident.services.all()) == [checkout]
    assert incident.summary_html == "<p>Card <em>payments</em> fail</p>"
    entry = incident.entries.get()
    assert entry.kind == EntryKind.DECLARED
    assert (
        entry.body
        == "Alice Ng declared a **SEV1** incident: Checkout down. Affected services: Checkout. Alice Ng is Incident Commander."
    )


def test_it_names_another_commander_when_asked(alice, bob):
    incident = actions.declare_incident(actor=alice, title="DB failover", severity="SEV2", commander=bob)
    assert incident.commander == bob
    assert "Bob Ortiz is Incident Commander" in incident.entries.get().body


def test_it_keeps_a_start_time_before_the_declaration(alice):
    started = timezone.now() - timedelta(minutes=40)
    incident = actions.declare_incident(actor=alice, title="Slow search", severity="SEV3", started_at=started)
    assert incident.started_at == started
    assert incident.durations()["since_start"] >= timedelta(minutes=40)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"title": "", "severity": "SEV2"}, "Title cannot be empty."),
        ({"title": "   ", "severity": "SEV2"}, "Title cannot be empty."),
        ({"title": "x" * 201, "severity": "SEV2"}, "Title is 201 characters long; the limit is 200."),
        ({"title": "ok", "severity": "SEV9"}, "Unknown severity “SEV9”. Choose one of: SEV1, SEV2, SEV3, SEV4, SEV5."),
        (
            {"title": "ok", "severity": "SEV2", "started_at": timezone.now() + timedelta(hours=1)},
            "The start time is in the future.",
        ),
    ],
)
def test_it_refuses_bad_declarations_and_writes_nothing(alice, kwargs, message):
    with pytest.raises(actions.ActionError) as error:
        actions.declare_incident(actor=alice, **kwargs)
    assert error.value.message == message
    assert Incident.objects.count() == 0
    assert TimelineEntry.objects.count() == 0


def test_it_assigns_a_role_with_a_sentence(incident, alice, bob):
    actions.assign_role(incident, role="tech_lead", user=bob, actor=alice)
    assert incident.holders()[Role.TECH_LEAD].user == bob
    assert incident.entries.last().body == "Alice Ng named Bob Ortiz Tech Lead."


def test_it_hands_off_keeping_history(incident, alice, bob, carol):
    actions.assign_role(incident, role="tech_lead", user=bob, actor=alice)
    actions.assign_role(incident, role="tech_lead", user=carol, actor=alice)
    rows = list(RoleAssignment.objects.filter(incident=incident, role=Role.TECH_LEAD).order_by("assigned_at", "pk"))
    assert [r.user for r in rows] == [bob, carol]
    assert rows[0].relieved_at is not None and rows[1].relieved_at is None
    assert incident.entries.last().body == "Alice Ng handed Tech Lead from Bob Ortiz to carol."


def test_it_says_when_someone_takes_a_role_themselves(incident, bob):
    actions.assign_role(incident, role="scribe", user=bob, actor=bob)
    assert incident.entries.last().body == "Bob Ortiz took the Scribe role."


def test_it_refuses_to_reassign_the_same_holder(incident, alice):
    with pytest.raises(actions.ActionConflict, match="already Incident Commander"):
        actions.assign_role(incident, role="commander", user=alice, actor=alice)
    assert incident.entries.count() == 1


def test_it_refuses_unknown_roles_and_inactive_users(incident, alice, bob):
    with pytest.raises(actions.ActionError, match="Unknown role"):
        actions.assign_role(incident, role="captain", user=bob, actor=alice)
    bob.is_active = False
    bob.save()
    with pytest.raises(actions.ActionError, match="active user"):
        actions.assign_role(incident, role="tech_lead", user=bob, actor=alice)
    assert incident.entries.count() == 1


def test_it_relieves_a_role_but_never_the_commander(incident, alice, bob):
    actions.assign_role(incident, role="comms_lead", user=bob, actor=alice)
    actions.relieve_role(incident, role="comms_lead", actor=alice)
    assert Role.COMMS_LEAD not in incident.holders()
    assert "the Incident Commander holds it now" in incident.entries.last().body
    with pytest.raises(actions.ActionConflict, match="only handed off"):
        actions.relieve_role(incident, role="commander", actor=alice)


def test_it_posts_entries_of_each_kind(incident, bob):
    for kind in ["note", "finding", "decision", "action"]:
        entry = actions.post_entry(incident, kind=kind, body=f"a {kind}", actor=bob)
        assert entry.kind == kind and entry.actor == bob and entry.html == f"<p>a {kind}</p>"


@pytest.mark.parametrize(
    "kind, body, message",
    [
        ("note", "", "The entry cannot be empty."),
        ("note", "x" * 20_001, "The entry is 20001 characters long; the limit is 20000."),
        ("status", "sneaky", "Unknown entry kind “status”."),
    ],
)
def test_it_refuses_bad_entries(incident, bob, kind, body, message):
    with pytest.raises(actions.ActionError, match=message):
        actions.post_entry(incident, kind=kind, body=body, actor=bob)
    assert incident.entries.count() == 1


def test_it_walks_the_lifecycle_stamping_times(incident, alice):
    actions.change_status(incident, status="identified", actor=alice)
    incident.refresh_from_db()
    assert incident.mitigated_at is None
    actions.change_status(incident, status="mitigated", actor=alice)
    incident.refresh_from_db()
    mitigated_at = incident.mitigated_at
    assert mitigated_at is not None
    actions.change_status(incident, status="monitoring", actor=alice)
    actions.resolve(incident, actor=alice, note="Error rate normal for 30 minutes.")
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED and incident.resolved_at is not None
    assert incident.mitigated_at == mitigated_at  # the first mitigation time stands
    bodies = [e.body for e in incident.entries.filter(kind=EntryKind.STATUS)]
    assert bodies == [
        "Alice Ng marked the cause as Identified (was Investigating).",
        "Alice Ng marked the incident Mitigated: impact has stopped (was Identified).",
        "Alice Ng moved the incident to Monitoring (was Mitigated).",
        "Alice Ng resolved the incident (was Monitoring).\n\nError rate normal for 30 minutes.",
    ]


def test_it_stamps_mitigation_when_resolving_directly(incident, alice):
    actions.resolve(incident, actor=alice)
    incident.refresh_from_db()
    assert incident.mitigated_at == incident.resolved_at


def test_it_reopens_a_resolved_incident(incident, alice):
    actions.resolve(incident, actor=alice)
    actions.change_status(incident, status="investigating", actor=alice)
    incident.refresh_from_db()
    assert incident.resolved_at is None and incident.is_open
    assert incident.entries.last().body == "Alice Ng reopened the incident as Investigating (was Resolved)."


def test_it_refuses_a_status_it_already_has(incident, alice):
    with pytest.raises(actions.ActionConflict, match="already Investigating"):
        actions.change_status(incident, status="investigating", actor=alice)


def test_it_raises_and_lowers_severity_in_words(incident, alice):
    actions.change_severity(incident, severity="SEV1", actor=alice, reason="all regions now")
    actions.change_severity(incident, severity="SEV3", actor=alice)
    bodies = [e.body for e in incident.entries.filter(kind=EntryKind.SEVERITY)]
    assert bodies == [
        "Alice Ng raised the severity from SEV2 to **SEV1**. Reason: all regions now",
        "Alice Ng lowered the severity from SEV1 to **SEV3**.",
    ]


def test_it_broadcasts_only_after_commit(incident, bob, django_capture_on_commit_callbacks):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(broadcast.group_name(incident.pk), channel)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.post_entry(incident, kind="note", body="checking dashboards", actor=bob)
    assert callbacks, "the broadcast waits for the commit"
    for callback in callbacks:
        callback()
    [message] = async_to_sync(drain_channel)(layer, channel)
    assert message["type"] == "room.update"
    [(entry_id, html)] = message["entries"]
    assert f'id="entry-{entry_id}"' in html and "checking dashboards" in html


def test_it_records_a_deploy_in_open_incidents_of_the_service(incident, checkout):
    deploy = actions.record_deploy(
        service=checkout,
        version="v2.4.1",
        deployed_by="ci-bot",
        url="https://ci.example/run/7",
        external_id="run-7",
        source="github",
    )
    again = actions.record_deploy(service=checkout, version="v2.4.1", external_id="run-7", source="github")
    assert again.pk == deploy.pk
    entries = incident.entries.filter(kind=EntryKind.DEPLOY)
    assert [e.body for e in entries] == [
        "Deploy: **Checkout** `v2.4.1` to production by ci-bot ([details](https://ci.example/run/7))."
    ]


def test_the_declared_entry_quotes_the_title_as_sent(alice):
    """An alert's text is untrusted: quoted where the record writes it, shown as sent, never lost to the sanitizer."""
    incident = actions.declare_incident(actor=alice, title="5% <script>x</script> of **cards** fail", severity="SEV2")
    entry = incident.entries.get()
    assert "5% &lt;script&gt;x&lt;/script&gt; of **cards** fail" in entry.html
    assert "<script>" not in entry.html and "<strong>cards</strong>" not in entry.html
