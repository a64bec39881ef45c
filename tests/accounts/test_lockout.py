"""Sign-in lockout (django-axes): repeated wrong passwords lock that account from that address, with a clear
message on the form; an admin unlocks it; every sign-in, failure and lockout is in the audit log with the address."""

import pytest

from accounts.actions import SIGN_IN_UNLOCKED
from incidents.actions import AuditAction
from incidents.models import AuditEvent
from tests.accounts.provider import closed_port


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def sign_in(client, password, username="alice", address="203.0.113.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_it_locks_after_repeated_failures_with_a_message_on_the_form(client, alice, limit):
    for _ in range(limit - 1):
        answer = sign_in(client, "wrong")
        assert answer.status_code == 200 and b"Please enter a correct username and password" in answer.content
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    assert "sign-in is locked for 15 minutes" in locked.content.decode()
    assert b'name="password"' in locked.content  # the form again, not a bare error page

    right_password = sign_in(client, "pw-alice-123")
    assert right_password.status_code == 429 and "_auth_user_id" not in client.session

    # Three wrong passwords; the lock, then the refused attempt with the right one.
    failures = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert failures.count() == limit
    assert set(failures.values_list("address", "actor_name")) == {("203.0.113.7", "alice")}
    lockouts = AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).order_by("id")
    assert [line.detail["refused"] for line in lockouts] == [False, True]
    assert set(lockouts.values_list("address", "actor_name")) == {("203.0.113.7", "alice")}


def test_the_lock_holds_that_address_only(client, alice, limit):
    for _ in range(limit):
        sign_in(client, "wrong")
    elsewhere = sign_in(client, "pw-alice-123", address="198.51.100.20")
    assert elsewhere.status_code == 302


def test_an_admin_unlocks_from_the_users_admin(client, alice, limit, django_user_model):
    for _ in range(limit):
        sign_in(client, "wrong")
    root = django_user_model.objects.create_superuser("root", "root@example.com", "root-pw-123")
    admin = client.__class__()
    admin.force_login(root)
    answer = admin.post("/admin/auth/user/", {"action": "unlock_sign_in", "_selected_action": [alice.pk]}, follow=True)
    assert "Unlocked sign-in for alice" in answer.content.decode()
    unlock = AuditEvent.objects.get(action=SIGN_IN_UNLOCKED)
    assert (unlock.actor, unlock.detail["username"], unlock.detail["attempts_cleared"]) == (root, "alice", 1)

    signed_in = sign_in(client, "pw-alice-123")
    assert signed_in.status_code == 302 and signed_in.url == "/incidents/"
    login = AuditEvent.objects.get(action=AuditAction.LOGIN, actor=alice)
    assert (login.actor, login.address, login.detail["method"]) == (alice, "203.0.113.7", "password")


def test_sign_out_is_audited(client, alice):
    sign_in(client, "pw-alice-123")
    client.post("/logout/", REMOTE_ADDR="203.0.113.7")
    logout = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert (logout.actor, logout.address) == (alice, "203.0.113.7")
    assert "_auth_user_id" not in client.session


def test_a_failed_sso_return_is_audited(client, db, settings):
    # The provider sends someone back, then cannot be reached to redeem the code: no user, a line on record.
    settings.OIDC_ISSUER, settings.OIDC_RP_CLIENT_ID = f"http://127.0.0.1:{closed_port()}", "warroom"
    session = client.session
    session["oidc_states"] = {"s1": {"nonce": "n1", "code_verifier": "v" * 64}}
    session.save()
    answer = client.get("/oidc/callback/", {"code": "abc", "state": "s1"}, REMOTE_ADDR="203.0.113.8", follow=True)
    assert answer.redirect_chain[-1][0] == "/login/"
    assert "did not work" in answer.content.decode()
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (failed.address, failed.detail) == ("203.0.113.8", {"method": "sso"})
