"""GET /api/v1/insights: the Interfaces shape, JSON errors, and only what the token's user may see."""

import pytest
from django.test import Client

DURATIONS = [
    "time_to_acknowledge",
    "time_to_mitigate",
    "time_to_resolve",
    "time_to_first_internal_update",
    "time_to_first_external_update",
]


def test_it_answers_the_figures_of_the_period(scripted, api):
    response = api.get("/api/v1/insights", days=30, include_drills="false")
    assert response.status_code == 200
    body = response.json()
    assert body["incidents"] == 2
    for key in DURATIONS:
        assert set(body[key]) == {"p50_seconds", "p90_seconds", "mean_seconds", "count"}
    assert body["time_to_mitigate"]["p50_seconds"] == pytest.approx(2850)
    assert body["update_promises_kept_ratio"] == 0.5
    assert body["postmortems_on_time_ratio"] == 1.0
    assert body["action_items_done_on_time_ratio"] == 0.5


def test_it_filters_by_service_team_severity_and_drills(scripted, api):
    assert api.get("/api/v1/insights", days=90, service="search").json()["incidents"] == 1
    assert api.get("/api/v1/insights", team="payments").json()["incidents"] == 2
    assert api.get("/api/v1/insights", severity="SEV2").json()["incidents"] == 1
    assert api.get("/api/v1/insights", include_drills="true").json()["incidents"] == 3


def test_it_counts_private_incidents_only_for_those_who_may_see_them(scripted, api, api_as, carol):
    assert api.get("/api/v1/insights").json()["incidents"] == 2
    assert api_as(carol).get("/api/v1/insights").json()["incidents"] == 3


def test_it_answers_bad_input_with_a_json_error(db, api):
    for params in ({"days": "x"}, {"service": "nope"}, {"severity": "SEV9"}, {"start": "2026-01-02"}):
        response = api.get("/api/v1/insights", **params)
        assert response.status_code == 400, params
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["error"].startswith("Invalid request")


def test_it_refuses_a_request_without_a_token(db):
    response = Client().get("/api/v1/insights")
    assert response.status_code == 401
    assert "error" in response.json()


def test_it_answers_zero_incidents_with_empty_figures(db, api):
    body = api.get("/api/v1/insights").json()
    assert body["incidents"] == 0
    assert body["time_to_mitigate"] == {"p50_seconds": None, "p90_seconds": None, "mean_seconds": None, "count": 0}
    assert body["update_promises_kept_ratio"] is None
