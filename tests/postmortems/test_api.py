"""GET/PUT /api/v1/incidents/{id}/postmortem and POST .../publish."""

from postmortems import actions


def test_it_answers_404_until_drafted(api, incident):
    response = api.get(f"/api/v1/incidents/{incident.pk}/postmortem")
    assert response.status_code == 404
    assert "drafted when the incident resolves" in response.json()["error"]


def test_it_reads_the_document_with_findings(api, postmortem, alice):
    actions.save_postmortem(postmortem, markdown="We should have rolled back.", version=1, actor=alice)
    body = api.get(f"/api/v1/incidents/{postmortem.incident_id}/postmortem").json()
    assert set(body) == {"id", "status", "version", "markdown", "html", "findings"}
    assert body["version"] == 2 and body["status"] == "draft"
    assert body["findings"] == [
        {
            "rule": "should-have",
            "excerpt": "should have",
            "message": body["findings"][0]["message"],
            "suggestion": body["findings"][0]["suggestion"],
        }
    ]


def test_it_saves_with_the_version_and_refuses_a_stale_one(api, postmortem):
    path = f"/api/v1/incidents/{postmortem.incident_id}/postmortem"
    ok = api.put(path, {"markdown": "First", "version": 1})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = api.put(path, {"markdown": "Second", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["version"] == 2 and stale.json()["markdown"] == "First" and stale.json()["error"]
    assert api.get(path).json()["markdown"] == "First"


def test_it_rejects_bad_input_as_json_and_writes_nothing(api, postmortem):
    path = f"/api/v1/incidents/{postmortem.incident_id}/postmortem"
    assert api.put(path, {"markdown": "x"}).status_code == 400
    empty = api.put(path, {"markdown": "  ", "version": 1})
    assert empty.status_code == 400 and empty.json()["error"] == "The postmortem cannot be empty."
    assert api.get(path).json()["version"] == 1


def test_it_publishes_after_review(api, postmortem):
    base = f"/api/v1/incidents/{postmortem.incident_id}/postmortem"
    assert api.post(f"{base}/publish").status_code == 409
    assert api.post(f"{base}/review").json()["status"] == "in_review"
    assert api.post(f"{base}/publish").json()["status"] == "published"
    late = api.put(base, {"markdown": "late", "version": 1})
    assert late.status_code == 409
    assert set(late.json()) >= {"error", "version", "markdown"}  # the 409's schema, for a published one too
    assert late.json()["markdown"] != "late"


def test_observers_cannot_write(api_as, observer, postmortem):
    response = api_as(observer).put(
        f"/api/v1/incidents/{postmortem.incident_id}/postmortem", {"markdown": "x", "version": 1}
    )
    assert response.status_code == 403


def test_it_is_documented_in_the_openapi_schema(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "put"} <= set(paths["/api/v1/incidents/{incident_id}/postmortem"])
    assert "post" in paths["/api/v1/incidents/{incident_id}/postmortem/publish"]
