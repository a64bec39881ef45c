"""API tokens worth trusting: a name, a scope, an optional expiry, last use; issued and revoked from a page."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from incidents import actions
from incidents.models import ApiToken, AuditEvent, TokenScope


def bearer(raw):
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_command_issues_a_scoped_expiring_token(alice):
    out = StringIO()
    call_command(
        "issue_api_token", "alice", "--scope", "read", "--expires-in-days", "7", "--name", "grafana", stdout=out
    )
    raw = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.scope == TokenScope.READ and token.name == "grafana"
    assert timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= timedelta(days=7)
    assert raw.startswith(token.prefix) and raw not in str(token.__dict__)
    assert AuditEvent.objects.get(action="token_created").detail["scope"] == "read"


def test_a_read_token_reads_and_is_refused_every_write(incident, alice):
    _, raw = ApiToken.issue(alice, name="reader", scope=TokenScope.READ)
    client = bearer(raw)
    assert client.get(f"/api/v1/incidents/{incident.pk}").status_code == 200
    count = incident.entries.count()
    for method, path, body in [
        ("post", f"/api/v1/incidents/{incident.pk}/timeline", {"kind": "note", "body": "x"}),
        ("post", "/api/v1/incidents", {"title": "x", "severity": "SEV3"}),
        ("post", f"/api/v1/incidents/{incident.pk}/status", {"status": "identified"}),
        ("patch", f"/api/v1/incidents/{incident.pk}", {"title": "renamed"}),
    ]:
        response = getattr(client, method)(path, body, content_type="application/json")
        assert response.status_code == 403, (path, response.content)
        assert "read-only" in response.json()["error"]
    assert incident.entries.count() == count


def test_an_expired_or_revoked_token_is_refused(incident, alice):
    expired, expired_raw = ApiToken.issue(alice, expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(expired_raw).get("/api/v1/incidents").status_code == 401
    token, raw = ApiToken.issue(alice)
    assert bearer(raw).get("/api/v1/incidents").status_code == 200
    actions.revoke_token(token, actor=alice)
    assert bearer(raw).get("/api/v1/incidents").status_code == 401
    with pytest.raises(actions.ActionConflict):
        actions.revoke_token(token, actor=alice)


def test_only_an_admin_gets_an_admin_token(alice):
    with pytest.raises(actions.ActionError, match="Only an admin's token"):
        actions.issue_token(alice, name="x", scope="admin")


def test_last_use_is_recorded(incident, alice):
    token, raw = ApiToken.issue(alice)
    assert token.last_used_at is None
    bearer(raw).get("/api/v1/incidents")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_token_page_shows_the_secret_once_and_revokes(alice):
    client = Client()
    client.force_login(alice)
    page = client.post("/tokens/", {"name": "deploy bot", "scope": "write", "expires_in_days": "30"})
    assert page.status_code == 200
    raw = re.search(r'id="new-token">(wr_[^<]+)<', page.content.decode()).group(1)
    assert bearer(raw).get("/api/v1/incidents").status_code == 200
    again = client.get("/tokens/").content.decode()
    assert raw not in again and "deploy bot" in again and raw[:10] in again
    token = ApiToken.objects.get(name="deploy bot")
    client.post(f"/tokens/{token.pk}/revoke/")
    assert bearer(raw).get("/api/v1/incidents").status_code == 401
    tokens = AuditEvent.objects.filter(action__startswith="token_").order_by("at", "id")  # sign-ins are logged too
    assert [e.action for e in tokens] == ["token_created", "token_revoked"]


def test_the_token_page_shows_errors_next_to_the_field(alice):
    client = Client()
    client.force_login(alice)
    page = client.post("/tokens/", {"name": "", "scope": "write", "expires_in_days": "0"})
    assert page.status_code == 400
    html = page.content.decode()
    assert html.count('class="field-error"') == 2
    assert not ApiToken.objects.exists()


def test_nobody_revokes_someone_elses_token(alice, bob):
    token, raw = ApiToken.issue(alice)
    client = Client()
    client.force_login(bob)
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 404
    assert bearer(raw).get("/api/v1/incidents").status_code == 200


def test_team_membership_changes_in_the_admin_are_audited(alice, bob):
    from django.contrib.auth import get_user_model

    from incidents.models import Team

    root = get_user_model().objects.create_superuser("root", password=None)
    client = Client()
    client.force_login(root)
    team = Team.objects.create(name="Security", slug="security")
    form = {"name": "Security", "slug": "security", "idp_group": "", "members": [alice.pk, bob.pk], "leads": [alice.pk]}
    assert client.post(f"/admin/incidents/team/{team.pk}/change/", form).status_code == 302
    form["members"] = [alice.pk]
    client.post(f"/admin/incidents/team/{team.pk}/change/", form)
    lines = [
        (e.actor_name, e.detail["role"], e.detail["change"], e.detail["users"])
        for e in AuditEvent.objects.filter(action="team_membership").order_by("id")
    ]
    assert lines == [
        ("root", "member", "add", ["alice", "bob"]),
        ("root", "lead", "add", ["alice"]),
        ("root", "member", "remove", ["bob"]),
    ]
