"""Actions that keep action items alive after the postmortem: overdue reminders, the weekly digest per
owner, and the Jira export's claim and answer. Called by the sweepers and tasks in action_items/tasks.py.

Each one claims its rows with a conditional UPDATE or a unique row before it tells anyone, so a sweeper
that runs twice (or two beats) reminds once per item per day and sends one digest per owner per week.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from incidents.actions import display_name, record
from incidents.models import EntryKind
from integrations.outbound.jira import CreatedIssue, JiraError

from .. import notify
from ..models import ActionItem, ExportState, OwnerDigest

log = logging.getLogger(__name__)
User = get_user_model()

SWEEP_BATCH = 500
STALE_CLAIM = timedelta(minutes=10)  # a worker that died mid-export lets go of the item after this


def _site_url(path: str) -> str:
    return settings.SITE_URL + path


# --- overdue reminders ------------------------------------------------------------------------------


def _not_reminded_on(today: date) -> Q:
    return Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today)


def send_overdue_reminders(today: date | None = None) -> int:
    """Remind the owner of every overdue item once today; returns how many reminders this run sent."""
    today = today or timezone.localdate()
    due = ActionItem.objects.overdue(today).filter(_not_reminded_on(today)).order_by("pk").values_list("pk", flat=True)
    return sum(remind_overdue_item(pk, today) for pk in list(due[:SWEEP_BATCH]))


def remind_overdue_item(item_id: int, today: date) -> bool:
    """Claim the item for today (conditional UPDATE: only one caller wins), then write the reminder."""
    with transaction.atomic():
        claimed = (
            ActionItem.objects.overdue(today).filter(_not_reminded_on(today), pk=item_id).update(last_reminded_on=today)
        )
        if not claimed:
            return False
        item = ActionItem.objects.select_related("incident", "owner").get(pk=item_id)
        late = (today - item.due_date).days
        days = "1 day" if late == 1 else f"{late} days"
        body = (
            f"Reminder for {display_name(item.owner)}: action item **{item.ref}** is overdue by {days} "
            f"(due {item.due_date.isoformat()}): {item.title}. [Open it]({_site_url(item.get_absolute_url())})"
        )
        record(
            item.incident,
            kind=EntryKind.REMINDER,
            body=body,
            metadata={"action_item": item.pk, "reminder": "overdue", "on": today.isoformat()},
        )
        notify.announce(item.incident, body)
    return True


# --- weekly digest ------------------------------------------------------------------------------------


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def send_weekly_digests(today: date | None = None) -> int:
    """From the configured weekday on, each owner with open items gets this week's digest once."""
    today = today or timezone.localdate()
    if today.weekday() < settings.WARROOM["ACTION_ITEM_DIGEST_WEEKDAY"]:
        return 0
    monday = week_start(today)
    already = OwnerDigest.objects.filter(week_start=monday).values("owner_id")
    owners = ActionItem.objects.still_open().exclude(owner_id__in=already).values_list("owner_id", flat=True).distinct()
    return sum(send_digest(owner_id, today) for owner_id in list(owners.order_by("owner_id")[:SWEEP_BATCH]))


def send_digest(owner_id: int, today: date) -> bool:
    """One owner's week: every open item, overdue first. The unique (owner, week) row is the claim."""
    items = list(
        ActionItem.objects.still_open()
        .filter(owner_id=owner_id)
        .select_related("incident", "owner")
        .order_by("due_date", "pk")
    )
    if not items:
        return False
    owner = items[0].owner
    overdue = [i for i in items if i.is_overdue(today)]
    lines = [
        f"- {'**overdue** ' if i.is_overdue(today) else ''}{i.ref} {i.title} — due {i.due_date.isoformat()} ({i.incident.ref})"
        for i in items
    ]
    summary = f"Weekly action items for {display_name(owner)}: {len(items)} open, {len(overdue)} overdue."
    try:
        with transaction.atomic():
            OwnerDigest.objects.create(
                owner=owner,
                week_start=week_start(today),
                body=summary + "\n\n" + "\n".join(lines),
                open_count=len(items),
                overdue_count=len(overdue),
            )
            _digest_into_rooms(owner, items, today)
    except IntegrityError:
        return False  # another sweeper sent this owner's digest for the week
    return True


