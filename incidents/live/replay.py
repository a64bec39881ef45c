"""What the live room consumer reads from the database: the replay of missed entries and the room state.

The database is the record: a socket that reconnects, or whose buffer in the channel layer overflowed,
is brought up to date from here, oldest entry first, in batches so memory stays flat however far
behind it is. Frames are the same out-of-band partials the live broadcast sends.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from ..access import can_read, can_see, can_write
from ..models import Incident, TimelineEntry
from . import broadcast, presence

REPLAY_BATCH = 200
#: An entry committed a little after a later one (two transactions racing) has a lower id than the
#: client's last; entries this recent are replayed too, and the client ignores the ids it shows.
LATE_COMMIT_WINDOW = timedelta(seconds=10)


def may_watch(user, incident_id: int) -> bool:
    incident = Incident.objects.filter(pk=incident_id).only("pk", "visibility").first() if can_read(user) else None
    return incident is not None and can_see(user, incident)


def access_now(user_id: int, incident_id: int) -> tuple[bool, bool]:
    """(may see the room, may write in it) for this user as the database says now."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not may_watch(user, incident_id):
        return False, False
    return True, can_write(user)


def entry_frames(
    incident_id: int, after: int, *, late: bool = False, limit: int = REPLAY_BATCH, can_write: bool = True
) -> list[tuple[int, str]]:
    """Up to `limit` entries after id `after` (plus recent late commits when `late`), oldest first, rendered."""
    wanted = Q(pk__gt=after)
    if late:
        wanted |= Q(created_at__gte=timezone.now() - LATE_COMMIT_WINDOW)
    entries = (
        TimelineEntry.objects.select_related("actor").filter(wanted, incident_id=incident_id).order_by("pk")[:limit]
    )
    return [(entry.pk, broadcast.render_entry(entry, can_write=can_write)) for entry in entries]


def room_state(incident_id: int, *, can_write: bool) -> str:
    """Every panel and the presence list as they are now: sent after a resume, since they may have changed."""
    audience = "write" if can_write else "read"
    panels = broadcast.render_panels(incident_id, broadcast.ALL_PANELS, audiences=[audience])
    return panels[audience] + presence.render(incident_id)
