"""Recurrence: a new incident on a service that still has open action items from an earlier incident.

The room warns about it in its action-item panel, and the declaration writes it into the timeline
(action_items/actions/items.py, `note_recurrence`). Both read `recurrence_for`, one query however many items.
"""

from django.db.models import Count

from incidents.models import Incident

from .models import ActionItem


def recurrence_for(incident: Incident) -> list[dict]:
    """Earlier incidents on any of this incident's services that still have open action items (one query)."""
    rows = (
        ActionItem.objects.still_open()
        .filter(incident__services__in=incident.services.values("pk"), incident_id__lt=incident.pk)
        .values("incident_id", "incident__title")
        .annotate(open_items=Count("pk", distinct=True))
        .order_by("-incident_id")
    )
    return [dict(incident_id=r["incident_id"], title=r["incident__title"], open_items=r["open_items"]) for r in rows]


def recurrence_sentence(recurrences: list[dict]) -> str:
    parts = []
    for r in recurrences:
        items = "1 action item" if r["open_items"] == 1 else f"{r['open_items']} action items"
        parts.append(f"INC-{r['incident_id']} ({r['title']}; {items} still open)")
    return "; ".join(parts)
