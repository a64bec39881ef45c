"""The one notification pipeline for chats: Slack, Microsoft Teams and Mattermost incoming webhooks get the same
messages (declare, update, reminder, resolve, action-item reminders and weekly digests), each in its own shape.

`create_deliveries` records one pending ChatDelivery per enabled webhook inside the sender's transaction; the caller
queues `tasks.deliver_chat` for each after commit, which posts it once and retries with back-off. A failure never
blocks the incident flow; after the last attempt the room says so, once.

Messages of a private incident name only its ref, severity and link: what happened stays in the room.
"""

import json
import logging
from http import HTTPStatus

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from incidents.comms import actions as comms
from incidents.models import Incident

from ..event_payloads import payload_allows_text
from ..models import ChatDelivery, ChatKind, ChatWebhook
from . import mattermost, slack, teams
from .targets import UnsafeTarget, post_json

log = logging.getLogger(__name__)

FORMATTERS = {ChatKind.SLACK: slack.message, ChatKind.TEAMS: teams.message, ChatKind.MATTERMOST: mattermost.message}
PRIVATE_TEXT = "A private incident changed. Open the war room to read it (if you are one of its members)."


class ChatDeliveryError(Exception):
    """The chat did not take the message (network error or non-2xx answer); the task retries."""


def webhooks() -> list[tuple[str, str]]:
    """(kind, url) of every enabled chat webhook: the environment's, then the admin's, each URL once."""
    configured = [
        (ChatKind.SLACK, settings.SLACK_WEBHOOK_URL),
        (ChatKind.TEAMS, settings.TEAMS_WEBHOOK_URL),
        (ChatKind.MATTERMOST, settings.MATTERMOST_WEBHOOK_URL),
    ]
    found = [(kind, url) for kind, url in configured if url]
    found += ChatWebhook.objects.filter(enabled=True).values_list("kind", "url")
    seen, unique = set(), []
    for kind, url in found:
        if url not in seen:
            seen.add(url)
            unique.append((kind, url))
    return unique


def room_url(incident: Incident) -> str:
    return settings.SITE_URL + incident.get_absolute_url()


def head(incident: Incident) -> dict:
    """What every chat's first line says: severity, ref, title (none for a private incident), link."""
    return {
        "severity": incident.severity,
        "ref": incident.ref,
        "title": incident.title if payload_allows_text(incident) else "",
        "url": room_url(incident),
    }


def message(kind: str, incident: Incident, text: str) -> dict:
    return FORMATTERS[kind](head(incident), text if payload_allows_text(incident) else PRIVATE_TEXT)


def create_deliveries(incident: Incident, event: str, text: str) -> list[ChatDelivery]:
    """Record one pending delivery per chat webhook; the caller queues `tasks.deliver_chat` for each after commit."""
    return [
        ChatDelivery.objects.create(
            incident=incident, kind=kind, event=event, url=url, payload=message(kind, incident, text)
        )
        for kind, url in webhooks()
    ]


def post(url: str, payload: dict) -> None:
    try:
        status, answer = post_json(url, json.dumps(payload).encode(), {}, settings.SLACK_TIMEOUT_SECONDS)
    except UnsafeTarget as refusal:
        raise ChatDeliveryError(str(refusal)) from refusal
    except OSError as error:
        raise ChatDeliveryError(f"no connection: {getattr(error, 'reason', error)}") from error
    if not 200 <= status < 300:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = answer[:100]
        raise ChatDeliveryError(f"HTTP {status} {phrase}".strip())


def deliver(delivery_id: int) -> None:
    """Post a pending delivery once; raises ChatDeliveryError for the task to retry."""
    delivery = ChatDelivery.objects.filter(pk=delivery_id, state=ChatDelivery.State.PENDING).first()
    if delivery is None:
        return  # already sent or given up: a re-delivered task does nothing
    attempts = delivery.attempts + 1
    try:
        post(delivery.url, delivery.payload)
    except ChatDeliveryError as error:
        ChatDelivery.objects.filter(pk=delivery.pk).update(attempts=attempts, last_error=str(error)[:500])
        raise
    ChatDelivery.objects.filter(pk=delivery.pk, state=ChatDelivery.State.PENDING).update(
        attempts=attempts, state=ChatDelivery.State.SENT, delivered_at=timezone.now(), last_error=""
    )


def give_up(delivery_id: int, error: str) -> None:
    """After the last retry: mark the delivery failed and tell the room, once."""
    with transaction.atomic():
        delivery = ChatDelivery.objects.filter(pk=delivery_id).first()
        if delivery is None:
            return
        if not ChatDelivery.objects.filter(pk=delivery_id, state=ChatDelivery.State.PENDING).update(
            state=ChatDelivery.State.FAILED
        ):
            return
        log.warning("chat delivery %s failed after %s attempts: %s", delivery_id, delivery.attempts, error)
        comms.note_delivery_failure(
            delivery.incident_id,
            channel=delivery.get_kind_display(),
            event=delivery.event,
            attempts=delivery.attempts,
            error=error,
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


#: Reminder entries of the action items and the postmortem review that go to chat too, by their `reminder` metadata.
FOLLOW_UP_REMINDERS = {"overdue": "item_overdue", "digest": "item_digest", "review": "review_reminder"}
