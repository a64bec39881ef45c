"""Webhook receivers: `POST /hooks/<kind>/<token>`. Check, store, queue the ingest task, answer 202.

Every refusal is JSON `{"error": "..."}` and writes nothing: unknown token 404, bad signature 401,
too large or not the JSON this kind expects 400 (with the reason).
"""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from incidents.room.answers import run_control
from warroom.celery import enqueue_on_commit
from warroom.errors import ActionError
from warroom.schema import parse_payload

from . import actions, ingest, senders, tasks
from .models import VENDOR_API_KINDS, Delivery, Endpoint
from .outbound.paging import find_target
from .senders.events import PayloadError
from .signatures import is_signed_correctly


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _refuse(endpoint: Endpoint, message: str, status: int) -> JsonResponse:
    actions.note_rejection(endpoint, message)  # counted on the signal-health page
    return _error(message, status)


@csrf_exempt
@login_not_required
@require_POST
def hook(request, kind: str, token: str):
    endpoint = Endpoint.objects.for_token(kind, token) if kind not in VENDOR_API_KINDS else None
    if endpoint is None:
        return _error(
            "No active webhook endpoint has this URL. Check the token, or create one: manage.py create_endpoint.", 404
        )
    limit = settings.WARROOM["WEBHOOK_MAX_BYTES"]
    if _int(request.headers.get("Content-Length")) > limit or len(body := request.body) > limit:
        return _refuse(endpoint, f"The payload is larger than {limit // 1024} KiB; nothing was stored.", 400)
    if endpoint.signing_secret and not is_signed_correctly(kind, endpoint.signing_secret, request.headers, body):
        return _refuse(endpoint, "The signature does not match this endpoint's signing secret.", 401)
    try:
        payload = parse_payload(body)
    except ValueError as error:
        return _refuse(endpoint, f"The body is not valid JSON: {error}.", 400)
    if not isinstance(payload, dict):
        return _refuse(endpoint, "The body must be a JSON object.", 400)
    headers = {name: request.headers[name][:100] for name in senders.EVENT_HEADERS if name in request.headers}
    try:
        # Read now so a malformed payload is refused to its sender; the task reads it again.
        senders.PARSERS[kind](payload, headers)
    except PayloadError as error:
        return _refuse(endpoint, f"This is not a {endpoint.get_kind_display()} payload: {error}", 400)
    delivery = accept(endpoint, body.decode(), headers)
    return JsonResponse({"accepted": True, "delivery": delivery.pk}, status=202)


def accept(endpoint: Endpoint, body: str, headers: dict[str, str]) -> Delivery:
    """Store a checked delivery and queue its ingestion after commit (the sweeper requeues a lost task)."""
    delivery = ingest.receive_delivery(endpoint, body, headers)
    enqueue_on_commit(tasks.process_delivery, delivery.pk)  # a broker that is down: the sweeper requeues it
    return delivery


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class PageOnCallForm(forms.Form):
    target = forms.CharField(max_length=100, label="Target", error_messages={"required": "Choose whom to page."})


@require_POST
def page_on_call(request, pk: int):
    """The room's "Page on-call" control (Alerts panel): writers only, like every room control."""

    def perform(incident, data):
        target = find_target(data["target"])
        if target is None:
            raise ActionError("No enabled paging target by that name; choose one of the list.", "target")
        page = actions.page_on_call(incident, target=target, actor=request.user)
        enqueue_on_commit(tasks.send_page, page.pk, "trigger")  # the sweeper sends what the broker lost
        return page

    return run_control(request, pk, perform, form_class=PageOnCallForm, panel="alerts", control="page-on-call")
