"""The dead-man's switch and the signal-health page: a source that goes quiet declares "Monitoring is blind", the
notice resolves itself when deliveries return, and the page counts accepted, repeated and rejected deliveries."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from incidents import actions as incident_actions
from incidents.models import Incident
from integrations import actions, heartbeats, tasks
from integrations.models import Delivery, Endpoint

from .conftest import payload


@pytest.fixture
def watchdog(make_endpoint):
    """An Alertmanager endpoint that expects its Watchdog every minute, created a while ago."""
    endpoint, path = make_endpoint("alertmanager", name="prometheus-eu", expect_heartbeat_minutes=1)
    Endpoint.objects.filter(pk=endpoint.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    return endpoint, path


def test_it_declares_once_when_the_heartbeat_stops_and_resolves_when_it_returns(watchdog, sender):
    endpoint, path = watchdog
    sender.deliver(path, payload("alertmanager-firing"))
    assert heartbeats.sweep() == (0, 0)  # heard within the minute
    quiet = timezone.now() + timedelta(minutes=2)

    assert heartbeats.sweep(now=quiet) == (1, 0)
    assert heartbeats.sweep(now=quiet) == (0, 0)  # a second sweep declares nothing more
    blind = Incident.objects.get(title__startswith="Monitoring is blind")
    heard = Delivery.objects.get().received_at
    assert blind.title == f"Monitoring is blind: no heartbeat from prometheus-eu since {heard:%Y-%m-%d %H:%M} UTC"
    assert (blind.severity, blind.status, blind.commander) == ("SEV2", "investigating", endpoint.commander)
    assert blind.started_at == heard

    sender.deliver(path, payload("alertmanager-firing"))  # the Watchdog fires again
    assert heartbeats.sweep() == (0, 1)
    blind.refresh_from_db()
    assert blind.status == "resolved"
    assert "Heartbeats from prometheus-eu are back" in blind.entries.get(kind="status").body
    endpoint.refresh_from_db()
    assert endpoint.blind_incident is None


def test_a_source_that_never_spoke_is_blind_from_its_creation(watchdog):
    endpoint, _ = watchdog
    Endpoint.objects.filter(pk=endpoint.pk).update(heartbeat_severity="SEV1")
    assert tasks.sweep_heartbeats.apply().get() == (1, 0)
    assert Incident.objects.get().severity == "SEV1"


def test_a_notice_people_resolved_stays_resolved_until_the_source_speaks_and_goes_quiet_again(watchdog, sender, alice):
    endpoint, path = watchdog
    heartbeats.sweep()
    first = Incident.objects.get()
    incident_actions.resolve(first, actor=alice, note="Prometheus is being migrated; known.")
    assert heartbeats.sweep() == (0, 0)
    sender.deliver(path, payload("alertmanager-firing"))
    assert heartbeats.sweep() == (0, 1)  # clears the notice without touching the resolved incident
    assert heartbeats.sweep(now=timezone.now() + timedelta(minutes=2)) == (1, 0)
    assert Incident.objects.filter(title__startswith="Monitoring is blind").count() == 2


def test_no_heartbeat_expected_means_no_notice(make_endpoint):
    endpoint, _ = make_endpoint("grafana")
    Endpoint.objects.filter(pk=endpoint.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert heartbeats.sweep() == (0, 0)


# --- the signal-health page ---------------------------------------------------------------------------


def test_the_page_counts_accepted_repeated_and_rejected_deliveries_per_source(
    watchdog, make_endpoint, sender, alice, django_assert_num_queries
):
    endpoint, path = watchdog
    sender.deliver(path, payload("alertmanager-firing"))
    sender.deliver(path, payload("alertmanager-firing"))  # Alertmanager's repeat
    assert sender.post(path, {"alerts": "nope"}).status_code == 400
    _, grafana_path = make_endpoint("grafana", name="grafana-main")
    sender.deliver(grafana_path, payload("grafana-firing"))
    heartbeats.sweep(now=timezone.now() + timedelta(minutes=5))
    client = Client()
    client.force_login(alice)
    with django_assert_num_queries(3):  # session, user, every source with its counts
        page = client.get("/signals/").content.decode()
    row = page.split(f'id="source-{endpoint.pk}"')[1].split("</tr>")[0]
    cells = [c.split(">", 1)[1].split("<")[0] for c in row.split("<td")[1:]]
    assert cells[2:5] == ["1", "1", ""]  # accepted, repeats; rejected shows as a badge
    assert '<span class="badge late">1</span>' in row
    assert "groupKey is missing" in row or "not a Prometheus Alertmanager payload" in row
    assert "blind: INC-" in row
    assert [d.duplicate for d in Delivery.objects.filter(endpoint=endpoint).order_by("pk")] == [False, True]


def test_the_command_sets_the_heartbeat(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("create_endpoint", "alertmanager", "eu", "--expect-heartbeat-minutes", "5", stdout=StringIO())
    assert Endpoint.objects.get().expect_heartbeat_minutes == 5


def test_a_refusal_at_the_door_is_counted_on_the_endpoint(make_endpoint, sender):
    endpoint, path = make_endpoint("grafana", signing_secret="s3cret")
    assert sender.post(path, payload("grafana-firing")).status_code == 401
    endpoint.refresh_from_db()
    assert (endpoint.rejected_count, endpoint.last_error) == (
        1,
        "The signature does not match this endpoint's signing secret.",
    )
    actions.note_rejection(endpoint, "again")
    endpoint.refresh_from_db()
    assert endpoint.rejected_count == 2


def test_an_admin_sets_the_heartbeat_over_the_api(make_endpoint, admin_api, api_as, alice):
    endpoint, _ = make_endpoint("alertmanager", name="eu")
    admin = admin_api
    response = admin.patch(
        f"/api/v1/endpoints/{endpoint.pk}", {"expect_heartbeat_minutes": 5, "heartbeat_severity": "SEV1"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["expect_heartbeat_minutes"] == 5
    endpoint.refresh_from_db()
    assert (endpoint.expect_heartbeat_minutes, endpoint.heartbeat_severity) == (5, "SEV1")
    assert admin.get("/api/v1/endpoints").json()["items"][0]["name"] == "eu"
    bad = admin.patch(f"/api/v1/endpoints/{endpoint.pk}", {"expect_heartbeat_minutes": 0})
    assert bad.status_code == 400 and "between 1 and 10080" in bad.json()["error"]
    assert admin.patch("/api/v1/endpoints/999", {"expect_heartbeat_minutes": 5}).status_code == 404
    assert api_as(alice).patch(f"/api/v1/endpoints/{endpoint.pk}", {"expect_heartbeat_minutes": 5}).status_code == 403
