"""Writing the record: every change appends a timeline entry, and the entry drives what the room refreshes."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from warroom.errors import ActionError
from warroom.markdown import render_markdown

from ..live import broadcast
from ..models import POSTABLE_KINDS, Incident, TimelineEntry
from .base import body_max_length, clean_text


def record(
    incident: Incident | int,
    *,
    kind: str,
    body: str,
    actor=None,
    metadata: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> TimelineEntry:
    """Append a timeline entry; at commit it is sent live with every panel its kind touches.

    Called inside an action's transaction, after the state it records was written.
    """
    entry = TimelineEntry.objects.create(
        incident_id=incident if isinstance(incident, int) else incident.pk,
        kind=kind,
        actor=actor,
        body=body,
        html=render_markdown(body),
        metadata=metadata or {},
        occurred_at=occurred_at or timezone.now(),
    )
    broadcast.entry_recorded(entry)
    return entry


def post_entry(incident: Incident, *, kind: str, body: str, actor) -> TimelineEntry:
    """A person writes to the timeline: a note, finding, decision or action."""
    if kind not in POSTABLE_KINDS:
        allowed = ", ".join(POSTABLE_KINDS)
        raise ActionError(f"Unknown entry kind “{kind}”. Choose one of: {allowed}.", "kind")
    body = clean_text(body, field="body", label="The entry", max_length=body_max_length())
    with transaction.atomic():
        return record(incident, kind=kind, body=body, actor=actor)
