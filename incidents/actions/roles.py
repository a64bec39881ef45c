"""Who holds which role: naming people, relieving them, and the explicit hand-off of command.

Command changes hands only when the new Incident Commander accepts; the new IC gets a briefing written
from the record. After `WARROOM["IC_ROTATION_AFTER"]` (4 hours) the room suggests a rotation.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from warroom.errors import ActionConflict, ActionError, NotAllowed

from ..models import Decision, EntryKind, HandOff, Incident, Role, RoleAssignment, Theory
from .audit import AuditAction, audit
from .authority import may_assign, may_cancel_handoff, may_relieve, may_take_command
from .base import body_max_length, clean_choice, clean_text, display_name, lock_incident
from .timeline import record

DEFAULT_ROTATION_AFTER = timedelta(hours=4)


def rotation_after() -> timedelta:
    return settings.WARROOM.get("IC_ROTATION_AFTER", DEFAULT_ROTATION_AFTER)


def offer_handoff(incident: Incident, *, current: RoleAssignment, to_user, actor) -> HandOff:
    """Called by assign_role holding the incident lock; replaces any earlier pending offer."""
    now = timezone.now()
    incident.handoffs.filter(role=current.role, accepted_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=now
    )
    handoff = HandOff.objects.create(
        incident=incident, role=current.role, from_user=current.user, to_user=to_user, offered_by=actor, offered_at=now
    )
    role = Role(current.role)
    record(
        incident,
        kind=EntryKind.ROLE,
        body=(
            f"{display_name(actor)} offered {role.label} to {display_name(to_user)}; "
            f"{display_name(current.user)} stays in command until {display_name(to_user)} accepts."
        ),
        actor=actor,
        metadata={"role": role.value, "handoff": handoff.pk, "offered_to": to_user.get_username()},
    )
    return handoff


def accept_handoff(handoff: HandOff, *, actor) -> RoleAssignment:
    """The new holder acknowledges: command changes hands now, and the briefing is posted."""
    with transaction.atomic():
        incident = lock_incident(handoff.incident)
        handoff = HandOff.objects.select_for_update().select_related("to_user").get(pk=handoff.pk)
        if handoff.accepted_at or handoff.cancelled_at:
            raise ActionConflict("This hand-off is no longer pending.", "handoff")
        if actor is None or actor.pk != handoff.to_user_id:
            raise ActionConflict(f"Only {display_name(handoff.to_user)} can accept this hand-off.", "handoff")
        role = Role(handoff.role)
        check_command_apart_from_tech_lead(incident, role, actor)
        current = incident.role_assignments.filter(role=role, relieved_at__isnull=True).select_related("user").first()
        handoff.accepted_at = timezone.now()
        handoff.save(update_fields=["accepted_at"])
        return hand_over(incident, role=role, current=current, user=actor, actor=actor)


def cancel_handoff(handoff: HandOff, *, actor) -> HandOff:
    with transaction.atomic():
        incident = lock_incident(handoff.incident)
        handoff = HandOff.objects.select_for_update().select_related("to_user").get(pk=handoff.pk)
        if handoff.accepted_at or handoff.cancelled_at:
            raise ActionConflict("This hand-off is no longer pending.", "handoff")
        refusal = may_cancel_handoff(handoff, actor=actor)
        if refusal:
            raise NotAllowed(refusal, "handoff")
        handoff.cancelled_at = timezone.now()
        handoff.save(update_fields=["cancelled_at"])
        label = Role(handoff.role).label
        if actor is not None and actor.pk == handoff.to_user_id:
            body = f"{display_name(actor)} declined the offer of {label}."
        else:
            body = f"{display_name(actor)} withdrew the offer of {label} to {display_name(handoff.to_user)}."
        record(
            incident,
            kind=EntryKind.ROLE,
            body=body,
            actor=actor,
            metadata={"role": handoff.role, "handoff": handoff.pk, "cancelled": True},
        )
        return handoff


def on_command_changed(incident: Incident, *, new: RoleAssignment, previous: RoleAssignment) -> None:
    """Any change of IC (accepted offer or taking command) closes pending offers and posts the briefing."""
    incident.handoffs.filter(role=Role.COMMANDER, accepted_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=new.assigned_at
    )
    record(
        incident,
        kind=EntryKind.BRIEFING,
        body=briefing(incident, new_commander=new.user, previous=previous.user),
        metadata={"commander": new.user.get_username(), "previous": previous.user.get_username()},
    )


def briefing(incident: Incident, *, new_commander, previous) -> str:
    """What a new IC needs in the first minute, written from the record."""
    lines = [
        f"**Hand-off briefing** for {display_name(new_commander)}, Incident Commander from now (taking over from {display_name(previous)}).",
        "",
        f"- Severity: **{incident.severity}**; status: {incident.get_status_display()}",
        f"- Impact: {_impact_line(incident)}",
        f"- Open decisions: {_list(_open_decisions(incident))}",
        f"- Open theories: {_list(t.hypothesis for t in incident.theories.filter(state=Theory.State.OPEN))}",
    ]
    # Drafts of external updates are UPDATE entries too; only a published one counts as "last update".
    last_update = (
        incident.entries.filter(kind=EntryKind.UPDATE).exclude(metadata__state="draft").order_by("-pk").first()
    )
    if last_update is not None:
        first_line = last_update.body.strip().splitlines()[0][:200]
        lines.append(f"- Last update: {last_update.occurred_at:%H:%M} UTC: {first_line}")
    if incident.next_update_due_at is not None:
        lines.append(f"- Next update due: {incident.next_update_due_at:%H:%M} UTC")
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


def assign_role(incident: Incident, *, role: str, user, actor):
    """Name someone to a role, or hand it off: the previous holder is relieved and history kept.

    Command changes hands only when the new IC accepts: naming someone else IC offers a hand-off
    (`offer_handoff`) and returns it; taking command yourself is the acceptance.
    """
    role = clean_choice(role, Role, field="role", label="role")
    if user is None or not user.is_active:
        raise ActionError("Choose an active user for the role.", "user")
    with transaction.atomic():
        incident = lock_incident(incident)
        current = incident.role_assignments.filter(role=role, relieved_at__isnull=True).select_related("user").first()
        if current and current.user_id == user.pk:
            raise ActionConflict(f"{display_name(user)} is already {role.label}.", "user")
        if role == Role.COMMANDER and current and actor is not None and actor.pk == user.pk:
            pending = incident.handoffs.filter(
                role=role, to_user=user, accepted_at__isnull=True, cancelled_at__isnull=True
            ).first()
            if pending is None:
                raise NotAllowed(
                    f"Command changes hands only when {display_name(current.user)} offers it and you accept. "
                    "Ask for an offer, or use Take command if the Incident Commander is absent.",
                    "user",
                )
            return accept_handoff(pending, actor=actor)
        refusal = may_assign(incident, role=role, user=user, actor=actor)
        if refusal:
            raise NotAllowed(refusal, "user")
        check_command_apart_from_tech_lead(incident, role, user)
        if role == Role.COMMANDER and current and actor is not None and actor.pk != user.pk:
            return offer_handoff(incident, current=current, to_user=user, actor=actor)
        return hand_over(incident, role=role, current=current, user=user, actor=actor)


def take_command(incident: Incident, *, actor, reason: str, request=None) -> RoleAssignment:
    """The override for a room whose IC is absent: the actor becomes IC now, with the reason on the timeline."""
    reason = clean_text(reason, field="reason", label="The reason", max_length=body_max_length())
    with transaction.atomic():
        incident = lock_incident(incident)
        refusal = may_take_command(incident, actor=actor)
        if refusal:
            raise NotAllowed(refusal, "reason")
        check_command_apart_from_tech_lead(incident, Role.COMMANDER, actor)
        current = (
            incident.role_assignments.filter(role=Role.COMMANDER, relieved_at__isnull=True)
            .select_related("user")
            .first()
        )
        now = timezone.now()
        if current:
            current.relieved_at = now
            current.save(update_fields=["relieved_at"])
        assignment = RoleAssignment.objects.create(
            incident=incident, role=Role.COMMANDER, user=actor, assigned_by=actor, assigned_at=now
        )
        if current:
            body = f"{display_name(actor)} took command from {display_name(current.user)}: {reason}"
        else:
            body = f"{display_name(actor)} took command of an unstaffed incident: {reason}"
        record(
            incident,
            kind=EntryKind.ROLE,
            body=body,
            actor=actor,
            metadata={
                "role": Role.COMMANDER.value,
                "user": actor.get_username(),
                "previous": current.user.get_username() if current else None,
                "took_command": True,
            },
        )
        if current:
            on_command_changed(incident, new=assignment, previous=current)
        else:
            incident.handoffs.filter(role=Role.COMMANDER, accepted_at__isnull=True, cancelled_at__isnull=True).update(
                cancelled_at=now
            )
        audit(
            AuditAction.TOOK_COMMAND,
            actor=actor,
            incident=incident,
            request=request,
            previous=current.user.get_username() if current else None,
            reason=reason,
        )
        return assignment


def check_command_apart_from_tech_lead(incident: Incident, role: Role, user) -> None:
    """The IC coordinates and the Tech Lead changes production: one person never holds both."""
    other = {Role.COMMANDER: Role.TECH_LEAD, Role.TECH_LEAD: Role.COMMANDER}.get(role)
    if other is None or not incident.role_assignments.filter(role=other, user=user, relieved_at__isnull=True).exists():
        return
    if role == Role.TECH_LEAD:
        advice = "Choose someone else as Tech Lead, or hand off command first."
    else:
        advice = "Name another Tech Lead first, or choose someone else as Incident Commander."
    raise ActionConflict(
        f"{display_name(user)} is {other.label} and cannot also be {role.label}: the Incident Commander coordinates, "
        f"the Tech Lead changes production. {advice}",
        "user",
    )


def hand_over(incident: Incident, *, role: Role, current: RoleAssignment | None, user, actor) -> RoleAssignment:
    """Relieve the current holder and open the new holder's window; called inside a locked transaction."""
    now = timezone.now()
    if current:
        current.relieved_at = now
        current.save(update_fields=["relieved_at"])
    assignment = RoleAssignment.objects.create(
        incident=incident, role=role, user=user, assigned_by=actor, assigned_at=now
    )
    if current:
        body = f"{display_name(actor)} handed {role.label} from {display_name(current.user)} to {display_name(user)}."
        if actor is not None and actor.pk == user.pk:
            body = f"{display_name(user)} took over as {role.label} from {display_name(current.user)}."
    elif actor is not None and actor.pk == user.pk:
        body = f"{display_name(user)} took the {role.label} role."
    else:
        body = f"{display_name(actor)} named {display_name(user)} {role.label}."
    record(
        incident,
        kind=EntryKind.ROLE,
        body=body,
        actor=actor,
        metadata={
            "role": role.value,
            "user": user.get_username(),
            "previous": current.user.get_username() if current else None,
        },
    )
    if role == Role.COMMANDER and current:
        on_command_changed(incident, new=assignment, previous=current)
    return assignment


def relieve_role(incident: Incident, *, role: str, actor) -> None:
    """Leave a role empty again (the IC holds it meanwhile). The IC role itself is only handed off."""
    role = clean_choice(role, Role, field="role", label="role")
    if role == Role.COMMANDER:
        raise ActionConflict("The Incident Commander cannot be removed, only handed off to someone else.", "role")
    with transaction.atomic():
        incident = lock_incident(incident)
        current = incident.role_assignments.filter(role=role, relieved_at__isnull=True).select_related("user").first()
        if current is None:
            raise ActionConflict(f"Nobody holds {role.label}.", "role")
        refusal = may_relieve(incident, role=role, actor=actor)
        if refusal:
            raise NotAllowed(refusal, "role")
        current.relieved_at = timezone.now()
        current.save(update_fields=["relieved_at"])
        record(
            incident,
            kind=EntryKind.ROLE,
            body=f"{display_name(actor)} relieved {display_name(current.user)} as {role.label}; the Incident Commander holds it now.",
            actor=actor,
            metadata={"role": role.value, "user": None, "previous": current.user.get_username()},
        )
