"""Paging the on-call from the room: a PagerDuty Events API v2 trigger with a link to the room, posted to a real
local server that records it (and can fail), the timeline saying who paged whom, and a resolve when the incident
resolves."""

import json

import pytest
from django.test import Client

from incidents import actions
from incidents.models import EntryKind
from integrations.models import Page, PageState, PagingTarget
from integrations.tasks import send_page
from tests.conftest import ApiClient


@pytest.fixture
def pagerduty(db, settings, recording_server):
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = True
    settings.SITE_URL = "https://warroom.example"
    server = recording_server(status=202, answer=b'{"status": "success", "message": "Event processed"}')
    return server


@pytest.fixture
def target(pagerduty, checkout):
    return PagingTarget.objects.create(
        name="Checkout on-call", kind="pagerduty", url=pagerduty.url, routing_key="r" * 32, service=checkout
    )


def run_queued():
    """What after-commit queued (the triggers and resolves owed), run the way a worker would, retries included."""
    for page_id in Page.objects.filter(state=PageState.PENDING).order_by("pk").values_list("pk", flat=True):
        send_page.apply(args=[page_id, "trigger"])
    for page_id in Page.objects.filter(resolve_state=PageState.PENDING).order_by("pk").values_list("pk", flat=True):
        send_page.apply(args=[page_id, "resolve"])


def actions_page(incident, target, actor):
    from integrations.actions import page_on_call

    return page_on_call(incident, target=target, actor=actor)


