"""The JSON API at /api/v1/: bearer tokens, JSON errors with the right status, OpenAPI schema.

Each app contributes a router (incidents/api.py, ...); they are mounted here. Errors always answer
`{"error": "<what happened and what to do>", ...}` and the actions behind them write nothing.
"""

import hashlib
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from incidents.models import ApiToken, TokenScope
from warroom.errors import ActionError
from warroom.schema import StrictJSONParser

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class SettingsRateThrottle(SimpleRateThrottle):
    """A ninja rate throttle whose rate is read from settings.API_THROTTLE_RATES[scope] at each request."""

    def __init__(self):
        self.rate = None

    def allow_request(self, request) -> bool:
        self.rate = settings.API_THROTTLE_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class TokenRateThrottle(SettingsRateThrottle):
    """Calls per bearer token (its hash names the bucket: one bot's burst does not slow another)."""

    scope = "token"

    def get_cache_key(self, request):
        _, _, raw = request.headers.get("Authorization", "").partition(" ")
        return self.cache_format % {"scope": self.scope, "ident": hashlib.sha256(raw.strip().encode()).hexdigest()}


class AddressRateThrottle(SettingsRateThrottle):
    """Calls without a valid bearer token (none, or a wrong one), per address."""

    scope = "address"

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def is_exhausted(self, request) -> bool:
        """Whether this address has used up its failures, without counting this call."""
        self.rate = settings.API_THROTTLE_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        self.history = [at for at in self.cache.get(self.key, []) if at > self.now - self.duration]
        return len(self.history) >= self.num_requests


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; tokens come from the token page or `manage.py issue_api_token`.

    A `read` token is refused every write (403), whatever its owner may do in the room. Each call without a valid
    token counts against its address; past API_THROTTLE_RATES["address"] the address is answered 429 with
    Retry-After, before any token it sends is looked at.
    """

    def __call__(self, request):
        failures = AddressRateThrottle()
        if failures.is_exhausted(request):
            raise Throttled(wait=failures.wait())
        user = super().__call__(request)
        if user is None:
            failures.allow_request(request)  # records this failure
        return user

    def authenticate(self, request, token):
        found = ApiToken.objects.find(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found
        if request.method not in SAFE_METHODS and not found.allows(TokenScope.WRITE):
            raise PermissionDenied(
                "This token is read-only: its scope is `read`. Issue a `write` token to change things."
            )
        return found.user


api = NinjaAPI(
    title="Warroom API",
    version="1",
    description="Every action a person can take in the war room, for bots and scripts.",
    auth=BearerToken(),
    throttle=[TokenRateThrottle()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,  # /api/v1/docs is accounts.views.api_docs: vendored Swagger UI, behind login
    parser=StrictJSONParser(),
)


def _error(request, message: str, status: int, **extra):
    return api.create_response(request, {"error": message, **extra}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    problems = []
    for err in exc.errors:
        # loc is (where, parameter, field...): ("body", "payload", "title"); keep the field, even one named "body".
        loc = list(err.get("loc", []))
        if loc and loc[0] in ("body", "query"):
            loc.pop(0)
        if loc and loc[0] == "payload":
            loc.pop(0)
        where = ".".join(str(p) for p in loc)
        problems.append({"field": where or None, "message": err.get("msg", "invalid")})
    summary = "; ".join(f"{p['field']}: {p['message']}" if p["field"] else p["message"] for p in problems)
    return _error(request, f"Invalid request: {summary}", 400, problems=problems)


@api.exception_handler(ActionError)
def on_action_error(request, exc: ActionError):
    return _error(request, exc.message, exc.status_code, field=exc.field)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return _error(request, "Missing or invalid bearer token. Send `Authorization: Bearer <token>`.", 401)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _error(request, str(exc) or "You may not do that.", 403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, str(exc) or "Not found.", 404)


@api.exception_handler(Throttled)
def on_throttled(request, exc: Throttled):
    wait = math.ceil(exc.wait) if exc.wait is not None else None
    message = "Too many requests: slow down" + (f" and retry in {wait} s." if wait else ".")
    response = _error(request, message, 429)
    if wait is not None:
        response["Retry-After"] = str(wait)
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    cause = exc.__cause__  # django-ninja wraps what the body parser raised: answer with the parser's own words
    if isinstance(cause, ActionError):
        return on_action_error(request, cause)
    if isinstance(cause, HttpError):
        exc = cause
    return _error(request, str(exc), exc.status_code)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return _error(request, "The body is too large.", 413)


def urls():
    """The API's URL patterns; bearer auth replaces the session login the rest of the site requires."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns, app_name, namespace


def _mount_routers() -> None:
    from incidents.api import router as incidents_router
    from incidents.comms.api import router as comms_router
    from incidents.restore.api import router as restore_router

    api.add_router("/", incidents_router)
    api.add_router("/", comms_router)
    api.add_router("/", restore_router)

    from postmortems.api import router as postmortems_router

    api.add_router("/", postmortems_router)

    from action_items.api import router as action_items_router

    api.add_router("/", action_items_router)

    from statuspage.api import router as statuspage_router

    api.add_router("/", statuspage_router)
    from integrations.api import router as integrations_router

    api.add_router("/", integrations_router)

    from insights.api import router as insights_router

    api.add_router("/", insights_router)

    from accounts.api import router as accounts_router

    api.add_router("/", accounts_router)


_mount_routers()
