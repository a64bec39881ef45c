"""Who has the war room open right now: one database row per open socket, shared by every server process.

The consumer joins and leaves; the room shows the distinct people, and the list is pushed to every open
room only when the set of people changes (a second tab of the same person sends nothing). Each process
refreshes `seen_at` on its own rows with one UPDATE per heartbeat, so the rows of a crashed process age
out after STALE_AFTER instead of haunting the room.
"""

import asyncio
import logging
import os
import socket
import uuid
from datetime import timedelta

from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import RoomPresence

User = get_user_model()
log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
STALE_AFTER = timedelta(seconds=3 * HEARTBEAT_SECONDS)
#: This server process; its heartbeat touches only its own rows.
SERVER_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _current(incident_id: int):
    return RoomPresence.objects.filter(incident_id=incident_id, seen_at__gte=timezone.now() - STALE_AFTER)


def join(incident_id: int, user_id: int, channel_name: str, server: str = SERVER_ID) -> bool:
    """Record an open socket; True when this person was not in the room before (the list changed)."""
    now = timezone.now()
    with transaction.atomic():
        RoomPresence.objects.filter(incident_id=incident_id, seen_at__lt=now - STALE_AFTER).delete()
        was_here = _current(incident_id).filter(user_id=user_id).exists()
        RoomPresence.objects.create(incident_id=incident_id, user_id=user_id, channel_name=channel_name, server=server)
    return not was_here


def leave(channel_name: str) -> bool:
    """Forget a closed socket; True when its person has no other socket in the room (the list changed)."""
    with transaction.atomic():
        row = RoomPresence.objects.filter(channel_name=channel_name).first()
        if row is None:
            return False
        row.delete()
        return not _current(row.incident_id).filter(user_id=row.user_id).exists()


def heartbeat(server: str = SERVER_ID) -> int:
    """Stamp every row of this process as still open; one UPDATE, whatever the number of sockets."""
    return RoomPresence.objects.filter(server=server).update(seen_at=timezone.now())


def viewers(incident_id: int, also=None) -> list:
    """The people with the room open, by name, in one query; `also` adds the person loading the page."""
    people = list(User.objects.filter(pk__in=_current(incident_id).values("user_id")).order_by("username"))
    if also is not None and getattr(also, "is_authenticated", False) and all(p.pk != also.pk for p in people):
        people = sorted([*people, also], key=lambda u: u.get_username())
    return people


def render(incident_id: int) -> str:
    """The presence list as an out-of-band fragment, rendered once for every open room."""
    return render_to_string("incidents/_live.html#presence", {"viewers": viewers(incident_id), "oob": True})


class Heartbeat:
    """One asyncio task per server process that runs `heartbeat()` while the process holds sockets."""

    def __init__(self):
        self.sockets = 0
        self.task: asyncio.Task | None = None

    def attach(self) -> None:
        self.sockets += 1
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.task.get_loop() is not loop:
            self.task = loop.create_task(self._beat())

    def detach(self) -> None:
        self.sockets = max(0, self.sockets - 1)
        if self.sockets == 0 and self.task is not None:
            self.task.cancel()
            self.task = None

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                await database_sync_to_async(heartbeat)()
            except Exception:  # a missed beat only ages rows; the next one tries again
                log.warning("presence heartbeat failed", exc_info=True)


heartbeats = Heartbeat()
