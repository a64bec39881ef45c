"""Actions on action items: raising and changing them, the recurrence note, and asking for the Jira export.

Every change is checked for SMART-ness (action_items/smart.py), written in one transaction and told to
the incident's room with a timeline entry, so the room, the tracker and the postmortem read one record.
What the sweepers write (reminders, digests, the Jira export itself) lives beside, in follow_up.py.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from incidents.actions import display_name, record
from incidents.models import EntryKind, Incident, TimelineEntry
from integrations.outbound.jira import JiraConfig
from postmortems.models import Postmortem
from warroom.errors import ActionConflict, ActionError

from .. import recurrence, smart
from ..models import ActionItem, ExportState

_UNCHANGED = object()


def create_action_item(
    incident: Incident,
    *,
    actor,
    title: str,
    owner,
    type: str,
    description: str,
    due_date: date | None = None,
    priority: str | None = None,
    external_url: str = "",
    postmortem: Postmortem | None = None,
    source_entry: TimelineEntry | None = None,
) -> ActionItem:
    """Raise a SMART action item on an incident (from the room, the postmortem editor or the API)."""
    title = smart.check_title(title)
    description = smart.check_done_criterion(description)
    owner = smart.check_owner(owner)
    item_type = smart.check_choice(type, ActionItem.Type, field="type", label="type")
    priority = smart.check_choice(
        priority or ActionItem.Priority.P3, ActionItem.Priority, field="priority", label="priority"
    )
    due_date = smart.check_due_date(due_date or smart.default_due_date(incident.severity))
    external_url = smart.check_url(external_url)
    if postmortem is not None and postmortem.incident_id != incident.pk:
        raise ActionError(f"That postmortem belongs to INC-{postmortem.incident_id}, not {incident.ref}.", "postmortem")
    if source_entry is not None and source_entry.incident_id != incident.pk:
        raise ActionError(
            f"That timeline entry belongs to INC-{source_entry.incident_id}, not {incident.ref}.", "source_entry"
        )

    with transaction.atomic():
        item = ActionItem.objects.create(
            incident=incident,
            postmortem=postmortem,
            source_entry=source_entry,
            title=title,
            description=description,
            owner=owner,
            due_date=due_date,
            priority=priority,
            type=item_type,
            external_url=external_url,
            created_by=actor,
        )
        where = " from the postmortem" if postmortem else (" from a timeline entry" if source_entry else "")
        body = (
            f"{display_name(actor)} raised action item **{item.ref}**{where}: {title} "
            f"(owner {display_name(owner)}, due {due_date.isoformat()}, {priority.value}, {item_type.label.lower()})."
        )
        record(
            incident,
            kind=EntryKind.ACTION_ITEM,
            body=body,
            actor=actor,
            metadata={
                "action_item": item.pk,
                "change": "created",
                "source_entry": source_entry.pk if source_entry else None,
            },
        )
    return item


def update_action_item(
    item: ActionItem,
    *,
    actor,
    status=_UNCHANGED,
    owner=_UNCHANGED,
    due_date=_UNCHANGED,
    priority=_UNCHANGED,
    reason: str = "",
) -> ActionItem:
    """Change status, owner, due date or priority; each change is one sentence in the incident's timeline.

    "Won't do" needs a reason; done stamps the completion time and reopening clears it.
    """
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().select_related("incident", "owner").get(pk=item.pk)
        sentences, fields, metadata = [], [], {"action_item": item.pk, "change": "updated"}
        if owner is not _UNCHANGED and owner != item.owner:
            owner = smart.check_owner(owner)
            sentences.append(f"gave it to {display_name(owner)} (was {display_name(item.owner)})")
            metadata["owner"] = owner.get_username()
            item.owner = owner
            fields.append("owner")
        if due_date is not _UNCHANGED and due_date != item.due_date:
            due_date = smart.check_due_date(due_date)
            sentences.append(f"moved the due date to {due_date.isoformat()} (was {item.due_date.isoformat()})")
            metadata["due_date"] = due_date.isoformat()
            item.due_date = due_date
            fields.append("due_date")
        if priority is not _UNCHANGED and priority != item.priority:
            priority = smart.check_choice(priority, ActionItem.Priority, field="priority", label="priority")
            sentences.append(f"set the priority to {priority.value} (was {item.priority})")
            item.priority = priority
            fields.append("priority")
        if status is not _UNCHANGED and status != item.status:
            sentences.append(_change_status(item, status, reason, fields))
            metadata["status"] = item.status
        if not fields:
            raise ActionConflict(f"{item.ref} already looks like that: nothing changed.", "status")
        item.save(update_fields=[*fields, "updated_at"])
        body = f"{display_name(actor)} {_join(sentences)} on action item **{item.ref}**: {item.title}."
        if "wont_do_reason" in fields:
            body += f"\n\nReason: {item.wont_do_reason}"
        record(item.incident, kind=EntryKind.ACTION_ITEM, body=body, actor=actor, metadata=metadata)
    return item


_STATUS_SENTENCES = {
    ActionItem.State.OPEN: "reopened it",
    ActionItem.State.IN_PROGRESS: "started work",
    ActionItem.State.DONE: "marked it done",
    ActionItem.State.WONT_DO: "closed it as won't do",
}


def _change_status(item: ActionItem, status: str, reason: str, fields: list[str]) -> str:
    status = smart.check_choice(status, ActionItem.State, field="status", label="status")
    reason = (reason or "").strip()
    if status == ActionItem.State.WONT_DO and not reason:
        raise ActionError("Say why it won't be done: a reason is required to close an item as won't do.", "reason")
    item.status = status
    fields.append("status")
    if status == ActionItem.State.WONT_DO:
        item.wont_do_reason = reason
        fields.append("wont_do_reason")
    elif item.wont_do_reason:
        item.wont_do_reason = ""
        fields.append("wont_do_reason")
    if status in (ActionItem.State.DONE, ActionItem.State.WONT_DO):
        item.completed_at = timezone.now()
        fields.append("completed_at")
    elif item.completed_at:
        item.completed_at = None
        fields.append("completed_at")
    return _STATUS_SENTENCES[status]


def _join(sentences: list[str]) -> str:
    if len(sentences) == 1:
        return sentences[0]
    return ", ".join(sentences[:-1]) + " and " + sentences[-1]


def note_recurrence(incident: Incident) -> TimelineEntry | None:
    """On declaration: if a service of this incident still has open items from earlier incidents, say so."""
    found = recurrence.recurrence_for(incident)
    if not found:
        return None
    body = "This may be a recurrence of " + recurrence.recurrence_sentence(found) + "."
    metadata = {"recurrence": [{"incident": r["incident_id"], "open_items": r["open_items"]} for r in found]}
    return record(incident, kind=EntryKind.SYSTEM, body=body, metadata=metadata)


# --- asking for the Jira export (the task sends it; follow_up.py stores the answer) ------------


JIRA_OFF = "Jira is not configured: set JIRA_BASE_URL and JIRA_PROJECT_KEY to export action items."


def request_jira_export(item: ActionItem, *, actor) -> ActionItem:
    """Queue the item for Jira; the task creates the issue, the sweeper retries until it exists."""
    if not JiraConfig.from_settings().enabled:
        raise ActionError(JIRA_OFF, "jira")
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().select_related("incident").get(pk=item.pk)
        if item.export_state == ExportState.EXPORTED:
            raise ActionConflict(f"{item.ref} is already Jira issue {item.jira_key}.", "jira")
        if item.export_state in (ExportState.PENDING, ExportState.SENDING):
            raise ActionConflict(f"{item.ref} is already on its way to Jira.", "jira")
        _queue_export(item)
        record(
            item.incident,
            kind=EntryKind.ACTION_ITEM,
            body=f"{display_name(actor)} sent action item **{item.ref}** to Jira.",
            actor=actor,
            metadata={"action_item": item.pk, "change": "jira_requested"},
        )
    return item


def request_postmortem_jira_export(postmortem: Postmortem, *, actor) -> list[ActionItem]:
    """Every item of the postmortem that is not in Jira (nor on its way) is queued; one entry says so."""
    if not JiraConfig.from_settings().enabled:
        raise ActionError(JIRA_OFF, "jira")
    with transaction.atomic():
        items = list(
            ActionItem.objects.select_for_update()
            .filter(postmortem=postmortem)
            .filter(export_state__in=[ExportState.NONE, ExportState.FAILED])
            .order_by("pk")
        )
        if not items:
            raise ActionConflict("Every action item of this postmortem is already in Jira or on its way.", "jira")
        for item in items:
            _queue_export(item)
        refs = ", ".join(f"**{i.ref}**" for i in items)
        record(
            postmortem.incident,
            kind=EntryKind.ACTION_ITEM,
            body=f"{display_name(actor)} sent the postmortem's action items to Jira: {refs}.",
            actor=actor,
            metadata={"action_items": [i.pk for i in items], "change": "jira_requested"},
        )
    return items


def _queue_export(item: ActionItem) -> None:
    """Mark the export due now. The caller queues the task (`tasks.send_to_jira_on_commit`); if that message
    is lost, the Jira sweeper finds the due time in the database and sends it."""
    item.export_state = ExportState.PENDING
    item.export_error = ""
    item.export_attempts = 0
    item.export_next_attempt_at = timezone.now()
    item.save(update_fields=["export_state", "export_error", "export_attempts", "export_next_attempt_at", "updated_at"])
