"""What the event stream says: the versioned envelope and the `data` of each event type (schemas in
integrations/schemas/events/v1/). Built inside the action's transaction, so an event describes its moment.

Action items and postmortems are read through the app registry by label, not imported: those apps call
integrations, and integrations must not import them back.
"""

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from incidents.models import Incident

SCHEMA_VERSION = "1"


def payload_allows_text(incident: Incident) -> bool:
    """Whether events of this incident may carry its words (title, summary, update and item text), or only its id,
    ref, severity and status: the one place an incident's privacy decides what leaves the building."""
    return not incident.is_private


def envelope(event_type: str, message_id: str, data: dict) -> dict:
    return {
        "id": message_id,
        "type": event_type,
        "version": SCHEMA_VERSION,
        "timestamp": timezone.now().isoformat(),
        "data": data,
    }


def _time(value):
    return value.isoformat() if value else None


def incident_data(incident: Incident) -> dict:
    data = {
        "id": incident.pk,
        "ref": incident.ref,
        "severity": incident.severity,
        "status": incident.status,
        "url": settings.SITE_URL + incident.get_absolute_url(),
    }
    if payload_allows_text(incident):
        data.update(
            title=incident.title,
            summary=incident.summary,
            services=[service.slug for service in incident.services.all()],
            commander=incident.commander.get_username() if incident.commander else None,
            started_at=_time(incident.started_at),
            declared_at=_time(incident.declared_at),
            mitigated_at=_time(incident.mitigated_at),
            resolved_at=_time(incident.resolved_at),
        )
    return data


def update_data(update) -> dict:
    data = {
        "id": update.pk,
        "audience": update.audience,
        "published_at": _time(update.published_at),
        "next_update_due_at": _time(update.next_update_due_at),
    }
    if payload_allows_text(update.incident):
        data.update(status=update.status, actions=update.actions, next_steps=update.next_steps)
    return data


def action_item_data(item_id: int, incident: Incident) -> dict | None:
    item = apps.get_model("action_items", "ActionItem").objects.select_related("owner").filter(pk=item_id).first()
    if item is None:
        return None
    data = {
        "id": item.pk,
        "ref": item.ref,
        "status": item.status,
        "priority": item.priority,
        "type": item.type,
        "due_date": item.due_date.isoformat(),
        "owner": item.owner.get_username(),
        "url": settings.SITE_URL + item.get_absolute_url(),
    }
    if payload_allows_text(incident):
        data["title"] = item.title
    return data


def postmortem_data(postmortem_id: int, incident: Incident) -> dict | None:
    postmortem = apps.get_model("postmortems", "Postmortem").objects.filter(pk=postmortem_id).first()
    if postmortem is None:
        return None
    return {
        "id": postmortem.pk,
        "status": postmortem.status,
        "published_at": _time(postmortem.published_at),
        "url": f"{settings.SITE_URL}{incident.get_absolute_url()}postmortem/document/",
    }


def entry_event_type(entry) -> str | None:
    """The event type a timeline entry stands for, if any; decided from its kind and metadata alone (no query)."""
    meta, kind = entry.metadata or {}, entry.kind
    if kind == "status":
        return "incident.status_changed"
    if kind == "severity" and meta.get("from") != meta.get("to"):
        return "incident.severity_changed"
    if kind == "role" and isinstance(meta.get("user"), str):
        return "incident.role_assigned"
    if kind == "postmortem" and meta.get("status") == "published" and meta.get("postmortem"):
        return "postmortem.published"
    if kind == "action_item" and meta.get("change") in ("created", "updated") and meta.get("action_item"):
        return f"action_item.{meta['change']}"
    if kind == "reminder" and meta.get("reminder") == "overdue" and meta.get("action_item"):
        return "action_item.overdue"
    return None


def entry_event_data(entry) -> dict | None:
    """The `data` of the entry's event (None when the row it names is gone)."""
    event_type, meta = entry_event_type(entry), entry.metadata or {}
    incident = Incident.objects.get(pk=entry.incident_id)
    data = {"incident": incident_data(incident), "actor": entry.actor.get_username() if entry.actor_id else None}
    if event_type in ("incident.status_changed", "incident.severity_changed"):
        data.update({"from": meta.get("from"), "to": meta.get("to")})
    elif event_type == "incident.role_assigned":
        data.update(role=meta.get("role"), user=meta["user"], previous=meta.get("previous"))
    elif event_type == "postmortem.published":
        data["postmortem"] = postmortem_data(meta["postmortem"], incident)
        if data["postmortem"] is None:
            return None
    else:
        data["action_item"] = action_item_data(meta["action_item"], incident)
        if data["action_item"] is None:
            return None
    return data
