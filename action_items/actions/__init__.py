"""The only writers of action items: raising and changing them (items.py), and what the sweepers owe
(follow_up.py: overdue reminders, weekly digests, the Jira export's claim and answer)."""

from . import follow_up
from .items import (
    create_action_item,
    note_recurrence,
    request_jira_export,
    request_postmortem_jira_export,
    update_action_item,
)

__all__ = [
    "create_action_item",
    "follow_up",
    "note_recurrence",
    "request_jira_export",
    "request_postmortem_jira_export",
    "update_action_item",
]
