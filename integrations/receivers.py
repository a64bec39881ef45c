"""What the integrations do when an incident changes elsewhere: signal receivers, connected in apps.py.

Each records what is owed (one Slack delivery per webhook) in the sender's transaction and queues its
posting after commit; a lost task leaves a pending row, never a silent gap.
"""

from incidents.models import Incident

from . import tasks
from .outbound import slack


def notify_slack(incident: Incident, event: str, text: str) -> None:
    for delivery in slack.create_deliveries(incident, event, text):
        tasks.deliver_slack.delay_on_commit(delivery.pk)


def on_declared(sender, incident: Incident, **kwargs) -> None:
    notify_slack(incident, "declare", slack.declared_text(incident))


def on_resolved(sender, incident: Incident, **kwargs) -> None:
    notify_slack(incident, "resolve", slack.RESOLVED_TEXT)


def on_update_published(sender, update, **kwargs) -> None:
    notify_slack(update.incident, "update", slack.update_text(update))


def on_reminder_posted(sender, entry, **kwargs) -> None:
    notify_slack(entry.incident, "reminder", entry.body)
