"""System checks for sign-in: single sign-on half configured, or rates the API throttle cannot read."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning
from ninja.throttling import SimpleRateThrottle

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


class RateReader(SimpleRateThrottle):
    """ninja's own reading of "N/period", without a rate of its own."""

    def __init__(self):
        self.rate = None


def check_oidc(app_configs=None, **kwargs) -> list:
    issuer = settings.OIDC_ISSUER
    if not issuer:
        return []
    problems = []
    missing = [
        name
        for name, value in (
            ("OIDC_CLIENT_ID", settings.OIDC_RP_CLIENT_ID),
            ("OIDC_CLIENT_SECRET", settings.OIDC_RP_CLIENT_SECRET),
        )
        if not value
    ]
    if missing:
        problems.append(
            Error(
                f"OIDC_ISSUER is set but {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not.",
                hint="Set the client id and secret the identity provider gave this app, or unset OIDC_ISSUER.",
                id="accounts.E001",
            )
        )
    parts = urlsplit(issuer)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(
            Error(
                f"OIDC_ISSUER={issuer!r} is not an http(s) URL.", hint="e.g. https://acme.okta.com", id="accounts.E002"
            )
        )
    elif parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        problems.append(
            Warning(
                f"OIDC_ISSUER={issuer!r} is plain http: tokens would cross the network unencrypted.",
                hint="Use the provider's https:// issuer URL.",
                id="accounts.W001",
            )
        )
    return problems


def check_api_rates(app_configs=None, **kwargs) -> list:
    problems = []
    for scope, rate in settings.API_THROTTLE_RATES.items():
        try:
            count, _ = RateReader().parse_rate(rate)
        except (ValueError, TypeError):
            count = None
        if not count:
            problems.append(
                Error(
                    f"API rate {scope!r} is {rate!r}, not a rate.",
                    hint='Write it as "<calls>/<s|min|hour|day>", e.g. "600/min" (API_RATE_PER_TOKEN, API_RATE_PER_ADDRESS).',
                    id="accounts.E003",
                )
            )
    return problems
