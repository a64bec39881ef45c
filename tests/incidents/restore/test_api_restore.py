"""The restore stage over the JSON API: the same actions, JSON errors with the right status, nothing written on error."""

from datetime import timedelta

import pytest

from incidents import actions
from incidents.models import Decision, Deploy, EntryKind, FlagChange, Theory


def test_it_records_a_deploy_and_notes_it_in_the_room(api, incident):
    response = api.post(
        "/api/v1/deploys",
        {
            "service": "checkout",
            "version": "v2.4.1",
            "environment": "production",
            "deployed_by": "ci-bot",
            "url": "https://ci.example/run/7",
            "deployed_at": "2026-01-02T03:04:05Z",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["service"] == "checkout"
        and body["version"] == "v2.4.1"
        and body["deployed_at"].startswith("2026-01-02T03:04:05")
    )
    assert incident.entries.filter(kind=EntryKind.DEPLOY).count() == 1


@pytest.mark.parametrize(
    "payload, status, message",
    [
        ({"service": "nope", "version": "v1"}, 400, "Unknown service “nope”"),
        ({"service": "checkout", "version": " "}, 400, "Version cannot be empty."),
        ({"service": "checkout", "version": "v1", "url": "javascript:alert(1)"}, 400, "The url must start with http"),
        ({"service": "checkout"}, 400, "version"),
    ],
)
def test_it_refuses_bad_deploys_with_json_errors(api, checkout, payload, status, message):
    response = api.post("/api/v1/deploys", payload)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert Deploy.objects.count() == 0


def test_it_records_flag_changes(api, incident):
    response = api.post(
        "/api/v1/flag-changes", {"service": "checkout", "flag": "new-cart", "enabled": True, "changed_by": "dana"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["enabled"] is True
    assert FlagChange.objects.get().changed_by == "dana"
    assert "`new-cart` turned on by dana" in incident.entries.last().body


def test_it_refuses_change_records_from_observers_and_strangers(api_as, observer, checkout, client):
    assert (
        api_as(observer)
        .post("/api/v1/flag-changes", {"service": "checkout", "flag": "x", "enabled": False})
        .status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/deploys", {"service": "checkout", "version": "v1"}, content_type="application/json"
        ).status_code
        == 401
    )
    assert FlagChange.objects.count() == Deploy.objects.count() == 0


def test_it_assesses_impact_and_answers_the_suggestion(api, incident):
    response = api.post(
        f"/api/v1/incidents/{incident.pk}/assessment",
        {"services": ["checkout"], "users_affected_pct": 40, "core_flow_down": True},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["suggested_severity"] == "SEV1"
    assert body["reason"] == "core Checkout flow down and 40% of users affected → SEV1"
    confirmed = api.post(f"/api/v1/incidents/{incident.pk}/assessment/confirm", {})
    assert confirmed.status_code == 200 and confirmed.json()["severity"] == "SEV1"


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"users_affected_pct": 140, "core_flow_down": True}, "users_affected_pct"),
        ({"users_affected_pct": 10}, "core_flow_down"),
        ({"services": ["ghost"], "users_affected_pct": 10, "core_flow_down": False}, "Unknown service(s): ghost."),
    ],
)
def test_it_refuses_bad_assessments(api, incident, payload, message):
    response = api.post(f"/api/v1/incidents/{incident.pk}/assessment", payload)
    assert response.status_code == 400 and message in response.json()["error"]
    assert not incident.assessments.exists()


def test_it_answers_409_when_someone_else_than_the_ic_confirms(api_as, bob, incident):
    api = api_as(bob)
    assert (
        api.post(f"/api/v1/incidents/{incident.pk}/assessment/confirm", {}).status_code == 409
    )  # nothing to confirm yet
    api.post(f"/api/v1/incidents/{incident.pk}/assessment", {"users_affected_pct": 40, "core_flow_down": True})
    response = api.post(f"/api/v1/incidents/{incident.pk}/assessment/confirm", {"severity": "SEV1"})
    assert response.status_code == 409
    assert response.json()["error"].startswith("Only the Incident Commander (Alice Ng) can confirm the severity.")


def test_it_corrects_timestamps(api, incident):
    response = api.patch(f"/api/v1/incidents/{incident.pk}/timestamps", {"started_at": "2026-01-01T00:00:00Z"})
    assert response.status_code == 200 and response.json()["started_at"].startswith("2026-01-01T00:00:00")
    bad = api.patch(f"/api/v1/incidents/{incident.pk}/timestamps", {"detected_at": "2025-12-31T00:00:00Z"})
    assert bad.status_code == 400 and bad.json()["error"] == "Detection cannot come before the impact started."


def test_it_logs_a_decision_and_its_outcome(api, api_as, bob, incident):
    api.post(f"/api/v1/incidents/{incident.pk}/roles", {"role": "tech_lead", "username": "bob"})
    response = api.post(
        f"/api/v1/incidents/{incident.pk}/decisions",
        {
            "question": "Roll back checkout?",
            "options": ["roll back", "flag off"],
            "chosen": "roll back",
            "risk": "loses tax fix",
            "revert_plan": "redeploy",
            "timebox_minutes": 15,
        },
    )
    assert response.status_code == 201, response.content
    decision = response.json()
    assert (
        decision["state"] == "proposed"
        and decision["owner"] == "bob"
        and decision["options"] == ["roll back", "flag off"]
    )
    too_early = api.post(f"/api/v1/decisions/{decision['id']}/outcome", {"outcome": "worked"})
    assert too_early.status_code == 409
    assert api_as(bob).post(f"/api/v1/decisions/{decision['id']}/decide").status_code == 409, "only the IC decides"
    decided = api.post(f"/api/v1/decisions/{decision['id']}/decide")
    assert decided.status_code == 200 and decided.json()["state"] == "decided" and decided.json()["timebox_until"]
    closed = api.post(f"/api/v1/decisions/{decision['id']}/outcome", {"outcome": "no_effect", "note": "still 5xx"})
    assert closed.status_code == 200 and closed.json()["outcome"] == "no_effect" and closed.json()["state"] == "closed"
    listed = api.get(f"/api/v1/incidents/{incident.pk}/decisions").json()["items"]
    assert [d["outcome"] for d in listed] == ["no_effect"]


