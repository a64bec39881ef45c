"""Explicit IC hand-off: the outgoing side offers command, the new IC accepts, the room is told and an
automatic briefing is posted. After `WARROOM["IC_ROTATION_AFTER"]` (4 hours) the room suggests a rotation.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import broadcast, restore_live
from .actions import ActionConflict, _locked, _name, check_command_apart_from_tech_lead, hand_over, record
from .models import Decision, EntryKind, HandOff, Incident, Role, RoleAssignment, Theory

DEFAULT_ROTATION_AFTER = timedelta(hours=4)


def rotation_after() -> timedelta:
    return settings.WARROOM.get("IC_ROTATION_AFTER", DEFAULT_ROTATION_AFTER)


def offer_handoff(incident: Incident, *, current: RoleAssignment, to_user, actor) -> HandOff:
    """Called by actions.assign_role inside its locked transaction; replaces any earlier pending offer."""
    now = timezone.now()
    incident.handoffs.filter(role=current.role, accepted_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=now)
    handoff = HandOff.objects.create(
        incident=incident, role=current.role, from_user=current.user, to_user=to_user, offered_by=actor, offered_at=now
    )
    role = Role(current.role)
    record(
        incident,
        kind=EntryKind.ROLE,
        body=(
            f"{_name(actor)} offered {role.label} to {_name(to_user)}; "
            f"{_name(current.user)} stays in command until {_name(to_user)} accepts."
        ),
        actor=actor,
        metadata={"role": role.value, "handoff": handoff.pk, "offered_to": to_user.get_username()},
    )
    broadcast.incident_on_commit(incident)
    return handoff


def accept_handoff(handoff: HandOff, *, actor) -> RoleAssignment:
    """The new holder acknowledges: command changes hands now, and the briefing is posted."""
    with transaction.atomic():
        incident = _locked(handoff.incident)
        handoff = HandOff.objects.select_for_update().select_related("to_user").get(pk=handoff.pk)
        if handoff.accepted_at or handoff.cancelled_at:
            raise ActionConflict("This hand-off is no longer pending.", "handoff")
        if actor is None or actor.pk != handoff.to_user_id:
            raise ActionConflict(f"Only {_name(handoff.to_user)} can accept this hand-off.", "handoff")
        role = Role(handoff.role)
        check_command_apart_from_tech_lead(incident, role, actor)
        current = incident.role_assignments.filter(role=role, relieved_at__isnull=True).select_related("user").first()
        handoff.accepted_at = timezone.now()
        handoff.save(update_fields=["accepted_at"])
        return hand_over(incident, role=role, current=current, user=actor, actor=actor)


def cancel_handoff(handoff: HandOff, *, actor) -> HandOff:
    with transaction.atomic():
        incident = _locked(handoff.incident)
        handoff = HandOff.objects.select_for_update().select_related("to_user").get(pk=handoff.pk)
        if handoff.accepted_at or handoff.cancelled_at:
            raise ActionConflict("This hand-off is no longer pending.", "handoff")
        handoff.cancelled_at = timezone.now()
        handoff.save(update_fields=["cancelled_at"])
        label = Role(handoff.role).label
        if actor is not None and actor.pk == handoff.to_user_id:
            body = f"{_name(actor)} declined the offer of {label}."
        else:
            body = f"{_name(actor)} withdrew the offer of {label} to {_name(handoff.to_user)}."
        record(
            incident,
            kind=EntryKind.ROLE,
            body=body,
            actor=actor,
            metadata={"role": handoff.role, "handoff": handoff.pk, "cancelled": True},
        )
        broadcast.incident_on_commit(incident)
    return handoff


def on_command_changed(incident: Incident, *, new: RoleAssignment, previous: RoleAssignment) -> None:
    """Any change of IC (accepted offer or taking command) closes pending offers and posts the briefing."""
    incident.handoffs.filter(role=Role.COMMANDER, accepted_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=new.assigned_at)
    record(
        incident,
        kind=EntryKind.BRIEFING,
        body=briefing(incident, new_commander=new.user, previous=previous.user),
        metadata={"commander": new.user.get_username(), "previous": previous.user.get_username()},
    )
    restore_live.panels_on_commit(incident)


def briefing(incident: Incident, *, new_commander, previous) -> str:
    """What a new IC needs in the first minute, written from the record."""
    lines = [
        f"**Hand-off briefing** for {_name(new_commander)}, Incident Commander from now (taking over from {_name(previous)}).",
        "",
        f"- Severity: **{incident.severity}**; status: {incident.get_status_display()}",
        f"- Impact: {_impact_line(incident)}",
        f"- Open decisions: {_list(_open_decisions(incident))}",
        f"- Open theories: {_list(t.hypothesis for t in incident.theories.filter(state=Theory.State.OPEN))}",
    ]
    # Status updates (issue 5) note drafts as UPDATE entries too; only a published one counts as "last update".
    last_update = incident.entries.filter(kind=EntryKind.UPDATE).exclude(metadata__state="draft").order_by("-pk").first()
    if last_update is not None:
        first_line = last_update.body.strip().splitlines()[0][:200]
        lines.append(f"- Last update: {last_update.occurred_at:%H:%M} UTC: {first_line}")
    next_due = getattr(incident, "next_update_due_at", None)  # status updates (issue 5) add this column
    if next_due is not None:
        lines.append(f"- Next update due: {next_due:%H:%M} UTC")
    return "\n".join(lines)


def _impact_line(incident: Incident) -> str:
    assessment = incident.assessments.prefetch_related("services").first()
    if assessment is None:
        return "not assessed yet"
    names = ", ".join(s.name for s in assessment.services.all()) or "no service named"
    flow = "core flow down" if assessment.core_flow_down else "core flows working"
    return f"{names}; {assessment.users_affected_pct}% of users; {flow} (suggested {assessment.suggested_severity})"


def _open_decisions(incident: Incident) -> list[str]:
    decisions = incident.decisions.filter(state__in=[Decision.State.PROPOSED, Decision.State.DECIDED])
    return [f"{d.question} → {d.chosen} ({d.get_state_display().lower()})" for d in decisions]


def _list(items) -> str:
    items = list(items)
    return "; ".join(items) if items else "none"


def panel_context(incident: Incident, holders: dict) -> dict:
    """For the roles panel: the pending offer of command and whether a rotation is due."""
    commander = holders.get(Role.COMMANDER)
    pending = (
        incident.handoffs.filter(role=Role.COMMANDER, accepted_at__isnull=True, cancelled_at__isnull=True).select_related("to_user").first()
        if incident.is_open
        else None
    )
    held_for = timezone.now() - commander.assigned_at if commander else None
    return {
        "pending_handoff": pending,
        "commander_held_for": held_for,
        "rotation_due": bool(incident.is_open and held_for and held_for >= rotation_after()),
    }
