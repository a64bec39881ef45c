"""Single sign-on in real Chromium against a real OpenID provider (oidc-provider on Node): the provider's own
sign-in and consent pages, users created on first sign-in with their groups mapped, sign-out at both ends, and
the local break-glass login when the provider is down."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.models import Identity
from incidents.access import OBSERVERS_GROUP
from incidents.actions import AuditAction
from incidents.models import AuditEvent, Team
from tests.accounts.provider import oidc_provider  # noqa: F401  (the fixture)
from tests.conftest import screenshot

pytestmark = pytest.mark.browser
User = get_user_model()


def sign_in_at_provider(page, base_url, login):
    page.goto(f"{base_url}/login/")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    # The provider's own pages: its sign-in form, then its consent screen.
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password the test provider accepts")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base_url}/incidents/")


def test_it_signs_in_through_the_provider_and_maps_groups(new_page, live_app, oidc_provider):  # noqa: F811
    payments = Team.objects.create(name="Payments", slug="payments", idp_group="payments")
    search = Team.objects.create(name="Search", slug="search", idp_group="search")
    page = new_page()
    page.goto(f"{live_app.url}/login/")
    expect(page.get_by_role("link", name="Sign in with Test IdP")).to_be_visible()
    expect(page.get_by_label("Username")).to_be_visible()  # the local form stays beside it
    screenshot(page, "accounts-login-with-sso")

    sign_in_at_provider(page, live_app.url, "dana")
    expect(page.locator(".whoami")).to_have_text("dana")
    expect(page.get_by_role("link", name="Admin")).to_be_visible()

    dana = User.objects.get(username="dana")
    assert (dana.email, dana.first_name, dana.last_name) == ("dana@example.com", "Dana", "Scully")
    assert dana.is_staff and dana.is_superuser
    assert not dana.has_usable_password()
    assert list(dana.teams.all()) == [payments]
    assert not search.members.exists()
    identity = Identity.objects.get(user=dana)
    assert (identity.issuer, identity.subject) == (oidc_provider.issuer, "dana")
    login_line = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (login_line.actor, login_line.address, login_line.detail["method"]) == (dana, "127.0.0.1", "sso")

    # Sign out: here, then at the provider, whose page asks first; back on our login page.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{oidc_provider.issuer}/**")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_app.url}/login/")
    page.goto(f"{live_app.url}/incidents/")
    page.wait_for_url(f"{live_app.url}/login/?next=/incidents/")
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=dana).count() == 1

    # The next sign-in is a new session at the provider too: the same user, not a second one.
    sign_in_at_provider(page, live_app.url, "dana")
    assert User.objects.filter(identities__subject="dana").count() == 1


def test_an_observer_group_signs_in_read_only(new_page, live_app, oidc_provider):  # noqa: F811
    page = new_page()
    sign_in_at_provider(page, live_app.url, "oscar")
    oscar = User.objects.get(username="oscar")
    assert oscar.groups.filter(name=OBSERVERS_GROUP).exists()
    assert not oscar.is_staff and not oscar.is_superuser
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)


def test_a_stopped_provider_leaves_the_local_login_working(new_page, live_app, oidc_provider, django_user_model):  # noqa: F811
    django_user_model.objects.create_superuser("admin", "admin@example.com", "break-glass-pw-1")
    page = new_page()
    page.goto(f"{live_app.url}/login/")
    oidc_provider.stop()

    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.wait_for_url(f"{live_app.url}/login/")
    expect(page.get_by_role("status")).to_contain_text("Test IdP is not answering")
    screenshot(page, "accounts-login-idp-down")

    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("break-glass-pw-1")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{live_app.url}/incidents/")
    expect(page.locator(".whoami")).to_have_text("admin")
