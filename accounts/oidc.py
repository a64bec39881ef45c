"""Single sign-on by OpenID Connect (mozilla-django-oidc), configured from the issuer's discovery document.

The endpoints are read from `<OIDC_ISSUER>/.well-known/openid-configuration` on first use and kept for an hour.
When the provider does not answer, the SSO button leads back to the login page with a message, and the local
login (the break-glass path) works as before: nothing here runs for a password sign-in.
"""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import actions

logger = logging.getLogger(__name__)

DISCOVERY_CACHE_SECONDS = 3600
# mozilla-django-oidc's setting names for the endpoints, and their keys in the discovery document.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}


class ProviderUnavailable(Exception):
    """The identity provider's discovery document could not be read."""


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def discovery(*, fresh: bool = False) -> dict:
    """The provider's metadata, fetched once and cached (again when `fresh`); ProviderUnavailable when it cannot
    be read."""
    key = f"accounts:oidc-discovery:{settings.OIDC_ISSUER}"
    metadata = None if fresh else cache.get(key)
    if metadata is not None:
        return metadata
    url = f"{settings.OIDC_ISSUER}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"{url}: {exc}") from exc
    if metadata.get("issuer", "").rstrip("/") != settings.OIDC_ISSUER:
        raise ProviderUnavailable(f"{url} names issuer {metadata.get('issuer')!r}, not {settings.OIDC_ISSUER!r}")
    cache.set(key, metadata, DISCOVERY_CACHE_SECONDS)
    return metadata


def forget_discovery() -> None:
    cache.delete(f"accounts:oidc-discovery:{settings.OIDC_ISSUER}")


def oidc_setting(attr, *default):
    """A mozilla-django-oidc setting, with the endpoints taken from the discovery document."""
    if attr in ENDPOINTS:
        return discovery().get(ENDPOINTS[attr], *default) if default else discovery()[ENDPOINTS[attr]]
    return import_from_settings(attr, *default)


class IdentityProviderBackend(OIDCAuthenticationBackend):
    """Answers the SSO callback only: users are matched by issuer and subject and get their groups' access."""

    def __init__(self, *args, **kwargs):
        # The parent reads every endpoint here, for every authenticate() call of every backend, the local
        # password sign-in included: read them when a callback needs them instead, so a down IdP costs nothing.
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()

    def __getattr__(self, name):
        if name.startswith("OIDC_"):
            return oidc_setting(name, None)
        raise AttributeError(name)

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)

    def authenticate(self, request, **kwargs):
        if request is None or not sso_enabled() or "code" not in request.GET or "state" not in request.GET:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (ProviderUnavailable, requests.RequestException) as exc:
            logger.warning("single sign-on failed: %s", exc)
            return None

    def get_or_create_user(self, access_token, id_token, payload):
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        return actions.sign_in_from_claims(claims, issuer=settings.OIDC_ISSUER, request=self.request)


def unavailable(request):
    messages.error(
        request,
        f"{settings.OIDC_PROVIDER_NAME} is not answering. Sign in with your local Warroom account below; "
        "ask an admin for one if you have none.",
    )
    return redirect("login")


class SignInView(OIDCAuthenticationRequestView):
    """/oidc/authenticate/: off to the provider's sign-in page, or back to the login page when it is down."""

    def __init__(self, *args, **kwargs):
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)

    def get(self, request):
        if not sso_enabled():
            return redirect("login")
        try:
            # Read afresh at each sign-in: a provider that went down sends people to the local form, not to an error.
            self.OIDC_OP_AUTH_ENDPOINT = discovery(fresh=True)["authorization_endpoint"]
        except (ProviderUnavailable, KeyError) as exc:
            logger.warning("single sign-on unavailable: %s", exc)
            return unavailable(request)
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """/oidc/callback/: the provider sends the browser back here with a code."""

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)

    def login_failure(self):
        messages.error(
            self.request,
            f"Signing in with {settings.OIDC_PROVIDER_NAME} did not work. Try again, or use your local account.",
        )
        return redirect("login")


def provider_logout_url(request) -> str | None:
    """Where to send the browser to end the provider's session too, or None (no SSO session, or no endpoint)."""
    id_token = request.session.get("oidc_id_token")
    if not (sso_enabled() and id_token):
        return None
    try:
        endpoint = discovery().get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    back = request.build_absolute_uri("/login/")
    return f"{endpoint}?{urlencode({'id_token_hint': id_token, 'post_logout_redirect_uri': back})}"
