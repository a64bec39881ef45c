"""Live fan-out, in one place, driven by the record: the only module that sends to the channel layer.

`record()` hands every new timeline entry to `entry_recorded()`. Entries written in one transaction for
one incident are collected in a single on-commit callback; at commit the entries are rendered once, the
room panels their kinds touch (`PANELS_FOR_KIND`) are rendered once per audience (writers, read-only),
and one message goes to the incident's group. Consumers forward the variant their user may see. Actions
never pick panels: the kind of the entry they write decides.
"""

import asyncio
import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.template.loader import render_to_string

from ..models import EntryKind, TimelineEntry

log = logging.getLogger(__name__)

#: Every panel of the room, by name (the registry in incidents/room/panels.py renders them).
ALL_PANELS = frozenset(
    {"header", "summary", "roles", "cadence", "composer", "restore", "theories", "alerts", "postmortem", "action_items"}
)

#: Which room panels show what an entry of each kind changed. The one table: an action writes its entry
#: and the room follows. Kinds absent here (notes, findings) change no panel, only the timeline.
PANELS_FOR_KIND: dict[str, frozenset[str]] = {
    EntryKind.DECLARED: ALL_PANELS,
    # The lifecycle shows everywhere: controls, clocks, what the recovery panel offers, the public words.
    EntryKind.STATUS: ALL_PANELS,
    EntryKind.SEVERITY: frozenset({"header", "cadence", "composer", "restore"}),
    EntryKind.SUMMARY: frozenset({"header", "summary", "composer"}),
    EntryKind.ROLE: frozenset({"header", "roles", "cadence", "restore"}),
    EntryKind.BRIEFING: frozenset({"roles", "restore"}),
    EntryKind.UPDATE: frozenset({"cadence", "composer"}),
    EntryKind.REMINDER: frozenset({"cadence", "roles", "restore", "action_items"}),
    EntryKind.SYSTEM: frozenset({"header", "cadence", "composer", "action_items"}),
    EntryKind.DECISION: frozenset({"restore", "composer"}),
    EntryKind.ACTION: frozenset({"composer"}),
    EntryKind.IMPACT: frozenset({"restore", "composer"}),
    EntryKind.THEORY: frozenset({"theories", "restore"}),
    EntryKind.LIFECYCLE: frozenset({"header", "restore"}),
    EntryKind.DEPLOY: frozenset({"restore"}),
    EntryKind.ALERT: frozenset({"alerts"}),
    EntryKind.POSTMORTEM: frozenset({"postmortem"}),
    EntryKind.ACTION_ITEM: frozenset({"action_items"}),
    # Visibility and invitations: the header shows the private badge, the roles panel the people invited.
    EntryKind.ACCESS: frozenset({"header", "roles"}),
}

#: The audiences a panel is rendered for: people who may change the room, and read-only viewers.
AUDIENCES = ("write", "read")


def panels_for(kinds: Iterable[str]) -> set[str]:
    """The room panels that entries of these kinds touch."""
    return set().union(*(PANELS_FOR_KIND.get(kind, frozenset()) for kind in kinds))


#: Renders the named panels of an incident out of band, once per audience asked for:
#: `renderer(incident_id, names, audiences) -> {"write": html, "read": html}`. Set by the room
#: (incidents/room/panels.py) when the app is ready: the kernel names panels but never draws them.
PanelRenderer = Callable[[int, Iterable[str], Iterable[str]], dict[str, str]]
_panel_renderer: PanelRenderer | None = None


def set_panel_renderer(renderer: PanelRenderer | None) -> None:
    global _panel_renderer
    _panel_renderer = renderer


def render_panels(incident_id: int, names: Iterable[str], audiences: Iterable[str] = AUDIENCES) -> dict[str, str]:
    """The named panels as out-of-band fragments, per audience (empty before the room registered its renderer)."""
    names, audiences = sorted(set(names)), tuple(audiences)
    if not names or _panel_renderer is None:
        return dict.fromkeys(audiences, "")
    return _panel_renderer(incident_id, names, audiences)


def group_name(incident_id: int) -> str:
    return f"incident-{incident_id}"


# --- access ending: each socket also joins the groups of its user, its session and its token ---------------


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def session_group(session_key: str) -> str:
    return "session-" + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def token_group(token_id: int) -> str:
    return f"token-{token_id}"


def access_groups(*, user_id: int, session_key: str | None = None, token_id: int | None = None) -> list[str]:
    groups = [user_group(user_id)]
    if session_key:
        groups.append(session_group(session_key))
    if token_id is not None:
        groups.append(token_group(token_id))
    return groups


def end_access(
    *, user_id: int | None = None, session_key: str | None = None, token_id: int | None = None, reason: str
) -> None:
    """Close the open sockets of a user, a session or a token, once the current transaction commits
    (deactivation, password change, logout, token revocation)."""
    groups = []
    if user_id is not None:
        groups.append(user_group(user_id))
    if session_key:
        groups.append(session_group(session_key))
    if token_id is not None:
        groups.append(token_group(token_id))
    message = {"type": "access.ended", "reason": reason}

    def send():
        for group in groups:
            send_to_group(group, message)

    transaction.on_commit(send)


