"""The alert APIs teams already send to, answered as their vendors answer, so a sender only changes its URL.

- PagerDuty Events API v2: `POST /v2/enqueue`; the endpoint's secret is the `routing_key`. 202
  `{"status": "success", "message": "Event processed", "dedup_key"}`; 400 `{"status": "invalid event",
  "message": "Event object is invalid", "errors": [...]}`.
- Opsgenie: `POST /v2/alerts`, `POST /v2/alerts/{alias}/close|acknowledge?identifierType=alias`, with
  `Authorization: GenieKey <secret>`. 202 `{"result": "Request will be processed", "took", "requestId"}`;
  401 and 422 `{"message", "took", "requestId"}`.

Each accepted request is stored as a delivery of its endpoint and ingested by the same task as every webhook.
"""

import json
import time
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from warroom.schema import parse_payload

from . import actions, senders
from .models import Endpoint, EndpointKind
from .senders.events import PayloadError
from .senders.pagerduty import EventErrors
from .views import accept


def read_json(request):
    """The body as a JSON object, or the reason it is not one."""
    limit = settings.WARROOM["WEBHOOK_MAX_BYTES"]
    if _int(request.headers.get("Content-Length")) > limit or len(request.body) > limit:
        return None, f"The payload is larger than {limit // 1024} KiB."
    try:
        payload = parse_payload(request.body or b"{}")
    except ValueError as error:
        return None, f"The body is not valid JSON: {error}."
    if not isinstance(payload, dict):
        return None, "The body must be a JSON object."
    return payload, ""


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --- PagerDuty Events API v2 -----------------------------------------------------------------------------


def _invalid_event(errors: list[str]) -> JsonResponse:
    return JsonResponse({"status": "invalid event", "message": "Event object is invalid", "errors": errors}, status=400)


@csrf_exempt
@login_not_required
@require_POST
def pagerduty_enqueue(request):
    event, problem = read_json(request)
    if event is None:
        return _invalid_event([problem])
    routing_key = event.get("routing_key")
    endpoint = Endpoint.objects.for_token(EndpointKind.PAGERDUTY, routing_key) if isinstance(routing_key, str) else None
    if endpoint is None:
        return _invalid_event(
            [
                "'routing_key' is not the key of an active PagerDuty endpoint: manage.py create_endpoint pagerduty <name>."
            ]
        )
    if event.get("event_action") == "trigger" and not event.get("dedup_key"):
        event["dedup_key"] = uuid.uuid4().hex  # PagerDuty assigns one and answers it; repeats then send it
    try:
        senders.PARSERS[EndpointKind.PAGERDUTY](event)
    except PayloadError as error:
        errors = error.errors if isinstance(error, EventErrors) else [str(error)]
        actions.note_rejection(endpoint, "; ".join(errors))
        return _invalid_event(errors)
    event.pop("routing_key")  # the secret is not kept with the delivery
    accept(endpoint, json.dumps(event), {})
    return JsonResponse(
        {"status": "success", "message": "Event processed", "dedup_key": event["dedup_key"]}, status=202
    )


# --- Opsgenie alert API ------------------------------------------------------------------------------------


def _genie(body: dict, status: int, started: float) -> JsonResponse:
    return JsonResponse(
        {**body, "took": round(time.monotonic() - started, 3), "requestId": str(uuid.uuid4())}, status=status
    )


def _genie_endpoint(request) -> Endpoint | None:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "geniekey" or not key.strip():
        return None
    return Endpoint.objects.for_token(EndpointKind.OPSGENIE, key.strip())


def _opsgenie(request, action: str, alias: str | None):
    started = time.monotonic()
    endpoint = _genie_endpoint(request)
    if endpoint is None:
        return _genie(
            {"message": "Could not authenticate: send Authorization: GenieKey <the API key of an opsgenie endpoint>."},
            401,
            started,
        )
    body, problem = read_json(request)
    if body is None:
        actions.note_rejection(endpoint, problem)
        return _genie({"message": problem}, 422, started)
    if alias is None:
        alias = body.get("alias") if isinstance(body.get("alias"), str) and body["alias"].strip() else uuid.uuid4().hex
    elif request.GET.get("identifierType", "id") != "alias":
        return _genie(
            {"message": "Alerts are identified by their alias here: add ?identifierType=alias to the URL."},
            422,
            started,
        )
    stored = {"action": action, "alias": alias.strip(), "request": body}
    try:
        senders.PARSERS[EndpointKind.OPSGENIE](stored)
    except PayloadError as error:
        actions.note_rejection(endpoint, str(error))
        return _genie(
            {"message": "Request body is not processable. Please check the errors.", "errors": {"body": str(error)}},
            422,
            started,
        )
    accept(endpoint, json.dumps(stored), {})
    return _genie({"result": "Request will be processed"}, 202, started)


@csrf_exempt
@login_not_required
@require_POST
def opsgenie_create(request):
    return _opsgenie(request, "create", None)


@csrf_exempt
@login_not_required
@require_POST
def opsgenie_close(request, alias: str):
    return _opsgenie(request, "close", alias)


@csrf_exempt
@login_not_required
@require_POST
def opsgenie_acknowledge(request, alias: str):
    return _opsgenie(request, "acknowledge", alias)
