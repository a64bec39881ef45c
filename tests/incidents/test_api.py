"""The JSON API: bearer tokens, every endpoint, and errors that are JSON, precise, and write nothing."""

import pytest
from django.core.management import call_command

from incidents.models import ApiToken, Incident, TimelineEntry


def test_it_refuses_requests_without_a_valid_token(client, alice):
    response = client.get("/api/v1/incidents")
    assert response.status_code == 401
    assert "bearer token" in response.json()["error"]
    response = client.get("/api/v1/incidents", HTTP_AUTHORIZATION="Bearer wr_not-a-token")
    assert response.status_code == 401


def test_it_refuses_revoked_tokens_and_inactive_users(api, alice):
    assert api.get("/api/v1/incidents").status_code == 200
    ApiToken.objects.update(revoked_at="2026-01-01T00:00Z")
    assert api.get("/api/v1/incidents").status_code == 401
    ApiToken.objects.update(revoked_at=None)
    alice.is_active = False
    alice.save()
    assert api.get("/api/v1/incidents").status_code == 401


def test_it_stores_only_the_token_hash(alice, capsys):
    call_command("issue_api_token", "alice")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert raw.startswith("wr_") and raw not in token.token_hash and token.prefix == raw[:10]
    assert ApiToken.objects.authenticate(raw) == alice