def test_a_page_sends_a_pagerduty_trigger_with_a_link_to_the_room(
    pagerduty, target, incident, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        created = actions_page(incident, target, alice)
    run_queued()
    [request] = pagerduty.received
    assert request["headers"]["content-type"] == "application/json"
    event = json.loads(request["body"])
    assert event["routing_key"] == "r" * 32
    assert event["event_action"] == "trigger"
    assert event["dedup_key"] == f"warroom-{incident.pk}-{created.pk}"
    assert event["payload"]["summary"] == f"INC-{incident.pk} [SEV2] Checkout returns 500"
    assert event["payload"]["source"] == "warroom"
    assert event["payload"]["severity"] == "critical"
    room = f"https://warroom.example/incidents/{incident.pk}/"
    assert event["links"] == [{"href": room, "text": f"War room of INC-{incident.pk}"}]
    assert Page.objects.get().state == PageState.SENT
    entry = incident.entries.get(metadata__page=created.pk)
    assert entry.kind == EntryKind.SYSTEM and entry.actor == alice
    assert entry.body == "Alice Ng paged the on-call of Checkout through PagerDuty Events API v2."


@pytest.mark.parametrize(("severity", "expected"), [("SEV1", "critical"), ("SEV3", "error"), ("SEV5", "warning")])
def test_severity_maps_to_pagerduty_severity(
    pagerduty, target, alice, severity, expected, django_capture_on_commit_callbacks
):
    incident = actions.declare_incident(actor=alice, title="Slow", severity=severity)
    with django_capture_on_commit_callbacks(execute=False):
        actions_page(incident, target, alice)
    run_queued()
    assert pagerduty.json()["payload"]["severity"] == expected


def test_a_private_incident_page_names_only_its_ref(pagerduty, target, alice, django_capture_on_commit_callbacks):
    incident = actions.declare_incident(
        actor=alice, title="Acquisition target's database leaked", severity="SEV1", visibility="private"
    )
    with django_capture_on_commit_callbacks(execute=False):
        actions_page(incident, target, alice)
    run_queued()
    raw = pagerduty.received[0]["body"].decode()
    assert pagerduty.json()["payload"]["summary"] == f"INC-{incident.pk} needs you (private incident)"
    assert "leaked" not in raw


def test_a_failing_target_is_retried_then_the_room_hears_the_page_failed_once(
    settings, recording_server, checkout, incident, alice, django_capture_on_commit_callbacks
):
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = True
    failing = recording_server(fail_first=100, fail_status=503)
    target = PagingTarget.objects.create(name="Checkout on-call", url=failing.url, routing_key="k", service=checkout)
    with django_capture_on_commit_callbacks(execute=False):
        created = actions_page(incident, target, alice)
    run_queued()
    run_queued()  # a re-delivered task after the give-up changes nothing
    assert len(failing.received) == settings.PAGING_MAX_RETRIES + 1
    created.refresh_from_db()
    assert created.state == PageState.FAILED and created.last_error == "HTTP 503 Service Unavailable"
    [failure] = incident.entries.filter(kind=EntryKind.SYSTEM, metadata__page_failed=created.pk)
    assert failure.body.startswith(
        "The page to Checkout on-call failed after 6 attempts (HTTP 503 Service Unavailable)."
    )


def test_a_flaky_target_gets_the_page_on_a_retry(
    settings, recording_server, checkout, incident, alice, django_capture_on_commit_callbacks
):
    settings.WARROOM_OUTBOUND_ALLOW_PRIVATE = True
    flaky = recording_server(fail_first=2, fail_status=500)
    target = PagingTarget.objects.create(name="Checkout on-call", url=flaky.url, routing_key="k")
    with django_capture_on_commit_callbacks(execute=False):
        created = actions_page(incident, target, alice)
    run_queued()
    created.refresh_from_db()
    assert len(flaky.received) == 3 and created.state == PageState.SENT
    assert not incident.entries.filter(metadata__has_key="page_failed").exists()


def test_resolving_the_incident_resolves_each_sent_page(
    pagerduty, target, incident, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = actions_page(incident, target, alice)
        second = actions_page(incident, target, alice)
    run_queued()
    with django_capture_on_commit_callbacks(execute=False):
        actions.resolve(incident, actor=alice)
    run_queued()
    events = [json.loads(r["body"]) for r in pagerduty.received]
    resolves = [e for e in events if e["event_action"] == "resolve"]
    assert sorted(e["dedup_key"] for e in resolves) == sorted(
        [f"warroom-{incident.pk}-{first.pk}", f"warroom-{incident.pk}-{second.pk}"]
    )
    assert all(e["routing_key"] == "r" * 32 and "payload" not in e for e in resolves)
    assert set(Page.objects.values_list("resolve_state", flat=True)) == {PageState.SENT}


def test_the_room_form_pages_and_is_hidden_without_targets(
    settings, pagerduty, checkout, incident, alice, django_capture_on_commit_callbacks
):
    settings.PAGING_ROUTING_KEY = ""
    client = Client()
    client.force_login(alice)
    room = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'id="page-on-call"' not in room
    target = PagingTarget.objects.create(name="Checkout on-call", url=pagerduty.url, routing_key="k", service=checkout)
    room = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'id="page-on-call"' in room and f'value="{target.pk}"' in room
    with django_capture_on_commit_callbacks(execute=False):
        answer = client.post(f"/incidents/{incident.pk}/page/", {"target": target.pk}, HTTP_HX_REQUEST="true")
    run_queued()
    assert answer.status_code == 200
    assert pagerduty.json()["event_action"] == "trigger"
    refused = client.post(f"/incidents/{incident.pk}/page/", {"target": "nobody"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422
    assert "No enabled paging target by that name" in refused.content.decode()


def test_observers_see_no_form_and_are_refused(pagerduty, target, incident, observer):
    client = Client()
    client.force_login(observer)
    assert 'id="page-on-call"' not in client.get(f"/incidents/{incident.pk}/").content.decode()
    assert client.post(f"/incidents/{incident.pk}/page/", {"target": target.pk}).status_code == 403
    assert ApiClient(observer).post(f"/api/v1/incidents/{incident.pk}/page", {"target": target.pk}).status_code == 403
    assert not Page.objects.exists() and not pagerduty.received


def test_the_api_pages_by_name_or_id_and_hides_incidents_the_user_cannot_see(
    pagerduty, target, incident, alice, bob, django_capture_on_commit_callbacks
):
    api = ApiClient(alice)
    with django_capture_on_commit_callbacks(execute=False):
        answer = api.post(f"/api/v1/incidents/{incident.pk}/page", {"target": "Checkout on-call"})
    run_queued()
    assert answer.status_code == 202
    body = answer.json()
    assert body["target"] == "Checkout on-call" and body["state"] == "pending" and body["id"] == Page.objects.get().pk
    assert len(pagerduty.received) == 1
    unknown = api.post(f"/api/v1/incidents/{incident.pk}/page", {"target": 999})
    assert unknown.status_code == 400 and "No enabled paging target" in unknown.json()["error"]
    secret = actions.declare_incident(actor=alice, title="Leak", severity="SEV1", visibility="private")
    hidden = ApiClient(bob).post(f"/api/v1/incidents/{secret.pk}/page", {"target": target.pk})
    assert hidden.status_code == 404 and hidden["Content-Type"].startswith("application/json")


def test_the_environment_default_target(settings, pagerduty, incident, alice, django_capture_on_commit_callbacks):
    settings.PAGING_URL = pagerduty.url
    settings.PAGING_ROUTING_KEY = "env-key"
    with django_capture_on_commit_callbacks(execute=False):
        answer = ApiClient(alice).post(f"/api/v1/incidents/{incident.pk}/page", {"target": "default"})
    run_queued()
    assert answer.status_code == 202
    assert pagerduty.json()["routing_key"] == "env-key"
