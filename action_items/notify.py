"""Where action-item reminders go besides the room's timeline: the server log.

The chats (Slack, Teams, Mattermost) get each reminder and digest from the timeline entry the caller writes:
the integrations app receives the entry in the same transaction, so a lost claim sends nothing there either.
"""

import logging

log = logging.getLogger(__name__)


def announce(incident, text: str) -> None:
    """An overdue reminder or a weekly digest, logged (the chats are told from its timeline entry)."""
    log.info("action item reminder for %s: %s", incident.ref, text.splitlines()[0])
