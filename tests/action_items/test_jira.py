"""Jira export against a real local server answering like Jira's create-issue API: the key and link are
stored; a failure is stored, shown in the room and retried by the sweeper, never lost."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from action_items import actions as item_actions
from action_items import tasks
from action_items.actions import follow_up
from action_items.models import ActionItem, ExportState
from incidents import actions
from incidents.models import EntryKind
from postmortems.models import Postmortem

from .jira_server import FakeJira


@pytest.fixture
def jira(settings):
    with FakeJira() as server:
        settings.JIRA = {
            **settings.JIRA,
            "BASE_URL": server.url,
            "PROJECT_KEY": "OPS",
            "ISSUE_TYPE": "Task",
            "EMAIL": "bot@example.com",
            "API_TOKEN": "s3cret",
        }
        yield server


def export(item, user, callbacks):
    with callbacks(execute=True):
        tasks.send_to_jira_on_commit(item_actions.request_jira_export(item, actor=user))  # as the views do
    item.refresh_from_db()
    return item


def retry_time_has_come(item):
    ActionItem.objects.filter(pk=item.pk).update(export_next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_it_creates_the_jira_issue_and_stores_key_and_link(
    jira, eager_celery, item, alice, django_capture_on_commit_callbacks
):
    item = export(item, alice, django_capture_on_commit_callbacks)
    assert item.export_state == ExportState.EXPORTED
    assert (item.jira_key, item.jira_url) == ("OPS-7", f"{jira.url}/browse/OPS-7")
    assert item.external_url == item.jira_url and item.export_error == ""
    [request] = jira.requests
    fields = request["json"]["fields"]
    assert fields["project"] == {"key": "OPS"} and fields["issuetype"] == {"name": "Task"}
    assert fields["summary"] == "Add an alert on checkout 5xx rate"
    assert "On-call is paged within 5 minutes" in fields["description"] and item.incident.ref in fields["description"]
    assert fields["labels"] == ["warroom", item.incident.ref.lower(), "action-detect"]
    assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"bot@example.com:s3cret").decode()
    bodies = list(item.incident.entries.filter(kind=EntryKind.ACTION_ITEM).values_list("body", flat=True))
    assert bodies[-2:] == [
        f"Alice Ng sent action item **{item.ref}** to Jira.",
        f"Action item **{item.ref}** is now Jira issue [OPS-7]({jira.url}/browse/OPS-7).",
    ]


def test_it_sends_a_bearer_token_without_an_email(
    jira, eager_celery, item, alice, settings, django_capture_on_commit_callbacks
):
    settings.JIRA = {**settings.JIRA, "EMAIL": ""}
    export(item, alice, django_capture_on_commit_callbacks)
    assert jira.requests[0]["headers"]["Authorization"] == "Bearer s3cret"


def test_it_never_creates_a_second_issue_for_the_same_item(
    jira, eager_celery, item, alice, django_capture_on_commit_callbacks
):
    export(item, alice, django_capture_on_commit_callbacks)
    tasks.export_action_item_to_jira(item.pk)  # a redelivered task
    tasks.sweep_jira_exports()
    assert len(jira.requests) == 1
    with pytest.raises(actions.ActionConflict, match="already Jira issue OPS-7"):
        item_actions.request_jira_export(item, actor=alice)


def test_it_shows_jiras_400_and_does_not_retry_it(jira, eager_celery, item, alice, django_capture_on_commit_callbacks):
    jira.then(400, {"errorMessages": [], "errors": {"issuetype": "The issue type selected is invalid."}})
    item = export(item, alice, django_capture_on_commit_callbacks)
    assert item.export_state == ExportState.FAILED
    assert (
        item.export_error
        == "Jira rejected the issue (HTTP 400). Jira said: issuetype: The issue type selected is invalid."
    )
    assert item.export_next_attempt_at is None
    assert follow_up.exports_due(timezone.now() + timedelta(days=1)) == []
    note = item.incident.entries.filter(kind=EntryKind.SYSTEM, metadata__change="jira_failed").get()
    assert "It is not retried automatically: fix the cause and press Retry." in note.body
    # Pressing Retry after fixing the cause queues it again.
    item = export(item, alice, django_capture_on_commit_callbacks)
    assert item.export_state == ExportState.EXPORTED and item.jira_key == "OPS-7"


def test_it_retries_after_a_401_once_the_retry_time_comes(
    jira, eager_celery, item, alice, django_capture_on_commit_callbacks
):
    jira.then(401, {"errorMessages": ["You are not authenticated. Authentication required to perform this operation."]})
    item = export(item, alice, django_capture_on_commit_callbacks)
    assert item.export_state == ExportState.FAILED
    assert item.export_error.startswith("Jira refused the credentials (HTTP 401); check JIRA_EMAIL and JIRA_API_TOKEN.")
    assert "You are not authenticated" in item.export_error
    assert item.export_next_attempt_at > timezone.now()
    assert tasks.sweep_jira_exports() == 0  # not yet
    retry_time_has_come(item)
    assert tasks.sweep_jira_exports() == 1
    item.refresh_from_db()
    assert item.export_state == ExportState.EXPORTED and item.export_attempts == 2


def test_it_keeps_retrying_a_500_until_jira_answers_and_tells_the_room_once(
    jira, eager_celery, item, alice, django_capture_on_commit_callbacks
):
    jira.then(500, "<html>Internal Server Error</html>").then(503, {"errorMessages": ["Try later"]})
    item = export(item, alice, django_capture_on_commit_callbacks)
    assert (
        item.export_state == ExportState.FAILED and item.export_error == "Jira failed (HTTP 500); it will be retried."
    )
    retry_time_has_come(item)
    tasks.sweep_jira_exports()
    item.refresh_from_db()
    assert item.export_state == ExportState.FAILED and item.export_attempts == 2 and "HTTP 503" in item.export_error
    retry_time_has_come(item)
    tasks.sweep_jira_exports()
    item.refresh_from_db()
    assert item.export_state == ExportState.EXPORTED and item.jira_key == "OPS-7" and item.export_attempts == 3
    failures = item.incident.entries.filter(metadata__change="jira_failed")
    assert [e.body.split(":")[0] for e in failures] == [f"Jira export of action item **{item.ref}** failed (attempt 1)"]


def test_it_gives_up_after_the_configured_attempts_and_says_so(
    jira, eager_celery, item, alice, settings, django_capture_on_commit_callbacks
):
    settings.JIRA = {**settings.JIRA, "MAX_ATTEMPTS": 2}
    jira.then(502, {}).then(502, {})
    export(item, alice, django_capture_on_commit_callbacks)
    retry_time_has_come(item)
    tasks.sweep_jira_exports()
    item.refresh_from_db()
    assert item.export_state == ExportState.FAILED and item.export_next_attempt_at is None
    assert item.incident.entries.filter(metadata__change="jira_failed").count() == 2
    assert "press Retry" in item.incident.entries.filter(metadata__change="jira_failed").last().body


def test_it_retries_when_jira_cannot_be_reached(
    item, alice, settings, eager_celery, django_capture_on_commit_callbacks
):
    with FakeJira() as closed:
        url = closed.url
    settings.JIRA = {**settings.JIRA, "BASE_URL": url, "PROJECT_KEY": "OPS", "TIMEOUT": 2}
    item = export(item, alice, django_capture_on_commit_callbacks)
    assert item.export_state == ExportState.FAILED and item.export_error.startswith(f"Could not reach Jira at {url}")
    assert item.export_next_attempt_at is not None


def test_it_picks_up_an_export_a_dead_worker_left_half_done(jira, item):
    ActionItem.objects.filter(pk=item.pk).update(
        export_state=ExportState.SENDING, export_claimed_at=timezone.now() - timedelta(minutes=11)
    )
    assert follow_up.exports_due() == [item.pk]
    tasks.export_action_item_to_jira(item.pk)
    item.refresh_from_db()
    assert item.export_state == ExportState.EXPORTED


def test_it_exports_all_of_a_postmortems_items(
    jira, eager_celery, incident, alice, bob, raise_item, django_capture_on_commit_callbacks
):
    postmortem = Postmortem.objects.create(incident=incident)
    first = raise_item(incident, bob, postmortem=postmortem)
    second = raise_item(incident, bob, postmortem=postmortem, title="Document the failover")
    raise_item(incident, bob, title="Tune the pool")  # raised in the room, not in the postmortem
    with django_capture_on_commit_callbacks(execute=True):
        queued = item_actions.request_postmortem_jira_export(postmortem, actor=alice)
        tasks.send_to_jira_on_commit(*queued)
    assert [i.pk for i in queued] == [first.pk, second.pk]
    assert sorted(ActionItem.objects.filter(postmortem=postmortem).values_list("jira_key", flat=True)) == [
        "OPS-7",
        "OPS-8",
    ]
    assert len(jira.requests) == 2
    with pytest.raises(actions.ActionConflict, match="already in Jira"):
        item_actions.request_postmortem_jira_export(postmortem, actor=alice)


def test_it_refuses_to_export_without_jira_configured(item, alice, settings):
    settings.JIRA = {**settings.JIRA, "BASE_URL": "", "PROJECT_KEY": ""}
    with pytest.raises(actions.ActionError, match="Jira is not configured"):
        item_actions.request_jira_export(item, actor=alice)
    item.refresh_from_db()
    assert item.export_state == ExportState.NONE


def test_it_exports_by_api(jira, eager_celery, api, item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/action-items/{item.pk}/jira")
    assert response.status_code == 202
    assert response.json()["export_state"] == "pending"
    assert api.get(f"/api/v1/action-items/{item.pk}").json()["jira_key"] == "OPS-7"
    assert api.post(f"/api/v1/action-items/{item.pk}/jira").status_code == 409


def test_it_shows_the_failure_and_a_retry_button_on_the_item_page(
    jira, eager_celery, item, alice, django_capture_on_commit_callbacks
):
    from django.test import Client

    jira.then(400, {"errorMessages": ["Project OPS does not exist."], "errors": {}})
    export(item, alice, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(alice)
    html = client.get(item.get_absolute_url()).content.decode()
    assert (
        "Export failed after 1 attempt: Jira rejected the issue (HTTP 400). Jira said: Project OPS does not exist."
        in html
    )
    assert "Retry now" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/action-items/{item.pk}/jira/")
    assert response.status_code == 302
    assert (
        f'<a href="{jira.url}/browse/OPS-7"><strong>OPS-7</strong></a>'
        in client.get(item.get_absolute_url()).content.decode()
    )


def test_it_exports_a_postmortems_items_from_its_button(
    jira, eager_celery, incident, alice, bob, raise_item, django_capture_on_commit_callbacks
):
    from django.test import Client

    postmortem = Postmortem.objects.create(incident=incident)
    item = raise_item(incident, bob, postmortem=postmortem)
    client = Client()
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/action-items/postmortem/{postmortem.pk}/jira/", {"next": f"/postmortems/{postmortem.pk}/"}
        )
    assert response.status_code == 302 and response["Location"] == f"/postmortems/{postmortem.pk}/"
    item.refresh_from_db()
    assert item.jira_key == "OPS-7"
    response = client.post(f"/action-items/postmortem/{postmortem.pk}/jira/", follow=True)
    assert "Every action item of this postmortem is already in Jira" in response.content.decode()


def test_it_sends_an_export_whose_task_was_lost(jira, eager_celery, item, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item_actions.request_jira_export(item, actor=alice)  # the message never reached the broker
    assert jira.requests == []
    tasks.sweep_jira_exports()
    item.refresh_from_db()
    assert item.export_state == ExportState.EXPORTED and len(jira.requests) == 1