def test_it_declares_an_incident(api, alice, bob, checkout):
    response = api.post(
        "/api/v1/incidents",
        {
            "title": "Checkout down",
            "severity": "SEV1",
            "summary": "cards fail",
            "services": ["checkout"],
            "commander": "bob",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["ref"] == f"INC-{body['id']}"
    assert body["severity"] == "SEV1" and body["status"] == "investigating" and body["services"] == ["checkout"]
    assert body["roles"] == {"commander": "bob", "tech_lead": None, "comms_lead": None, "scribe": None, "deputy": None}
    assert body["url"].endswith(f"/incidents/{body['id']}/")
    assert body["mitigated_at"] is None and body["resolved_at"] is None and body["declared_at"]


@pytest.mark.parametrize(
    "payload, status, message",
    [
        ({"title": "x", "severity": "SEV9"}, 400, "severity"),
        ({"severity": "SEV2"}, 400, "title"),
        ({"title": "", "severity": "SEV2"}, 400, "Title cannot be empty."),
        ({"title": "x" * 300, "severity": "SEV2"}, 400, "the limit is 200"),
        ({"title": "ok", "severity": "SEV2", "services": ["nope"]}, 400, "Unknown service(s): nope."),
        ({"title": "ok", "severity": "SEV2", "commander": "ghost"}, 400, "No active user named “ghost”."),
    ],
)
def test_it_rejects_bad_declarations_and_writes_nothing(api, payload, status, message):
    response = api.post("/api/v1/incidents", payload)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert Incident.objects.count() == 0 and TimelineEntry.objects.count() == 0


def test_it_answers_malformed_json_with_400(api):
    response = api.post("/api/v1/incidents", raw="{not json")
    assert response.status_code == 400
    assert response.json()["error"]
    assert Incident.objects.count() == 0


def test_it_lists_open_resolved_and_all(api, alice):
    from incidents import actions

    open_one = actions.declare_incident(actor=alice, title="Open", severity="SEV3")
    done = actions.declare_incident(actor=alice, title="Done", severity="SEV3")
    actions.resolve(done, actor=alice)
    ids = lambda status: [i["id"] for i in api.get("/api/v1/incidents", status=status).json()["items"]]  # noqa: E731
    assert ids("open") == [open_one.pk]
    assert ids("resolved") == [done.pk]
    assert sorted(ids("all")) == sorted([open_one.pk, done.pk])
    assert api.get("/api/v1/incidents", status="bogus").status_code == 400


def test_it_lists_without_a_query_per_incident(api, alice, django_assert_max_num_queries):
    from incidents import actions

    for n in range(15):
        actions.declare_incident(actor=alice, title=f"Incident {n}", severity="SEV4")
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/incidents").json()["items"]) == 15


def test_it_gets_one_incident_and_404s_unknown_ones(api, incident):
    assert api.get(f"/api/v1/incidents/{incident.pk}").json()["title"] == "Checkout returns 500"
    response = api.get("/api/v1/incidents/999999")
    assert response.status_code == 404
    assert response.json() == {"error": "There is no incident INC-999999."}


def test_it_posts_and_reads_the_timeline_oldest_first(api, incident):
    first = api.post(f"/api/v1/incidents/{incident.pk}/timeline", {"kind": "finding", "body": "p99 latency **4s**"})
    assert first.status_code == 201
    entry = first.json()
    assert (
        entry["kind"] == "finding"
        and entry["actor"] == "alice"
        and entry["html"] == "<p>p99 latency <strong>4s</strong></p>"
    )
    api.post(f"/api/v1/incidents/{incident.pk}/timeline", {"kind": "note", "body": "second"})
    items = api.get(f"/api/v1/incidents/{incident.pk}/timeline").json()["items"]
    assert [i["kind"] for i in items] == ["declared", "finding", "note"]
    later = api.get(f"/api/v1/incidents/{incident.pk}/timeline", after=entry["id"]).json()["items"]
    assert [i["body"] for i in later] == ["second"]


@pytest.mark.parametrize(
    "payload", [{"kind": "note", "body": ""}, {"kind": "status", "body": "x"}, {"body": "x" * 20_001}, {"kind": "note"}]
)
def test_it_rejects_bad_entries(api, incident, payload):
    response = api.post(f"/api/v1/incidents/{incident.pk}/timeline", payload)
    assert response.status_code == 400 and response.json()["error"]
    assert incident.entries.count() == 1


def test_it_assigns_roles(api, incident, bob):
    response = api.post(f"/api/v1/incidents/{incident.pk}/roles", {"role": "tech_lead", "username": "bob"})
    assert response.status_code == 200
    assert response.json()["roles"]["tech_lead"] == "bob"


@pytest.mark.parametrize(
    "payload, status, message",
    [
        ({"role": "captain", "username": "bob"}, 400, "role"),
        ({"role": "tech_lead", "username": "ghost"}, 400, "No active user named “ghost”."),
        ({"role": "commander", "username": "alice"}, 409, "already Incident Commander"),
    ],
)
def test_it_rejects_bad_role_changes(api, incident, bob, payload, status, message):
    response = api.post(f"/api/v1/incidents/{incident.pk}/roles", payload)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert incident.entries.count() == 1


def test_it_changes_status_and_severity(api, incident):
    response = api.post(f"/api/v1/incidents/{incident.pk}/status", {"status": "mitigated"})
    assert response.status_code == 200 and response.json()["status"] == "mitigated" and response.json()["mitigated_at"]
    assert api.post(f"/api/v1/incidents/{incident.pk}/status", {"status": "mitigated"}).status_code == 409
    assert api.post(f"/api/v1/incidents/{incident.pk}/status", {"status": "done"}).status_code == 400
    response = api.post(f"/api/v1/incidents/{incident.pk}/severity", {"severity": "SEV1"})
    assert response.status_code == 200 and response.json()["severity"] == "SEV1"
    assert api.post(f"/api/v1/incidents/{incident.pk}/severity", {"severity": "SEV0"}).status_code == 400


def test_it_forbids_observers_from_writing(api_as, observer, incident):
    client = api_as(observer)
    assert client.get(f"/api/v1/incidents/{incident.pk}").status_code == 200
    response = client.post(f"/api/v1/incidents/{incident.pk}/timeline", {"kind": "note", "body": "hi"})
    assert response.status_code == 403 and "Observers" in response.json()["error"]
    assert client.post("/api/v1/incidents", {"title": "x", "severity": "SEV3"}).status_code == 403


def test_it_publishes_an_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path in [
        "/api/v1/incidents",
        "/api/v1/incidents/{incident_id}",
        "/api/v1/incidents/{incident_id}/timeline",
        "/api/v1/incidents/{incident_id}/roles",
        "/api/v1/incidents/{incident_id}/status",
        "/api/v1/incidents/{incident_id}/severity",
    ]:
        assert path in schema["paths"], path
