"""The room's comms panel and composer, the executive summary, and the API (the status page: tests/statuspage/)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents import actions
from incidents.comms import actions as comms
from incidents.models import EntryKind, Incident, StatusUpdate

SECRET_NOTE = "db-primary-7 disk full, Bob's cron job"


@pytest.fixture
def client_as():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def public_incident(incident, alice, bob):
    """An incident with internal chatter and one approved external update."""
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


# --- the room ---------------------------------------------------------------------------------------------


def test_it_shows_the_countdown_and_a_prefilled_composer_in_the_room(
    incident, alice, client_as, django_assert_max_num_queries
):
    actions.post_entry(incident, kind="decision", body="Roll back checkout to v41.", actor=alice)
    client = client_as(alice)
    with django_assert_max_num_queries(30):
        page = client.get(incident.get_absolute_url()).content.decode()
    assert 'id="comms-panel"' in page and "Next update due" in page and "in 30 min" in page
    assert "Investigating (SEV2 · Major). Affected: Checkout." in page
    assert "- Roll back checkout to v41." in page  # the latest decision, prefilled as an action taken
    assert "We are investigating reports of problems with Checkout." in page  # external wording template


def test_it_loads_the_panel_with_a_constant_number_of_queries(
    incident, alice, bob, client_as, django_assert_num_queries
):
    client = client_as(alice)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(incident.get_absolute_url())
    for n in range(6):
        comms.post_update(incident, actor=bob, audience="external", status=f"Draft {n}")
        comms.post_update(incident, actor=alice, audience="internal", status=f"Update {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(incident.get_absolute_url()).content.decode()
    assert page.count('class="draft"') == 6


def test_it_posts_an_update_from_the_composer_with_htmx(incident, alice, client_as):
    response = client_as(alice).post(
        reverse("incidents:post_update", args=[incident.pk]),
        {
            "audience": "internal",
            "status": "Error rate falling.",
            "actions": "",
            "next_steps": "",
            "next_update_in_minutes": "20",
        },
        HTTP_HX_REQUEST="true",
        HTTP_X_WARROOM_AFTER="0",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="update-composer"' in html and 'id="comms-panel"' in html and "in 20 min" in html
    assert "Error rate falling." in html  # the new timeline entry, caught up
    assert Incident.objects.get(pk=incident.pk).next_update_due_at > timezone.now() + timedelta(minutes=19)


def test_it_rerenders_the_composer_with_the_error_and_422(incident, alice, client_as):
    response = client_as(alice).post(
        reverse("incidents:post_update", args=[incident.pk]),
        {"audience": "internal", "status": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.content.decode() and "This field is required." in response.content.decode()
    assert StatusUpdate.objects.count() == 0


def test_it_approves_from_the_room_and_refuses_with_a_message(incident, alice, bob, client_as):
    draft = comms.post_update(incident, actor=bob, audience="external", status="Investigating.")
    url = reverse("incidents:approve_update", args=[incident.pk, draft.pk])
    refused = client_as(bob).post(url, HTTP_HX_REQUEST="true")
    assert (
        refused.status_code == 422
        and "Only the Incident Commander or the Communications Lead" in refused.content.decode()
    )
    approved = client_as(alice).post(url, HTTP_HX_REQUEST="true")
    assert approved.status_code == 200 and 'id="draft-' not in approved.content.decode()
    assert StatusUpdate.objects.get(pk=draft.pk).state == "published"


def test_it_sets_the_cadence_from_the_room_without_js(incident, alice, client_as):
    response = client_as(alice).post(
        reverse("incidents:set_cadence", args=[incident.pk]), {"update_cadence_minutes": "10"}
    )
    assert response.status_code == 302
    assert Incident.objects.get(pk=incident.pk).update_cadence_minutes == 10


def test_it_keeps_observers_out_of_the_composer(incident, observer, client_as):
    client = client_as(observer)
    assert 'id="update-composer"' not in client.get(incident.get_absolute_url()).content.decode()
    assert (
        client.post(
            reverse("incidents:post_update", args=[incident.pk]), {"audience": "internal", "status": "x"}
        ).status_code
        == 403
    )


# --- executive summary -----------------------------------------------------------------------------------------


def test_it_prints_an_executive_summary(public_incident, alice, client_as):
    actions.post_entry(public_incident, kind="decision", body="Fail over to the replica.", actor=alice)
    page = client_as(alice).get(reverse("incidents:executive_summary", args=[public_incident.pk])).content.decode()
    for text in [
        "Executive summary",
        "SEV2",
        "Investigating",
        "Checkout",
        "Fail over to the replica.",
        "Next update",
        "Updates on time: 2",
    ]:
        assert text in page
    assert "We are investigating errors at checkout." in page  # on the status page


# --- JSON API --------------------------------------------------------------------------------------------------------


def test_it_posts_an_internal_update_by_api(incident, api):
    response = api.post(
        f"/api/v1/incidents/{incident.pk}/updates",
        {"audience": "internal", "status": "Still investigating", "next_update_in_minutes": 15},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "published" and body["audience"] == "internal" and body["on_time"] is True
    incident_json = api.get(f"/api/v1/incidents/{incident.pk}").json()
    assert incident_json["next_update_due_at"] == body["next_update_due_at"]
    assert incident_json["update_cadence_minutes"] is None


def test_it_drafts_an_external_update_by_api_and_approves_it(incident, api, api_as, bob):
    draft = (
        api_as(bob)
        .post(f"/api/v1/incidents/{incident.pk}/updates", {"audience": "external", "status": "Investigating errors."})
        .json()
    )
    assert draft["state"] == "draft" and draft["public_state"] == "investigating"
    refused = api_as(bob).post(f"/api/v1/updates/{draft['id']}/approve")
    assert refused.status_code == 403 and "Only the Incident Commander" in refused.json()["error"]
    approved = api.post(f"/api/v1/updates/{draft['id']}/approve")
    assert (
        approved.status_code == 200
        and approved.json()["state"] == "published"
        and approved.json()["approved_by"] == "alice"
    )
    assert api.post(f"/api/v1/updates/{draft['id']}/approve").status_code == 409
    assert api.post("/api/v1/updates/999999/approve").status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        {"audience": "public", "status": "x"},
        {"audience": "internal"},
        {"audience": "internal", "status": "x", "next_update_in_minutes": 500},
        {"audience": "internal", "status": "   "},
    ],
)
def test_it_answers_bad_updates_with_json_errors_and_writes_nothing(incident, api, payload):
    response = api.post(f"/api/v1/incidents/{incident.pk}/updates", payload)
    assert response.status_code == 400 and response.json()["error"]
    assert StatusUpdate.objects.count() == 0


def test_it_patches_the_cadence_by_api(incident, api):
    response = api.patch(f"/api/v1/incidents/{incident.pk}", {"update_cadence_minutes": 10})
    assert response.status_code == 200 and response.json()["update_cadence_minutes"] == 10
    assert api.patch(f"/api/v1/incidents/{incident.pk}", {"update_cadence_minutes": 0}).status_code == 400
    assert api.patch(f"/api/v1/incidents/{incident.pk}", {"update_cadence_minutes": 241}).status_code == 400
    reset = api.patch(f"/api/v1/incidents/{incident.pk}", {"update_cadence_minutes": None})
    assert reset.status_code == 200 and reset.json()["update_cadence_minutes"] is None
    assert incident.entries.filter(
        kind=EntryKind.SYSTEM, body__contains="reset the update cadence to the SEV2 default"
    ).exists()


def test_it_keeps_observers_from_posting_updates_by_api(incident, api_as, observer):
    response = api_as(observer).post(
        f"/api/v1/incidents/{incident.pk}/updates", {"audience": "internal", "status": "x"}
    )
    assert response.status_code == 403


def test_it_documents_the_endpoints_in_openapi(api):
    schema = api.get("/api/v1/openapi.json").json()
    assert "/api/v1/incidents/{incident_id}/updates" in schema["paths"]
    assert "/api/v1/updates/{update_id}/approve" in schema["paths"]
    assert "patch" in schema["paths"]["/api/v1/incidents/{incident_id}"]
    assert "next_update_due_at" in schema["components"]["schemas"]["IncidentOut"]["properties"]


def test_it_leads_the_executive_summary_with_the_newest_update(incident, alice, client_as):
    comms.post_update(incident, actor=alice, audience="internal", status="First look: errors at checkout.")
    comms.post_update(incident, actor=alice, audience="internal", status="Rolled back; errors falling.")
    page = client_as(alice).get(reverse("incidents:executive_summary", args=[incident.pk])).content.decode()
    latest = page[page.index("Latest update") : page.index("Decisions")]
    assert "Rolled back; errors falling." in latest and "First look" not in latest
