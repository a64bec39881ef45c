"""Scheduled maintenance: planned from the app and the API, started and completed by the sweeper exactly once,
listed on the status page with its components under maintenance while it runs."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from statuspage import actions as status_actions
from statuspage import tasks
from statuspage.models import Maintenance
from warroom.errors import ActionError


def plan(**changes):
    start = timezone.now() + timedelta(hours=1)
    fields = {
        "title": "Database upgrade",
        "body": "Checkout may be slow.",
        "services": ["checkout"],
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
    }
    return {**fields, **changes}


# --- actions ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"title": "  "}, "title", "Title"),
        ({"body": ""}, "body", "Public text"),
        ({"services": []}, "components", "at least one"),
        ({"services": ["checkout", "nope"]}, "components", "Unknown component: nope"),
        ({"ends_at": timezone.now() + timedelta(minutes=30)}, "ends_at", "after the start"),
        (
            {"starts_at": timezone.now() - timedelta(hours=2), "ends_at": timezone.now() - timedelta(hours=1)},
            "ends_at",
            "over already",
        ),
        ({"ends_at": timezone.now() + timedelta(days=20)}, "ends_at", "at most 14 days"),
        ({"starts_at": "tomorrow"}, "starts_at", "give a date and time"),
    ],
)
def test_it_refuses_a_window_that_makes_no_sense(checkout, alice, changes, field, message):
    with pytest.raises(ActionError) as refused:
        status_actions.schedule_maintenance(**plan(**changes), actor=alice)
    assert refused.value.field == field and message in refused.value.message
    assert not Maintenance.objects.exists()


def test_it_reads_a_naive_time_as_utc(checkout, alice):
    start = (timezone.now() + timedelta(days=1)).replace(tzinfo=None, microsecond=0)
    window = status_actions.schedule_maintenance(
        **plan(starts_at=start, ends_at=start + timedelta(hours=1)), actor=alice
    )
    assert window.starts_at == start.replace(tzinfo=UTC) and window.status == "scheduled"


def test_it_starts_a_window_that_has_begun_at_once(checkout, alice):
    window = status_actions.schedule_maintenance(**plan(starts_at=timezone.now() - timedelta(minutes=1)), actor=alice)
    assert window.status == "in_progress" and window.started_at is not None


def test_the_sweeper_starts_and_completes_each_window_once(maintenance_window):
    before = maintenance_window.starts_at - timedelta(seconds=1)
    assert status_actions.sweep_maintenances(now=before) == {"started": [], "completed": []}
    at_start = maintenance_window.starts_at
    assert status_actions.sweep_maintenances(now=at_start) == {"started": [maintenance_window.pk], "completed": []}
    assert status_actions.sweep_maintenances(now=at_start) == {"started": [], "completed": []}  # run twice: once
    window = Maintenance.objects.get()
    assert window.status == "in_progress" and window.started_at == at_start
    at_end = maintenance_window.ends_at
    assert status_actions.sweep_maintenances(now=at_end) == {"started": [], "completed": [maintenance_window.pk]}
    assert status_actions.sweep_maintenances(now=at_end) == {"started": [], "completed": []}
    window.refresh_from_db()
    assert window.status == "completed" and window.completed_at == at_end


def test_the_sweeper_catches_up_a_window_it_missed_entirely(maintenance_window):
    later = maintenance_window.ends_at + timedelta(hours=3)
    assert status_actions.sweep_maintenances(now=later) == {
        "started": [maintenance_window.pk],
        "completed": [maintenance_window.pk],
    }
    assert Maintenance.objects.get().status == "completed"


def test_a_claimed_step_is_not_claimed_again(maintenance_window):
    assert status_actions.start_maintenance(maintenance_window.pk) is True
    assert status_actions.start_maintenance(maintenance_window.pk) is False
    assert status_actions.complete_maintenance(maintenance_window.pk) is True
    assert status_actions.complete_maintenance(maintenance_window.pk) is False


def test_beat_runs_the_sweeper_as_a_task(maintenance_window, eager_celery):
    assert settings.CELERY_BEAT_SCHEDULE["status-page-maintenances"]["task"] == tasks.sweep_maintenances.name
    Maintenance.objects.filter(pk=maintenance_window.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    tasks.sweep_maintenances.delay()
    assert Maintenance.objects.get().status == "in_progress"


# --- the status page ------------------------------------------------------------------------------------------------


def test_it_lists_upcoming_maintenance_on_the_status_page(maintenance_window):
    html = Client().get("/status/").content.decode()
    assert "Scheduled maintenance" in html and "Database upgrade" in html and "<strong>slow</strong>" in html
    assert "Maintenance in progress" not in html
    assert 'class="component-state component-operational">Operational' in html


def test_it_shows_components_under_maintenance_while_it_runs(maintenance_window):
    status_actions.sweep_maintenances(now=maintenance_window.starts_at)
    html = Client().get("/status/").content.decode()
    assert html.count("Maintenance in progress") == 2  # the banner and the section
    assert 'class="component-state component-under_maintenance">Under maintenance' in html
    status_actions.sweep_maintenances(now=maintenance_window.ends_at)
    html = Client().get("/status/").content.decode()
    assert "Database upgrade" not in html and "All systems operational" in html


def test_an_outage_outranks_maintenance(public_incident, maintenance_window):
    status_actions.sweep_maintenances(now=maintenance_window.starts_at)
    html = Client().get("/status/").content.decode()
    assert "Partial outage on some services" in html
    assert 'class="component-state component-partial_outage">Partial outage' in html


# --- the form in the app ------------------------------------------------------------------------------------------------


def test_a_writer_schedules_maintenance_from_the_form(checkout, alice, client):
    client.force_login(alice)
    assert 'id="maintenance-form"' in client.get("/status/maintenances/").content.decode()
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    response = client.post(
        "/status/maintenances/",
        {
            "title": "Card network failover test",
            "body": "Payments may retry once.",
            "components": ["checkout"],
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    assert response.redirect_chain == [("/status/maintenances/", 302)]
    assert "Scheduled “Card network failover test”" in response.content.decode()
    window = Maintenance.objects.get()
    assert [s.slug for s in window.services.all()] == ["checkout"] and window.starts_at == start.replace(second=0)


def test_the_form_says_what_is_wrong_next_to_the_field(checkout, alice, client):
    client.force_login(alice)
    start = datetime.now(UTC) + timedelta(days=1)
    response = client.post(
        "/status/maintenances/",
        {
            "title": "Upgrade",
            "body": "x",
            "components": ["checkout"],
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 422 and "The end must be after the start." in html
    assert html.index("The end must be after the start.") > html.index('id="maintenance-ends_at"')
    assert 'aria-invalid="true"' in html and not Maintenance.objects.exists()


def test_observers_read_the_windows_but_cannot_schedule(maintenance_window, observer, client):
    client.force_login(observer)
    page = client.get("/status/maintenances/").content.decode()
    assert "Database upgrade" in page and 'id="maintenance-form"' not in page
    assert client.post("/status/maintenances/", {"title": "x"}).status_code == 403


def test_the_form_needs_a_login(db):
    assert Client().get("/status/maintenances/").status_code == 302


# --- the JSON API ------------------------------------------------------------------------------------------------------


def test_it_schedules_and_lists_maintenance_by_api(checkout, api):
    response = api.post(
        "/api/v1/maintenances",
        {
            "title": "Database upgrade",
            "body": "Checkout may be slow.",
            "components": ["checkout"],
            "starts_at": "2031-03-01T02:00:00Z",
            "ends_at": "2031-03-01T03:00:00+00:00",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "scheduled" and body["components"] == ["checkout"]
    assert body["starts_at"].startswith("2031-03-01T02:00:00") and body["url"].endswith(f"#maintenance-{body['id']}")
    listed = api.get("/api/v1/maintenances").json()["items"]
    assert [item["id"] for item in listed] == [body["id"]]
    assert api.get("/api/v1/maintenances", status="completed").json()["items"] == []


@pytest.mark.parametrize(
    "payload, field",
    [
        (
            {
                "title": "x",
                "body": "y",
                "components": ["nope"],
                "starts_at": "2031-03-01T02:00Z",
                "ends_at": "2031-03-01T03:00Z",
            },
            "components",
        ),
        (
            {
                "title": "x",
                "body": "y",
                "components": ["checkout"],
                "starts_at": "2031-03-01T02:00Z",
                "ends_at": "2031-03-01T01:00Z",
            },
            "ends_at",
        ),
        (
            {
                "title": "x",
                "body": "y",
                "components": ["checkout"],
                "starts_at": "soon",
                "ends_at": "2031-03-01T01:00Z",
            },
            "starts_at",
        ),
        (
            {
                "title": "x",
                "components": ["checkout"],
                "starts_at": "2031-03-01T02:00Z",
                "ends_at": "2031-03-01T03:00Z",
            },
            "body",
        ),
    ],
)
def test_it_answers_bad_maintenance_with_a_json_error(checkout, api, payload, field):
    response = api.post("/api/v1/maintenances", payload)
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert field in response.content.decode() and response.json()["error"]
    assert not Maintenance.objects.exists()


def test_it_refuses_maintenance_from_observers_and_strangers(checkout, api_as, observer):
    payload = {
        "title": "x",
        "body": "y",
        "components": ["checkout"],
        "starts_at": "2031-03-01T02:00Z",
        "ends_at": "2031-03-01T03:00Z",
    }
    assert api_as(observer).post("/api/v1/maintenances", payload).status_code == 403
    assert Client().post("/api/v1/maintenances", payload, content_type="application/json").status_code == 401
    assert not Maintenance.objects.exists()
