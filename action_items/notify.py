"""Where action-item reminders go besides the room's timeline: the room's chat channels.

One small function, called inside the reminder's transaction, so a lost claim sends nothing and wiring
Slack (integrations/outbound/slack.py) would be one line here.
Until then the timeline entry written by the caller is the room's channel.
"""

import logging

log = logging.getLogger(__name__)


def announce(incident, text: str) -> None:
    """An overdue reminder or a weekly digest for the incident's channels (Slack when configured)."""
    log.info("action item reminder for %s: %s", incident.ref, text.splitlines()[0])
