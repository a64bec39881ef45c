"""Where action-item reminders go besides the room's timeline: the room's chat channels.

One small function per message so wiring Slack (integrations/slack.py, the comms issue) is one line
each. Until then the timeline entry written by the caller is the room's channel.
"""

import logging

log = logging.getLogger(__name__)


def announce(incident, text: str) -> None:
    """An overdue reminder for the incident's channels (Slack when configured)."""
    log.info("action item reminder for %s: %s", incident.ref, text.splitlines()[0])


def announce_digest(owner, text: str) -> None:
    """An owner's weekly digest for the chat channels (Slack when configured)."""
    log.info("weekly action item digest for %s: %s", owner.get_username(), text.splitlines()[0])
