"""The Statuspage-compatible JSON under /status/api/v2/: compared field by field with a real Statuspage answer,
read by a published Statuspage client, cached by ETag, in a constant number of queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents import actions
from incidents.models import Service
from statuspage import actions as status_actions

from .conftest import ENDPOINTS, FIXTURE, add_public_incidents, approved

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")  # as Statuspage writes them
COMPONENT_STATUSES = {"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}
INCIDENT_STATUSES = {"investigating", "identified", "monitoring", "resolved", "postmortem"}
MAINTENANCE_STATUSES = {"scheduled", "in_progress", "verifying", "completed"}
IMPACTS = {"none", "minor", "major", "critical", "maintenance"}
INDICATORS = {"none", "minor", "major", "critical", "maintenance"}


def v2(path, **headers):
    return Client().get(f"/status/api/v2/{path}", **headers)


@pytest.fixture
def busy_page(public_incident, alice, checkout, maintenance_window):
    """Every kind of thing a Statuspage answer holds: an open incident, a resolved one, maintenance scheduled,
    in progress and completed, on two components."""
    search = Service.objects.create(name="Search", slug="search")
    old = actions.declare_incident(actor=alice, title="Search index lag", severity="SEV3", services=[search])
    for state, component in [("investigating", "degraded_performance"), ("resolved", "operational")]:
        approved(old, status=f"Search is {state}.", public_state=state, component_state=component)
    actions.resolve(old, actor=alice)
    now = timezone.now()
    status_actions.schedule_maintenance(
        title="Search reindex",
        body="Search results may be stale.",
        services=["search"],
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
        actor=alice,
    )
    done = status_actions.schedule_maintenance(
        title="Network switch swap",
        body="Brief blips.",
        services=["checkout"],
        starts_at=now + timedelta(minutes=1),
        ends_at=now + timedelta(minutes=2),
        actor=alice,
    )
    status_actions.sweep_maintenances(now=now + timedelta(minutes=1, seconds=1))
    status_actions.sweep_maintenances(now=now + timedelta(minutes=3))
    done.refresh_from_db()
    assert done.status == "completed"
    return public_incident


def same_shape(ours, theirs, where):
    """Every field of Statuspage's object is in ours with the same JSON type (null where Statuspage allows it),
    and ours has no field Statuspage lacks."""
    assert set(ours) == set(theirs), f"{where}: {sorted(set(ours) ^ set(theirs))}"
    for key, value in theirs.items():
        mine = ours[key]
        if mine is None or value is None:
            continue  # nullable in Statuspage's answers (resolved_at, description, affected_components, ...)
        assert type(mine) is type(value), (
            f"{where}.{key}: {type(mine).__name__} where Statuspage has {type(value).__name__}"
        )
        if isinstance(value, str) and STAMP.match(value):
            assert STAMP.match(mine), f"{where}.{key}: {mine!r} is not a Statuspage timestamp"


def compare_component(ours, where):
    same_shape(ours, FIXTURE["components.json"]["components"][0], where)
    assert ours["status"] in COMPONENT_STATUSES


def compare_incident(ours, where, *, prototype, statuses):
    same_shape(ours, prototype, where)
    assert ours["status"] in statuses and ours["impact"] in IMPACTS
    assert ours["incident_updates"], f"{where}: no updates"
    for n, update in enumerate(ours["incident_updates"]):
        same_shape(update, prototype["incident_updates"][0], f"{where}.incident_updates[{n}]")
        assert update["status"] in statuses
        for affected in update["affected_components"] or []:
            same_shape(
                affected,
                FIXTURE["incidents.json"]["incidents"][0]["incident_updates"][0]["affected_components"][0],
                where,
            )
    for n, component in enumerate(ours["components"]):
        compare_component(component, f"{where}.components[{n}]")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_it_answers_each_endpoint_field_by_field_as_statuspage_does(busy_page, endpoint):
    response = v2(endpoint)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    ours, theirs = response.json(), FIXTURE[endpoint]
    assert list(ours) == list(theirs)  # the same top-level keys, in Statuspage's order
    same_shape(ours["page"], theirs["page"], "page")
    if "status" in ours:
        same_shape(ours["status"], theirs["status"], "status")
        assert ours["status"]["indicator"] in INDICATORS
    for n, component in enumerate(ours.get("components", [])):
        compare_component(component, f"components[{n}]")
    for n, incident in enumerate(ours.get("incidents", [])):
        compare_incident(
            incident, f"incidents[{n}]", prototype=FIXTURE["incidents.json"]["incidents"][0], statuses=INCIDENT_STATUSES
        )
    for n, window in enumerate(ours.get("scheduled_maintenances", [])):
        compare_incident(
            window,
            f"scheduled_maintenances[{n}]",
            prototype=FIXTURE["scheduled-maintenances.json"]["scheduled_maintenances"][0],
            statuses=MAINTENANCE_STATUSES,
        )


def test_it_fills_every_list_the_comparison_reads(busy_page):
    """The field-by-field comparison above is only as good as the lists it walks: none is empty."""
    counts = {
        endpoint: {key: len(value) for key, value in v2(endpoint).json().items() if isinstance(value, list)}
        for endpoint in ENDPOINTS
    }
    assert counts == {
        "summary.json": {"components": 2, "incidents": 1, "scheduled_maintenances": 2},
        "status.json": {},
        "components.json": {"components": 2},
        "incidents.json": {"incidents": 2},
        "incidents/unresolved.json": {"incidents": 1},
        "scheduled-maintenances.json": {"scheduled_maintenances": 3},
        "scheduled-maintenances/upcoming.json": {"scheduled_maintenances": 1},
        "scheduled-maintenances/active.json": {"scheduled_maintenances": 1},
    }


def test_it_says_what_customers_were_told(busy_page):
    summary = v2("summary.json").json()
    assert summary["status"] == {"indicator": "major", "description": "Partial System Outage"}
    assert {c["id"]: c["status"] for c in summary["components"]} == {
        "checkout": "partial_outage",
        "search": "under_maintenance",
    }
    [incident] = summary["incidents"]
    assert incident["name"] == "Checkout errors" and incident["status"] == "investigating"
    assert incident["impact"] == "major" and incident["resolved_at"] is None
    assert incident["shortlink"] == f"http://127.0.0.1:8000/status/incidents/{busy_page.pk}/"
    [update] = incident["incident_updates"]
    assert update["body"] == "**Current status:** We are investigating errors at checkout."
    assert update["affected_components"] == [
        {"code": "checkout", "name": "Checkout", "old_status": "operational", "new_status": "partial_outage"}
    ]
    by_name = {i["name"]: i for i in v2("incidents.json").json()["incidents"]}
    resolved = by_name["Problems with Search"]  # the headline the composer proposed, approved with the update
    assert resolved["status"] == "resolved" and resolved["impact"] == "minor" and resolved["resolved_at"]
    assert [u["status"] for u in resolved["incident_updates"]] == ["resolved", "investigating"]
    windows = {m["name"]: m for m in v2("scheduled-maintenances.json").json()["scheduled_maintenances"]}
    assert {name: m["status"] for name, m in windows.items()} == {
        "Database upgrade": "scheduled",
        "Search reindex": "in_progress",
        "Network switch swap": "completed",
    }
    assert [u["status"] for u in windows["Network switch swap"]["incident_updates"]] == [
        "completed",
        "in_progress",
        "scheduled",
    ]
    assert windows["Database upgrade"]["incident_updates"][0]["body"] == "Checkout may be **slow** for a few minutes."


def test_it_shows_maintenance_as_the_page_indicator_when_nothing_is_broken(maintenance_window, alice):
    status_actions.sweep_maintenances(now=maintenance_window.starts_at)
    assert v2("status.json").json()["status"] == {
        "indicator": "maintenance",
        "description": "Service Under Maintenance",
    }
    [component] = v2("components.json").json()["components"]
    assert component["id"] == "checkout" and component["status"] == "under_maintenance"
    status_actions.sweep_maintenances(now=maintenance_window.ends_at)
    assert v2("status.json").json()["status"] == {"indicator": "none", "description": "All Systems Operational"}


def test_it_names_the_page_from_the_branding_settings(settings, public_incident):
    settings.WARROOM = {
        **settings.WARROOM,
        "STATUS_PAGE": {"NAME": "Acme status", "PUBLIC_URL": "https://status.acme.test/"},
    }
    page = v2("status.json").json()["page"]
    assert page["name"] == "Acme status" and page["url"] == "https://status.acme.test"
    assert page["time_zone"] == "Etc/UTC" and len(page["id"]) == 12
    shortlink = v2("incidents.json").json()["incidents"][0]["shortlink"]
    assert shortlink == f"https://status.acme.test/incidents/{public_incident.pk}/"


# --- caching ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_it_answers_a_conditional_get_with_304(public_incident, endpoint):
    first = v2(endpoint)
    assert first["Cache-Control"] == "public, max-age=30" and first["Access-Control-Allow-Origin"] == "*"
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = v2(endpoint, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert v2(endpoint, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_it_changes_the_etag_when_customers_are_told_something_new(public_incident, alice):
    etag = v2("summary.json")["ETag"]
    approved(public_incident, status="A fix is rolling out.")
    fresh = v2("summary.json", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag
    assert "A fix is rolling out." in fresh.content.decode()


def test_it_refuses_writes_to_the_public_api(public_incident):
    assert Client().post("/status/api/v2/summary.json").status_code == 405
    assert Client().head("/status/api/v2/summary.json").status_code == 200


# --- query counts -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["summary.json", "incidents.json", "scheduled-maintenances.json"])
def test_it_answers_in_a_constant_number_of_queries(public_incident, maintenance_window, alice, endpoint):
    with CaptureQueriesContext(connection) as few:
        v2(endpoint)
    add_public_incidents(alice, 8)
    with CaptureQueriesContext(connection) as many:
        body = v2(endpoint).json()
    assert len(many.captured_queries) == len(few.captured_queries) <= 10
    if endpoint != "scheduled-maintenances.json":
        assert len(body["incidents"]) == 9


# --- a published Statuspage client reads it unchanged -----------------------------------------------------------------


def test_it_is_read_by_a_published_statuspage_client(live_app, busy_page, tmp_path, monkeypatch):
    """statuspage-prometheus-exporter (PyPI) polls Statuspage's summary.json over HTTP and parses it; here it polls
    this app's, served by the real ASGI server."""
    monkeypatch.chdir(tmp_path)  # the exporter keeps a cache/ folder in its working directory
    from statuspage_prometheus_exporter.service_checker import check_status_page_service

    result = check_status_page_service("warroom", {"url": f"{live_app.url}/status/api/v2/summary.json"})
    assert result["success"] is True and result["raw_status"] == "major"
    assert result["incident_metadata"] == [
        {
            "id": str(busy_page.pk),
            "name": "Checkout errors",
            "status": "investigating",
            "impact": "major",
            "started_at": result["incident_metadata"][0]["updated_at"],
            "updated_at": result["incident_metadata"][0]["updated_at"],
            "shortlink": f"{live_app.url}/status/incidents/{busy_page.pk}/",
            "affected_components": ["Checkout"],
        }
    ]
    assert result["details"] == f"Checkout errors (affects: Checkout) - {live_app.url}/status/incidents/{busy_page.pk}/"
    assert {(m["name"], m["status"], tuple(m["affected_components"])) for m in result["maintenance_metadata"]} == {
        ("Database upgrade", "scheduled", ("Checkout",)),
        ("Search reindex", "in_progress", ("Search",)),
    }
    assert {c["name"]: c["status"] for c in result["component_metadata"]} == {
        "Checkout": "partial_outage",
        "Search": "under_maintenance",
    }