def render_entry(entry: TimelineEntry, *, can_write: bool = True) -> str:
    """An entry as the room appends it; read-only viewers get it without its write controls."""
    return render_to_string("incidents/room.html#entry-oob", {"entry": entry, "can_write": can_write})


# --- collecting a transaction's entries -------------------------------------------------------------------


class _PendingBroadcast:
    """The on-commit callback of one transaction for one incident; it collects the entries written."""

    def __init__(self, incident_id: int):
        self.incident_id = incident_id
        self.entry_ids: list[int] = []
        self.panels: set[str] = set()

    def add(self, entry: TimelineEntry) -> None:
        self.entry_ids.append(entry.pk)
        self.panels |= panels_for([entry.kind])

    def __call__(self) -> None:
        send_batch(self.incident_id, self.entry_ids, self.panels)


def entry_recorded(entry: TimelineEntry) -> None:
    """Called by `record()` inside the action's transaction: the entry goes out once the transaction commits.

    The batch lives in the on-commit callback itself, so a rollback discards it with the transaction.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # Only a batch of the same savepoint: a rolled-back savepoint takes its own entries with it.
        for savepoints, callback, _robust in connection.run_on_commit:
            if (
                isinstance(callback, _PendingBroadcast)
                and callback.incident_id == entry.incident_id
                and set(savepoints) == set(connection.savepoint_ids)
            ):
                callback.add(entry)
                return
    pending = _PendingBroadcast(entry.incident_id)
    pending.add(entry)
    transaction.on_commit(pending)


def send_batch(incident_id: int, entry_ids: list[int], panels: Iterable[str]) -> None:
    """Render the committed entries once and the touched panels once per audience; one message to the room."""
    entries = list(TimelineEntry.objects.select_related("actor").filter(pk__in=entry_ids).order_by("pk"))
    if not entries:
        return
    # The incident's entry before this batch: a socket that never got it knows it missed something.
    earlier = TimelineEntry.objects.filter(incident_id=incident_id, pk__lt=entries[0].pk).order_by("-pk")
    message = {
        "type": "room.update",
        "previous_id": earlier.values_list("pk", flat=True).first(),
        "entries": [[entry.pk, render_entry(entry)] for entry in entries],
        "entries_read": [[entry.pk, render_entry(entry, can_write=False)] for entry in entries],
        "panels": render_panels(incident_id, panels),
        # Who may see the room may have changed (visibility, invitations, a private room's role holders):
        # every socket asks again before it shows this batch.
        "recheck_access": any(entry.kind in (EntryKind.ACCESS, EntryKind.ROLE) for entry in entries),
    }
    group_send(incident_id, message)


# --- delivery -----------------------------------------------------------------------------------------------

#: Set by warroom/embedded.py: the server's event loop, which owns the in-memory channel layer.
_server_loop: asyncio.AbstractEventLoop | None = None


def set_server_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    global _server_loop
    _server_loop = loop


#: Set in Celery worker processes (warroom/celery.py): sends go through one long-lived loop per process,
#: so the Redis layer keeps its connections instead of opening a loop and a connection per send.
_use_private_loop = False
_private: tuple[int, asyncio.AbstractEventLoop] | None = None


def use_private_loop() -> None:
    global _use_private_loop
    _use_private_loop = True


def worker_loop() -> asyncio.AbstractEventLoop:
    """This process's long-lived sending loop (started on first use; a forked child starts its own)."""
    global _private
    if _private is None or _private[0] != os.getpid():  # a forked pool child starts its own
        loop = asyncio.new_event_loop()
        started = threading.Event()
        loop.call_soon(started.set)
        threading.Thread(target=loop.run_forever, name="broadcast-loop", daemon=True).start()
        started.wait(5)
        _private = (os.getpid(), loop)
    return _private[1]


def group_send(incident_id: int, message: dict) -> None:
    """Send to the incident's group from sync code; a failure is logged, never raised into the committed action."""
    send_to_group(group_name(incident_id), message)


def send_to_group(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        loop = _server_loop
        if loop is None and _use_private_loop:
            loop = worker_loop()
        if loop is not None and loop.is_running() and not _runs_on(loop):
            # Embedded mode: the in-memory layer belongs to the server's loop; hand the send to it.
            asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop).result(timeout=10)
        else:
            async_to_sync(layer.group_send)(group, message)
    except Exception:
        log.exception("broadcast to %s failed", group)


async def send_presence(incident_id: int, html: str) -> None:
    """Who has the room open, the same fragment for everyone; sent by the consumer, already on the server's loop."""
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(group_name(incident_id), {"type": "room.html", "html": html})


def _runs_on(loop: asyncio.AbstractEventLoop) -> bool:
    return getattr(loop, "_thread_id", None) == threading.get_ident()
