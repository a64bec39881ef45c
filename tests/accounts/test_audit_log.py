"""The audit log's surfaces: GET /api/v1/audit for admins (filters, pages, one query per page) and a read-only,
filterable admin page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from incidents.actions import AuditAction, audit
from incidents.models import ApiToken, AuditEvent, TokenScope
from tests.conftest import ApiClient


def admin_client(user):
    _, raw = ApiToken.issue(user, name="audit", scope=TokenScope.ADMIN)
    api = ApiClient(user)
    api.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "root-pw-123")


@pytest.fixture
def lines(alice, bob, incident):
    audit(AuditAction.LOGIN, actor=alice, address="203.0.113.1", method="password")
    audit(AuditAction.LOGIN_FAILED, address="203.0.113.2", username="bob")
    audit(AuditAction.EXPORT, actor=bob, incident=incident, format="csv")
    old = audit(AuditAction.LOGIN, actor=bob, address="203.0.113.3", method="sso")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=3))


def test_admins_read_it_filtered_and_paged(root, lines, incident, django_assert_max_num_queries):
    api = admin_client(root)
    everything = api.get("/api/v1/audit").json()
    assert everything["count"] == 4 and everything["next_offset"] is None
    assert [line["action"] for line in everything["items"]] == ["export", "login_failed", "login", "login"]
    export = everything["items"][0]
    assert (export["actor"], export["incident"], export["detail"]) == ("bob", incident.pk, {"format": "csv"})
    assert everything["items"][1]["actor"] == "bob" and everything["items"][1]["address"] == "203.0.113.2"

    logins = api.get("/api/v1/audit", action="login").json()
    assert [line["address"] for line in logins["items"]] == ["203.0.113.1", "203.0.113.3"]
    assert [line["action"] for line in api.get("/api/v1/audit", actor="bob").json()["items"]] == [
        "export",
        "login_failed",
        "login",
    ]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert api.get("/api/v1/audit", since=since).json()["count"] == 3
    naive = (timezone.now() - timedelta(days=1)).replace(tzinfo=None).isoformat()
    assert api.get("/api/v1/audit", since=naive).status_code == 400  # like every time the API takes: a zone is needed

    first = api.get("/api/v1/audit", limit=3).json()
    assert len(first["items"]) == 3 and first["next_offset"] == 3
    rest = api.get("/api/v1/audit", limit=3, offset=first["next_offset"]).json()
    assert [line["id"] for line in rest["items"]] == [everything["items"][3]["id"]] and rest["next_offset"] is None

    for _ in range(20):
        audit(AuditAction.LOGIN, actor=root, address="203.0.113.4")
    with django_assert_max_num_queries(5):  # token, its last use, the count, the page: none per line
        assert len(api.get("/api/v1/audit", limit=500).json()["items"]) == 24


def test_it_is_for_admins_only_with_an_admin_token(alice, observer, root, lines):
    for user in (alice, observer):
        answer = admin_client(user).get("/api/v1/audit")
        assert answer.status_code == 403 and answer.json()["error"] == "Only admins may use this endpoint."
    write_token = ApiClient(root).get("/api/v1/audit")  # an admin, but a token of `write` scope
    assert write_token.status_code == 403 and "`admin` scope" in write_token.json()["error"]
    assert Client().get("/api/v1/audit").status_code == 401


def test_a_bad_filter_is_a_json_400(root):
    answer = admin_client(root).get("/api/v1/audit", since="yesterday")
    assert answer.status_code == 400 and "since" in answer.json()["error"]


def test_the_admin_page_lists_and_filters_but_never_changes(client, root, lines):
    client.force_login(root)
    page = client.get("/admin/incidents/auditevent/", {"action__exact": "login"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "203.0.113.1" in text and "203.0.113.3" in text and "203.0.113.2" not in text
    first = AuditEvent.objects.filter(action="login").first()
    assert first.at.strftime("%Y-%m-%d %H:%M:%S UTC") in text  # the zone is named
    line = AuditEvent.objects.filter(action="login").first()
    assert client.get("/admin/incidents/auditevent/add/").status_code == 403
    assert client.post(f"/admin/incidents/auditevent/{line.pk}/change/", {"action": "x"}).status_code == 403
    assert client.post(f"/admin/incidents/auditevent/{line.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=line.pk, action="login").exists()
