"""The event stream's subscriptions in the JSON API (admins only: for now, a superuser's token).

POST /api/v1/webhook-subscriptions {"url", "events": [..], "description"?} → 201 with `id` and the signing
     `secret` (`whsec_…`, shown only in this answer)
GET  /api/v1/webhook-subscriptions → {"items": [subscription with its last deliveries]}
POST /api/v1/incidents/{id}/page {"target": <id or name>} → 202 with the page (id, target, state); writers only
"""

from datetime import datetime

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from incidents.access import get_incident_for_user, require_admin
from warroom.celery import enqueue_on_commit
from warroom.errors import ActionError

from . import actions, tasks
from .models import Endpoint, EventDelivery, Page, WebhookSubscription
from .outbound.paging import find_target

router = Router(tags=["integrations"])
LAST_DELIVERIES = 5


class SubscriptionIn(Schema):
    url: str
    events: list[str]
    description: str = ""


class DeliveryOut(Schema):
    id: int
    webhook_id: str
    event_type: str
    state: str
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime | None


class SubscriptionOut(Schema):
    id: int
    url: str
    events: list[str]
    description: str
    enabled: bool
    created_at: datetime
    last_deliveries: list[DeliveryOut]


class CreatedSubscriptionOut(SubscriptionOut):
    secret: str


def delivery_out(delivery: EventDelivery) -> dict:
    return {
        "id": delivery.pk,
        "webhook_id": delivery.message_id,
        "event_type": delivery.event_type,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "next_attempt_at": delivery.next_attempt_at if delivery.state == EventDelivery.State.PENDING else None,
    }


def subscription_out(subscription: WebhookSubscription, deliveries: list[EventDelivery]) -> dict:
    return {
        "id": subscription.pk,
        "url": subscription.url,
        "events": subscription.events,
        "description": subscription.description,
        "enabled": subscription.enabled,
        "created_at": subscription.created_at,
        "last_deliveries": [delivery_out(d) for d in deliveries],
    }


@router.post("/webhook-subscriptions", response={201: CreatedSubscriptionOut})
def create_subscription(request, payload: SubscriptionIn):
    require_admin(request, "manage webhook subscriptions and endpoints")
    subscription = actions.create_subscription(
        url=payload.url, events=payload.events, description=payload.description, created_by=request.user
    )
    return Status(201, {**subscription_out(subscription, []), "secret": subscription.secret})


@router.get("/webhook-subscriptions", response={200: dict})
def list_subscriptions(request):
    require_admin(request, "manage webhook subscriptions and endpoints")
    subscriptions = list(WebhookSubscription.objects.order_by("pk"))
    # The last few deliveries of every subscription in one query.
    recent = (
        EventDelivery.objects.filter(subscription__in=subscriptions)
        .annotate(rank=Window(RowNumber(), partition_by=[F("subscription_id")], order_by=F("pk").desc()))
        .filter(rank__lte=LAST_DELIVERIES)
        .order_by("-pk")
    )
    by_subscription: dict[int, list[EventDelivery]] = {}
    for delivery in recent:
        by_subscription.setdefault(delivery.subscription_id, []).append(delivery)
    return {"items": [subscription_out(s, by_subscription.get(s.pk, [])) for s in subscriptions]}


class HeartbeatIn(Schema):
    expect_heartbeat_minutes: int | None
    heartbeat_severity: str | None = None


def endpoint_out(endpoint: Endpoint) -> dict:
    return {
        "id": endpoint.pk,
        "name": endpoint.name,
        "kind": endpoint.kind,
        "active": endpoint.active,
        "expect_heartbeat_minutes": endpoint.expect_heartbeat_minutes,
        "heartbeat_severity": endpoint.heartbeat_severity,
        "blind_incident": endpoint.blind_incident_id,
    }


@router.get("/endpoints", response={200: dict})
def list_endpoints(request):
    require_admin(request, "manage webhook subscriptions and endpoints")
    return {"items": [endpoint_out(e) for e in Endpoint.objects.order_by("name")]}


@router.patch("/endpoints/{endpoint_id}", response={200: dict})
def set_heartbeat(request, endpoint_id: int, payload: HeartbeatIn):
    require_admin(request, "manage webhook subscriptions and endpoints")
    endpoint = get_object_or_404(Endpoint, pk=endpoint_id)
    actions.set_heartbeat(endpoint, minutes=payload.expect_heartbeat_minutes, severity=payload.heartbeat_severity)
    return endpoint_out(endpoint)


class PageIn(Schema):
    target: int | str


def page_out(page: Page) -> dict:
    return {
        "id": page.pk,
        "target": page.target_name,
        "target_id": page.target_id,
        "kind": page.kind,
        "state": page.state,
        "dedup_key": page.dedup_key,
        "created_at": page.created_at,
    }


@router.post("/incidents/{incident_id}/page", response={202: dict})
def page_on_call(request, incident_id: int, payload: PageIn):
    incident = get_incident_for_user(request.user, incident_id, write=True)
    target = find_target(payload.target)
    if target is None:
        raise ActionError(f"No enabled paging target has the id or name “{payload.target}”.", "target")
    page = actions.page_on_call(incident, target=target, actor=request.user)
    enqueue_on_commit(tasks.send_page, page.pk, "trigger")  # the sweeper sends what the broker lost
    return Status(202, page_out(page))