def _digest_into_rooms(owner, items: list[ActionItem], today: date) -> None:
    by_incident: dict[int, list[ActionItem]] = {}
    for item in items:
        by_incident.setdefault(item.incident_id, []).append(item)
    tracker = _site_url(f"/action-items/?owner={owner.get_username()}")
    for group in by_incident.values():
        incident = group[0].incident
        overdue = sum(i.is_overdue(today) for i in group)
        listed = ", ".join(f"**{i.ref}** {i.title} (due {i.due_date.isoformat()})" for i in group)
        count = "1 open action item" if len(group) == 1 else f"{len(group)} open action items"
        late = f", {overdue} overdue" if overdue else ""
        body = f"Weekly digest for {display_name(owner)}: {count} from this incident{late}: {listed}. [All their items]({tracker})"
        record(
            incident,
            kind=EntryKind.REMINDER,
            body=body,
            metadata={"reminder": "digest", "owner": owner.get_username(), "items": [i.pk for i in group]},
        )
        notify.announce(incident, body)


# --- Jira export ----------------------------------------------------------------------------------------


def _claimable(now) -> Q:
    waiting = Q(export_state__in=[ExportState.PENDING, ExportState.FAILED], export_next_attempt_at__lte=now)
    abandoned = Q(export_state=ExportState.SENDING, export_claimed_at__lt=now - STALE_CLAIM)
    return waiting | abandoned


def exports_due(now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        ActionItem.objects.filter(_claimable(now))
        .order_by("export_next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def claim_jira_export(item_id: int) -> ActionItem | None:
    """Only one worker sends an item: the conditional UPDATE to `sending` is the claim."""
    now = timezone.now()
    claimed = ActionItem.objects.filter(_claimable(now), pk=item_id).update(
        export_state=ExportState.SENDING, export_claimed_at=now, export_attempts=F("export_attempts") + 1
    )
    if not claimed:
        return None
    return ActionItem.objects.select_related("incident", "owner").get(pk=item_id)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes, at most an hour, between tries."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def finish_jira_export(
    item_id: int, *, issue: CreatedIssue | None = None, error: JiraError | None = None
) -> ActionItem | None:
    """Store what Jira answered: the key and link, or the error and when to try again."""
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().select_related("incident").get(pk=item_id)
        if item.export_state != ExportState.SENDING:
            return None  # a stale worker finishing late; the item has moved on
        fields = ["export_state", "export_error", "export_next_attempt_at", "updated_at"]
        if issue is not None:
            item.export_state, item.export_error, item.export_next_attempt_at = ExportState.EXPORTED, "", None
            item.jira_key, item.jira_url = issue.key, issue.url
            fields += ["jira_key", "jira_url"]
            if not item.external_url:
                item.external_url = issue.url
                fields.append("external_url")
            body = f"Action item **{item.ref}** is now Jira issue [{issue.key}]({issue.url})."
            record(
                item.incident,
                kind=EntryKind.ACTION_ITEM,
                body=body,
                metadata={"action_item": item.pk, "change": "jira_exported", "jira_key": issue.key},
            )
        else:
            assert error is not None
            retry = error.retryable and item.export_attempts < settings.JIRA["MAX_ATTEMPTS"]
            item.export_state, item.export_error = ExportState.FAILED, error.message
            item.export_next_attempt_at = timezone.now() + retry_delay(item.export_attempts) if retry else None
            # Say so in the room on the first failure and when giving up, not on every retry.
            if item.export_attempts == 1 or not retry:
                then = (
                    "Warroom retries in the background."
                    if retry
                    else "It is not retried automatically: fix the cause and press Retry."
                )
                body = f"Jira export of action item **{item.ref}** failed (attempt {item.export_attempts}): {error.message} {then}"
                record(
                    item.incident,
                    kind=EntryKind.SYSTEM,
                    body=body,
                    metadata={"action_item": item.pk, "change": "jira_failed", "status": error.status},
                )
            log.warning("jira export of action item %s failed: %s", item.pk, error.message)
        item.save(update_fields=fields)
    return item


def jira_description(item: ActionItem) -> str:
    return (
        f"{item.description}\n\n"
        f"Action item {item.ref} from {item.incident.ref} ({item.incident.title}).\n"
        f"Owner: {display_name(item.owner)} · Due: {item.due_date.isoformat()} · "
        f"Priority: {item.priority} · Type: {item.get_type_display()}\n"
        f"{_site_url(item.get_absolute_url())}"
    )