def test_it_refuses_bad_decisions(api, incident):
    path = f"/api/v1/incidents/{incident.pk}/decisions"
    assert api.post(path, {"question": "q?"}).status_code == 400
    response = api.post(path, {"question": "q?", "chosen": "x", "owner": "ghost"})
    assert response.status_code == 400 and response.json()["error"] == "No active user named “ghost”."
    bad_outcome = api.post("/api/v1/decisions/999999/outcome", {"outcome": "worked"})
    assert bad_outcome.status_code == 404
    assert (
        api.post(path, {"question": "q?", "chosen": "x", "outcome": "great"}).status_code == 201
    )  # unknown keys are ignored
    decision = Decision.objects.get()
    assert api.post(f"/api/v1/decisions/{decision.pk}/outcome", {"outcome": "great"}).status_code == 400


def test_it_keeps_a_theories_board(api, incident):
    created = api.post(
        f"/api/v1/incidents/{incident.pk}/theories", {"hypothesis": "DNS", "evidence": "resolver timeouts"}
    )
    assert created.status_code == 201
    theory = created.json()
    ruled_out = api.post(f"/api/v1/theories/{theory['id']}/state", {"state": "ruled_out", "evidence": "dig is fine"})
    assert ruled_out.status_code == 200 and ruled_out.json()["state"] == "ruled_out"
    assert api.post(f"/api/v1/theories/{theory['id']}/state", {"state": "ruled_out"}).status_code == 409
    assert api.post(f"/api/v1/theories/{theory['id']}/state", {"state": "maybe"}).status_code == 400
    assert api.post(f"/api/v1/incidents/{incident.pk}/theories", {"hypothesis": ""}).status_code == 400
    assert [t["state"] for t in api.get(f"/api/v1/incidents/{incident.pk}/theories").json()["items"]] == ["ruled_out"]
    assert Theory.objects.count() == 1


def test_it_hands_off_command_when_the_new_ic_accepts(api, api_as, bob, incident):
    offered = api.post(f"/api/v1/incidents/{incident.pk}/roles", {"role": "commander", "username": "bob"})
    assert offered.status_code == 200 and offered.json()["roles"]["commander"] == "alice"
    assert api.post(f"/api/v1/incidents/{incident.pk}/handoff/accept").status_code == 409, "alice cannot accept for bob"
    accepted = api_as(bob).post(f"/api/v1/incidents/{incident.pk}/handoff/accept")
    assert accepted.status_code == 200 and accepted.json()["roles"]["commander"] == "bob"
    assert incident.entries.filter(kind=EntryKind.BRIEFING).exists()
    assert api_as(bob).post(f"/api/v1/incidents/{incident.pk}/handoff/accept").status_code == 409, (
        "nothing left to accept"
    )


def test_it_answers_409_when_the_ic_would_also_be_tech_lead(api, incident):
    response = api.post(f"/api/v1/incidents/{incident.pk}/roles", {"role": "tech_lead", "username": "alice"})
    assert response.status_code == 409
    assert response.json()["error"].startswith("Alice Ng is Incident Commander and cannot also be Tech Lead")


def test_it_documents_the_restore_endpoints(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/deploys",
        "/api/v1/flag-changes",
        "/api/v1/incidents/{incident_id}/assessment",
        "/api/v1/incidents/{incident_id}/decisions",
        "/api/v1/decisions/{decision_id}/outcome",
        "/api/v1/theories/{theory_id}/state",
    ]:
        assert path in paths


def test_it_lists_recovery_options_beside_recent_changes(api, incident, checkout):
    before = actions.record_deploy(
        service=checkout, version="v2.4.1", deployed_at=incident.started_at - timedelta(minutes=5)
    )
    actions.record_flag_change(service=checkout, flag="new-cart", enabled=True)
    body = api.get(f"/api/v1/incidents/{incident.pk}/recovery").json()
    assert body["services"][0]["service"] == "checkout"
    assert [m["kind"] for m in body["services"][0]["mitigations"]] == [
        "flag_off",
        "rollback",
        "restart",
        "scale_out",
        "failover",
        "shed_load",
    ]
    assert [d["version"] for d in body["deploys"]] == ["v2.4.1"] and body["preceding_deploy"] == before.pk
    assert [f["flag"] for f in body["flag_changes"]] == ["new-cart"]


def test_it_withdraws_proposals_and_declines_offers(api, api_as, bob, incident):
    decision = api.post(
        f"/api/v1/incidents/{incident.pk}/decisions", {"question": "Restart?", "chosen": "Restart"}
    ).json()
    assert api.post(f"/api/v1/decisions/{decision['id']}/withdraw").json()["state"] == "withdrawn"
    assert api.post(f"/api/v1/decisions/{decision['id']}/withdraw").status_code == 409
    api.post(f"/api/v1/incidents/{incident.pk}/roles", {"role": "commander", "username": "bob"})
    declined = api_as(bob).post(f"/api/v1/incidents/{incident.pk}/handoff/cancel")
    assert declined.status_code == 200 and declined.json()["roles"]["commander"] == "alice"
    assert incident.entries.last().body == "Bob Ortiz declined the offer of Incident Commander."
