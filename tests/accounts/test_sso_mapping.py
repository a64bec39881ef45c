"""Single sign-on without a browser: who a set of verified claims becomes, and what the groups claim grants.
The browser test (tests/browser/test_accounts_sso.py) runs the same through a real provider."""

import pytest
from django.contrib.auth.models import Group

from accounts import actions
from accounts.models import Identity
from accounts.oidc import ProviderUnavailable, discovery
from incidents.access import OBSERVERS_GROUP
from incidents.actions import AuditAction
from incidents.models import AuditEvent, Team
from tests.accounts.provider import closed_port

ISSUER = "https://idp.example.com"


@pytest.fixture
def sso(settings):
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = "warroom"
    settings.OIDC_PROVIDER_NAME = "Okta"
    settings.OIDC_ADMIN_GROUPS = ["wr-admins"]
    settings.OIDC_OBSERVER_GROUPS = ["wr-observers"]
    return settings


def claims(sub="00u1", username="dana", groups=()):
    return {"sub": sub, "preferred_username": username, "email": f"{username}@example.com", "groups": list(groups)}


def test_it_creates_the_user_on_first_sign_in_and_matches_by_subject_after(db, sso):
    user = actions.sign_in_from_claims(claims(), issuer=ISSUER)
    assert user.username == "dana" and user.email == "dana@example.com" and not user.has_usable_password()
    again = actions.sign_in_from_claims(claims(username="dana.renamed"), issuer=ISSUER)
    assert again == user
    assert Identity.objects.get().subject == "00u1"


def test_an_idp_account_named_like_a_local_one_gets_its_own_user(db, sso, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "root@example.com", "break-glass-1")
    user = actions.sign_in_from_claims(claims(sub="evil", username="admin"), issuer=ISSUER)
    assert user != admin and user.username == "admin-2"
    assert not user.is_superuser


def test_the_groups_claim_decides_teams_observers_and_admin(db, sso):
    payments = Team.objects.create(name="Payments", slug="payments", idp_group="payments")
    search = Team.objects.create(name="Search", slug="search", idp_group="search")
    by_hand = Team.objects.create(name="Hand-kept", slug="hand")
    user = actions.sign_in_from_claims(claims(groups=["payments", "wr-admins", "wr-observers"]), issuer=ISSUER)
    by_hand.members.add(user)
    assert set(user.teams.all()) == {payments, by_hand}
    assert user.is_staff and user.is_superuser
    assert user.groups.filter(name=OBSERVERS_GROUP).exists()

    # The IdP moved them: the next sign-in follows, and leaves the hand-kept team alone.
    user = actions.sign_in_from_claims(claims(groups=["search"]), issuer=ISSUER)
    user.refresh_from_db()
    assert set(user.teams.all()) == {search, by_hand}
    assert not user.is_staff and not user.is_superuser
    assert not user.groups.filter(name=OBSERVERS_GROUP).exists()
    changes = list(AuditEvent.objects.filter(action=AuditAction.TEAM_MEMBERSHIP).values_list("detail", flat=True))
    assert [(c["team"], c["change"]) for c in changes] == [
        ("search", "joined"),
        ("payments", "left"),
        ("payments", "joined"),
    ]


def test_groups_it_is_not_told_about_stay_as_the_admin_set_them(db, sso, django_user_model):
    sso.OIDC_ADMIN_GROUPS = []
    sso.OIDC_OBSERVER_GROUPS = []
    user = actions.sign_in_from_claims(claims(), issuer=ISSUER)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.create(name=OBSERVERS_GROUP))
    actions.sign_in_from_claims(claims(), issuer=ISSUER)
    user.refresh_from_db()
    assert user.is_staff and user.groups.filter(name=OBSERVERS_GROUP).exists()


def test_a_user_deactivated_here_cannot_sign_in_with_sso(db, sso):
    user = actions.sign_in_from_claims(claims(), issuer=ISSUER)
    user.is_active = False
    user.save()
    assert actions.sign_in_from_claims(claims(), issuer=ISSUER) is None


def test_a_groups_claim_may_be_a_single_string(sso):
    assert actions.groups_from_claims({"groups": "payments"}) == ["payments"]
    sso.OIDC_GROUPS_CLAIM = "roles"
    assert actions.groups_from_claims({"roles": ["b", "a", "a"]}) == ["a", "b"]


def test_a_provider_that_does_not_answer_sends_people_to_the_local_form(db, client, sso, alice):
    sso.OIDC_ISSUER = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(ProviderUnavailable):
        discovery()
    page = client.get("/login/")
    assert b"Sign in with Okta" in page.content and b'name="password"' in page.content
    answer = client.get("/oidc/authenticate/", follow=True)
    assert answer.redirect_chain[-1][0] == "/login/"
    assert "Okta is not answering" in answer.content.decode()
    # The break-glass path: a local password sign-in does not touch the provider.
    signed_in = client.post("/login/", {"username": "alice", "password": "pw-alice-123"})
    assert signed_in.status_code == 302 and signed_in.url == "/incidents/"


def test_without_sso_the_login_page_has_only_the_local_form(db, client, settings):
    settings.OIDC_ISSUER = ""
    page = client.get("/login/")
    assert b"Sign in with" not in page.content
    assert client.get("/oidc/authenticate/").url == "/login/"
