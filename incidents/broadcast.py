"""Live fan-out, in one place: after commit, render a fragment once and send it to the incident's group.

Consumers only forward what arrives here (see incidents/consumers.py). Frames are HTML fragments the
page swaps in with htmx (out-of-band by id), so every socket gets the same pre-rendered bytes.
"""

import asyncio
import logging
import threading
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

#: Set by warroom/embedded.py: the server's event loop, which owns the in-memory channel layer.
_server_loop: asyncio.AbstractEventLoop | None = None


def set_server_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    global _server_loop
    _server_loop = loop


def group_name(incident_id: int) -> str:
    return f"incident-{incident_id}"


def entry_on_commit(entry) -> None:
    transaction.on_commit(partial(send_entry, entry.pk))


def incident_on_commit(incident) -> None:
    transaction.on_commit(partial(send_incident, incident.pk))


def send_entry(entry_id: int) -> None:
    from .models import TimelineEntry

    entry = TimelineEntry.objects.select_related("actor").filter(pk=entry_id).first()
    if entry is None:
        return
    html = render_to_string("incidents/room.html#entry-oob", {"entry": entry})
    # The incident's entry before this one: a socket that never got it knows it missed something.
    earlier = TimelineEntry.objects.filter(incident_id=entry.incident_id, pk__lt=entry.pk).order_by("-pk")
    previous_id = earlier.values_list("pk", flat=True).first()
    group_send(entry.incident_id, {"type": "room.entry", "entry_id": entry.pk, "previous_id": previous_id, "html": html})


def send_incident(incident_id: int) -> None:
    """Header and roles panel, re-rendered once and swapped in place in every open room."""
    from .models import Incident
    from .views import room_panels_context

    incident = Incident.objects.with_roles().prefetch_related("services").filter(pk=incident_id).first()
    if incident is None:
        return
    html = render_to_string("incidents/room.html#panels-oob", room_panels_context(incident))
    group_send(incident_id, {"type": "room.panels", "html": html})


def send_html(incident_id: int, html: str, kind: str = "room.html") -> None:
    """Any feature's pre-rendered OOB fragment (panels, banners) to every open room of the incident."""
    group_send(incident_id, {"type": kind, "html": html})


def group_send(incident_id: int, message: dict) -> None:
    """Send to the incident's group; a failure is logged, never raised into the committed action."""
    layer = get_channel_layer()
    if layer is None:
        return
    group = group_name(incident_id)
    try:
        loop = _server_loop
        if loop is not None and loop.is_running() and not _runs_on(loop):
            # Embedded mode: the in-memory layer belongs to the server's loop; hand the send to it.
            asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop).result(timeout=10)
        else:
            async_to_sync(layer.group_send)(group, message)
    except Exception:
        log.exception("broadcast to %s failed", group)


def _runs_on(loop: asyncio.AbstractEventLoop) -> bool:
    return getattr(loop, "_thread_id", None) == threading.get_ident()
