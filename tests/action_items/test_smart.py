"""Action items are SMART on save: the action, the form and the API refuse the same things in the same words."""

from datetime import timedelta

import pytest
from django.utils import timezone

from action_items import actions as item_actions
from action_items.models import ActionItem
from incidents import actions
from incidents.models import EntryKind

from .conftest import GOOD

TODAY = timezone.localdate()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"title": ""}, "title", "Give the action item a title that says what to do"),
        (
            {"title": "Alerting on checkout errors"},
            "title",
            "Start the title with a verb that says what to do (it starts with “Alerting”)",
        ),
        ({"title": "The pool size"}, "title", "(it starts with “The”)"),
        ({"title": "x" * 201}, "title", "The title is 201 characters long; the limit is 200."),
        ({"description": ""}, "description", "Describe what done looks like"),
        ({"description": "soon"}, "description", "Describe what done looks like"),
        ({"owner": None}, "owner", "Name one owner: an action item without an owner is nobody's job."),
        ({"type": ""}, "type", "Choose a type: one of prevent, detect, mitigate, process"),
        ({"type": "fix"}, "type", "Choose a type: one of prevent, detect, mitigate, process (got “fix”)."),
        ({"priority": "P9"}, "priority", "Choose a priority: one of P1, P2, P3, P4"),
        ({"due_date": TODAY - timedelta(days=1)}, "due_date", "is in the past; choose today or a later day."),
        (
            {"external_url": "javascript:alert(1)"},
            "external_url",
            "The external link must start with http:// or https://.",
        ),
    ],
)
def test_it_refuses_items_that_are_not_smart_and_writes_nothing(incident, alice, bob, changes, field, message):
    fields = {**GOOD, "owner": bob, **changes}
    with pytest.raises(actions.ActionError) as error:
        item_actions.create_action_item(incident, actor=alice, **fields)
    assert message in error.value.message
    assert error.value.field == field
    assert ActionItem.objects.count() == 0
    assert not incident.entries.filter(kind=EntryKind.ACTION_ITEM).exists()


@pytest.mark.parametrize(
    "title",
    [
        "Add alert on 5xx",
        "re-enable the circuit breaker",
        "Auto-scale the checkout pool",
        "Rollback v2.3",
        "Document the failover",
    ],
)
def test_it_accepts_titles_that_start_with_a_verb(incident, bob, raise_item, title):
    assert raise_item(incident, bob, title=title).title == title


def test_it_refuses_an_inactive_owner(incident, alice, bob):
    bob.is_active = False
    bob.save()
    with pytest.raises(actions.ActionError, match="bob is no longer active"):
        item_actions.create_action_item(incident, actor=alice, owner=bob, **GOOD)


@pytest.mark.parametrize("severity, days", [("SEV1", 15), ("SEV2", 30), ("SEV3", 60), ("SEV5", 60)])
def test_it_defaults_the_due_date_by_severity(alice, bob, raise_item, severity, days):
    incident = actions.declare_incident(actor=alice, title="Search is slow", severity=severity)
    assert raise_item(incident, bob).due_date == TODAY + timedelta(days=days)


def test_it_takes_the_due_days_from_settings(alice, bob, raise_item, settings):
    settings.WARROOM = {**settings.WARROOM, "ACTION_ITEM_DUE_DAYS": {"SEV1": 3, "default": 90}}
    sev1 = actions.declare_incident(actor=alice, title="Everything is down", severity="SEV1")
    sev2 = actions.declare_incident(actor=alice, title="Checkout is slow", severity="SEV2")
    assert raise_item(sev1, bob).due_date == TODAY + timedelta(days=3)
    assert raise_item(sev2, bob).due_date == TODAY + timedelta(days=90)


def test_it_records_the_new_item_in_the_incident_timeline(item, incident):
    entry = incident.entries.filter(kind=EntryKind.ACTION_ITEM).get()
    assert entry.body == (
        f"Alice Ng raised action item **{item.ref}**: Add an alert on checkout 5xx rate "
        f"(owner Bob Ortiz, due {item.due_date.isoformat()}, P3, detect)."
    )
    assert entry.metadata["action_item"] == item.pk


