"""Reminders for overdue status updates, posted by the beat sweeper (incidents/tasks.py).

A missed promise (`Incident.next_update_due_at` in the past) gets one `reminder` entry addressed to the
Communications Lead (the IC when nobody holds it) and, after a grace period, one escalation to the IC.
Each step is claimed by a conditional UPDATE of a stamp column, so two sweepers post it once.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from incidents import signals
from incidents.actions import display_name, record
from incidents.models import OPEN_STATUSES, EntryKind, Incident, Role, TimelineEntry
from warroom import durations


def overdue_incident_ids(now: datetime) -> list[int]:
    """Open incidents whose promised update is late and not yet reminded, or due for escalation."""
    grace = timedelta(minutes=settings.WARROOM["REMINDER_ESCALATION_MINUTES"])
    late = Incident.objects.filter(status__in=OPEN_STATUSES, next_update_due_at__lte=now)
    unreminded = Q(reminded_for_due_at__isnull=True) | ~Q(reminded_for_due_at=F("next_update_due_at"))
    unescalated = Q(next_update_due_at__lte=now - grace) & (
        Q(escalated_for_due_at__isnull=True) | ~Q(escalated_for_due_at=F("next_update_due_at"))
    )
    return list(late.filter(unreminded | unescalated).values_list("pk", flat=True))


def remind_overdue(incident_id: int, *, now: datetime | None = None) -> list[TimelineEntry]:
    """Post the reminder (Comms Lead, or the IC when none) and, after the grace period, the escalation to the IC.

    Exactly once per missed due time: each step is claimed by a conditional UPDATE of a stamp column
    inside the transaction, so a second sweeper (or a re-delivered task) finds nothing left to claim.
    """
    now = now or timezone.now()
    grace = timedelta(minutes=settings.WARROOM["REMINDER_ESCALATION_MINUTES"])
    entries = []
    with transaction.atomic():
        incident = Incident.objects.with_roles().filter(pk=incident_id, status__in=OPEN_STATUSES).first()
        if incident is None or incident.next_update_due_at is None or incident.next_update_due_at > now:
            return entries
        due = incident.next_update_due_at
        claimable = Incident.objects.filter(pk=incident_id, status__in=OPEN_STATUSES, next_update_due_at=due)
        holders = incident.holders()
        commander = holders.get(Role.COMMANDER)
        comms = holders.get(Role.COMMS_LEAD)
        late = durations.minutes(now - due)
        if claimable.filter(Q(reminded_for_due_at__isnull=True) | ~Q(reminded_for_due_at=due)).update(
            reminded_for_due_at=due
        ):
            to = comms or commander
            role = Role.COMMS_LEAD if comms else Role.COMMANDER
            who = f"{display_name(to.user)} ({role.label})" if to else f"{role.label}"
            body = (
                f"Status update overdue: the update promised for {due:%H:%M} UTC is {late} late. {who}, please post one now; "
                f"“still investigating” is an update too."
            )
            entries.append(_remind(incident, body, due, to, role, escalated=False))
        if due <= now - grace and claimable.filter(
            Q(escalated_for_due_at__isnull=True) | ~Q(escalated_for_due_at=due)
        ).update(escalated_for_due_at=due):
            who = f"{display_name(commander.user)} (Incident Commander)" if commander else "Incident Commander"
            body = (
                f"Escalation: still no status update {late} after {due:%H:%M} UTC. {who}, post an update or hand the "
                f"Communications Lead role to someone who can."
            )
            entries.append(_remind(incident, body, due, commander, Role.COMMANDER, escalated=True))
    return entries


def _remind(incident: Incident, body: str, due: datetime, holder, role: Role, *, escalated: bool):
    entry = record(
        incident,
        kind=EntryKind.REMINDER,
        body=body,
        metadata={
            "due_at": due.isoformat(),
            "to": holder.user.get_username() if holder else None,
            "role": role.value,
            "escalated": escalated,
        },
    )
    signals.reminder_posted.send(sender=Incident, entry=entry)
    return entry
