"""Reminders of the restore stage: an IC rotation after 4 hours in command, an expired decision time-box.

Due times live in columns; each reminder is claimed with a conditional UPDATE on a stamped column, so two
beats (or a retried task) post it once. Run by the `sweep_restore_reminders` task (incidents/tasks.py).
"""

from django.db import transaction
from django.utils import timezone

from incidents.actions import display_name, record, rotation_after
from incidents.models import Decision, EntryKind, Role, RoleAssignment, Status


def suggest_ic_rotations() -> int:
    now = timezone.now()
    due = RoleAssignment.objects.filter(
        role=Role.COMMANDER,
        relieved_at__isnull=True,
        rotation_prompted_at__isnull=True,
        assigned_at__lte=now - rotation_after(),
    ).exclude(incident__status=Status.RESOLVED)
    sent = 0
    for assignment in due.select_related("user", "incident"):
        with transaction.atomic():
            # The claim: only the sweeper whose UPDATE stamps the row posts the reminder.
            if not RoleAssignment.objects.filter(pk=assignment.pk, rotation_prompted_at__isnull=True).update(
                rotation_prompted_at=now
            ):
                continue
            hours = int((now - assignment.assigned_at).total_seconds() // 3600)
            record(
                assignment.incident,
                kind=EntryKind.REMINDER,
                body=(
                    f"{display_name(assignment.user)} has been Incident Commander for {hours} hours. "
                    "Time to hand off to a fresh IC: offer command in the roles panel; the new IC accepts and gets a briefing."
                ),
                metadata={"reminder": "ic_rotation", "assignment": assignment.pk},
            )
            sent += 1
    return sent


def flag_expired_timeboxes() -> int:
    now = timezone.now()
    due = Decision.objects.filter(
        state=Decision.State.DECIDED, timebox_until__lte=now, timebox_reminded_at__isnull=True
    )
    sent = 0
    for decision in due.select_related("incident", "owner"):
        with transaction.atomic():
            if not Decision.objects.filter(pk=decision.pk, timebox_reminded_at__isnull=True).update(
                timebox_reminded_at=now
            ):
                continue
            owner = f" {display_name(decision.owner)}, record" if decision.owner else " Record"
            record(
                decision.incident,
                kind=EntryKind.REMINDER,
                body=(
                    f"The {decision.timebox_minutes}-minute time-box of **{decision.question}** → {decision.chosen} has expired."
                    f"{owner} the outcome (worked, no effect, made it worse) or decide again."
                ),
                metadata={"reminder": "timebox", "decision": decision.pk},
            )
            sent += 1
    return sent
