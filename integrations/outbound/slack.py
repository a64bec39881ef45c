"""Slack notifications through incoming webhooks: declare, update, reminder and resolve, linked to the room.

integrations/receivers.py records the deliveries when the incident changes and queues their posting after
commit; a task posts each, retrying with back-off. A failure never blocks the incident flow; after the last
attempt the room says so.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from incidents.comms import actions as comms
from incidents.models import Incident

from ..models import SlackDelivery, SlackWebhook

log = logging.getLogger(__name__)


class SlackDeliveryError(Exception):
    """Slack did not take the message (network error or non-2xx answer); the task retries."""


def webhook_urls() -> list[str]:
    urls = [settings.SLACK_WEBHOOK_URL] if settings.SLACK_WEBHOOK_URL else []
    urls += SlackWebhook.objects.filter(enabled=True).values_list("url", flat=True)
    return list(dict.fromkeys(urls))


def room_url(incident: Incident) -> str:
    return settings.SITE_URL + incident.get_absolute_url()


def message(incident: Incident, event: str, text: str) -> dict:
    """A Slack payload: one line with a link to the room, then the text (Slack's mrkdwn)."""
    head = f"*{incident.severity}* <{room_url(incident)}|{incident.ref} {_escape(incident.title)}>"
    return {"text": f"{head}\n{_escape(text)}", "unfurl_links": False}


def _escape(text: str) -> str:
    # Slack treats &, < and > as control characters in message text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def create_deliveries(incident: Incident, event: str, text: str) -> list[SlackDelivery]:
    """Record one pending delivery per webhook; the caller queues `tasks.deliver_slack` for each after commit."""
    urls = webhook_urls()
    if not urls:
        return []
    payload = message(incident, event, text)
    return [SlackDelivery.objects.create(incident=incident, event=event, url=url, payload=payload) for url in urls]


def post(url: str, payload: dict, timeout: float | None = None) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout or settings.SLACK_TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise SlackDeliveryError(f"HTTP {error.code} {error.reason}") from error
    except (urllib.error.URLError, OSError) as error:
        raise SlackDeliveryError(f"no connection: {getattr(error, 'reason', error)}") from error


def deliver(delivery_id: int) -> None:
    """Post a pending delivery once; raises SlackDeliveryError for the task to retry."""
    delivery = SlackDelivery.objects.filter(pk=delivery_id, state=SlackDelivery.State.PENDING).first()
    if delivery is None:
        return  # already sent or given up: a re-delivered task does nothing
    attempts = delivery.attempts + 1
    try:
        post(delivery.url, delivery.payload)
    except SlackDeliveryError as error:
        SlackDelivery.objects.filter(pk=delivery.pk).update(attempts=attempts, last_error=str(error)[:500])
        raise
    SlackDelivery.objects.filter(pk=delivery.pk, state=SlackDelivery.State.PENDING).update(
        attempts=attempts, state=SlackDelivery.State.SENT, delivered_at=timezone.now(), last_error=""
    )


def give_up(delivery_id: int, error: str) -> None:
    """After the last retry: mark the delivery failed and tell the room, once."""
    with transaction.atomic():
        delivery = SlackDelivery.objects.filter(pk=delivery_id).first()
        if delivery is None:
            return
        if not SlackDelivery.objects.filter(pk=delivery_id, state=SlackDelivery.State.PENDING).update(
            state=SlackDelivery.State.FAILED
        ):
            return
        log.warning("Slack delivery %s failed after %s attempts: %s", delivery_id, delivery.attempts, error)
        comms.note_delivery_failure(
            delivery.incident_id, channel="Slack", event=delivery.event, attempts=delivery.attempts, error=error
        )


# --- what is said when ---------------------------------------------------------------------------------


def declared_text(incident: Incident) -> str:
    return f"Incident declared. Join the war room: {room_url(incident)}"


RESOLVED_TEXT = "Resolved: service is restored. The postmortem comes next."


def update_text(update) -> str:
    if update.audience == "internal":
        label = "Internal update"
    else:
        label = f"Status page update ({update.get_public_state_display()})"
    due = f"\nNext update by {update.next_update_due_at:%H:%M} UTC." if update.next_update_due_at else ""
    return f"{label}:\n{comms.compose_markdown(update.status, update.actions, update.next_steps)}{due}"