def test_it_needs_a_reason_to_close_as_wont_do(item, alice):
    with pytest.raises(actions.ActionError, match="a reason is required") as error:
        item_actions.update_action_item(item, actor=alice, status="wont_do")
    assert error.value.field == "reason"
    item.refresh_from_db()
    assert item.status == "open"
    item_actions.update_action_item(item, actor=alice, status="wont_do", reason="The service is retired next month.")
    item.refresh_from_db()
    assert (
        item.status == "wont_do" and item.wont_do_reason == "The service is retired next month." and item.completed_at
    )
    last = item.incident.entries.last()
    assert last.body.startswith(f"Alice Ng closed it as won't do on action item **{item.ref}**")
    assert last.body.endswith("Reason: The service is retired next month.")


def test_it_stamps_done_and_clears_it_when_reopened(item, bob):
    item_actions.update_action_item(item, actor=bob, status="done")
    item.refresh_from_db()
    assert item.completed_at is not None
    item_actions.update_action_item(item, actor=bob, status="open")
    item.refresh_from_db()
    assert item.completed_at is None and item.status == "open"


def test_it_writes_one_sentence_for_several_changes(item, alice, carol):
    later = item.due_date + timedelta(days=7)
    item_actions.update_action_item(item, actor=alice, owner=carol, due_date=later, status="in_progress")
    body = item.incident.entries.last().body
    assert body == (
        f"Alice Ng gave it to carol (was Bob Ortiz), moved the due date to {later.isoformat()} "
        f"(was {item.due_date.isoformat()}) and started work on action item **{item.ref}**: {item.title}."
    )


def test_it_refuses_a_change_that_changes_nothing(item, alice):
    with pytest.raises(actions.ActionConflict, match="nothing changed"):
        item_actions.update_action_item(item, actor=alice, status="open")


# --- the API answers the same messages ------------------------------------------------------------


def test_it_raises_an_item_by_api(api, incident, bob):
    response = api.post(
        "/api/v1/action-items",
        {
            "incident": incident.pk,
            "title": "Add a pool saturation alert",
            "owner": "bob",
            "type": "detect",
            "description": "Pages on-call at 90% pool use for 5 minutes.",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"] == "bob" and body["priority"] == "P3" and body["status"] == "open"
    assert body["due_date"] == (TODAY + timedelta(days=30)).isoformat()
    assert body["ref"] == f"AI-{body['id']}" and body["incident_ref"] == incident.ref


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": "Pool alert"}, "Start the title with a verb"),
        ({"owner": None}, "Name one owner"),
        ({"owner": "nobody"}, "No active user named “nobody”"),
        ({"description": ""}, "Describe what done looks like"),
        ({"type": "other"}, "Choose a type"),
        ({"due_date": (TODAY - timedelta(days=2)).isoformat()}, "is in the past"),
    ],
)
def test_it_answers_400_with_the_smart_message_and_writes_nothing(api, incident, bob, changes, message):
    payload = {"incident": incident.pk, "owner": "bob", **GOOD, **changes}
    response = api.post("/api/v1/action-items", payload)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert ActionItem.objects.count() == 0
    assert incident.entries.count() == 1  # only the declaration


def test_it_patches_status_and_requires_a_reason_for_wont_do(api, item):
    response = api.patch(f"/api/v1/action-items/{item.pk}", {"status": "wont_do"})
    assert response.status_code == 400
    assert "a reason is required" in response.json()["error"]
    response = api.patch(f"/api/v1/action-items/{item.pk}", {"status": "wont_do", "reason": "Replaced by AI-9."})
    assert response.status_code == 200
    assert response.json()["status"] == "wont_do" and response.json()["wont_do_reason"] == "Replaced by AI-9."


def test_it_patches_owner_and_due_date(api, item, carol):
    later = (item.due_date + timedelta(days=3)).isoformat()
    response = api.patch(f"/api/v1/action-items/{item.pk}", {"owner": "carol", "due_date": later})
    assert response.status_code == 200, response.content
    assert response.json()["owner"] == "carol" and response.json()["due_date"] == later
    assert api.patch(f"/api/v1/action-items/{item.pk}", {"owner": "carol"}).status_code == 409


def test_it_lets_observers_read_but_not_raise(api_as, observer, incident, item):
    client = api_as(observer)
    assert client.get("/api/v1/action-items").json()["count"] == 1
    response = client.post("/api/v1/action-items", {"incident": incident.pk, "owner": "bob", **GOOD})
    assert response.status_code == 403
    assert ActionItem.objects.count() == 1


def test_it_documents_the_endpoints_in_openapi(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/action-items"])
    assert "patch" in paths["/api/v1/action-items/{item_id}"]
