"""What the integrations do when an incident changes elsewhere: signal receivers, connected in apps.py.

Each records what is owed (one Slack delivery per webhook) in the sender's transaction and queues its
posting after commit; a lost task leaves a pending row, never a silent gap.
"""

from incidents.models import Incident
from warroom.celery import enqueue_on_commit

from . import event_payloads, tasks
from .outbound import chat, event_stream, paging


def notify_chats(incident: Incident, event: str, text: str) -> None:
    """Owe the message to every chat webhook (Slack, Teams, Mattermost) in this transaction; post after commit."""
    for delivery in chat.create_deliveries(incident, event, text):
        enqueue_on_commit(tasks.deliver_chat, delivery.pk)


def stream(event_type: str, build) -> None:
    """Owe the event to its subscribers in this transaction; send after commit (the sweeper catches a lost task)."""
    for delivery in event_stream.emit(event_type, build):
        enqueue_on_commit(tasks.deliver_event, delivery.pk)  # the sweeper sends what the broker lost


def on_declared(sender, incident: Incident, **kwargs) -> None:
    notify_chats(incident, "declare", chat.declared_text(incident))
    stream("incident.declared", lambda: {"incident": event_payloads.incident_data(incident)})


def on_resolved(sender, incident: Incident, **kwargs) -> None:
    notify_chats(incident, "resolve", chat.RESOLVED_TEXT)
    stream("incident.resolved", lambda: {"incident": event_payloads.incident_data(incident)})
    for page_id in paging.owe_resolves(incident):  # the on-call's page resolves with the incident
        enqueue_on_commit(tasks.send_page, page_id, "resolve")


def on_update_published(sender, update, **kwargs) -> None:
    notify_chats(update.incident, "update", chat.update_text(update))
    stream(
        "incident.update_published",
        lambda: {
            "incident": event_payloads.incident_data(update.incident),
            "update": event_payloads.update_data(update),
        },
    )


def on_entry_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """Timeline entries that stand for an event of the stream (status, severity, roles, postmortem, action items),
    and the follow-up reminders (overdue action items, weekly digests, the postmortem review) that go to chat."""
    if not created or raw:
        return
    follow_up = chat.FOLLOW_UP_REMINDERS.get((instance.metadata or {}).get("reminder"))
    if instance.kind == "reminder" and follow_up:
        notify_chats(instance.incident, follow_up, instance.body)
    event_type = event_payloads.entry_event_type(instance)
    if event_type is not None:
        stream(event_type, lambda: event_payloads.entry_event_data(instance))


def on_reminder_posted(sender, entry, **kwargs) -> None:
    notify_chats(entry.incident, "reminder", entry.body)
