"""Who holds authority over the room, as the practice defines it.

Command changes hands only by an offer the new Incident Commander accepts. The IC (or the Deputy IC) names the
Tech Lead, Comms Lead and Scribe; anyone may volunteer for an empty role. "Take command" is the override for a
room whose IC is absent: open to responders when nobody holds command, when the IC's offer has gone unanswered,
or when the IC has been silent and away for `WARROOM["TAKE_COMMAND_AFTER"]`; to admins always; the reason goes
on the timeline. An external update is approved by someone other than its author who holds IC or Comms Lead
(`WARROOM["SELF_APPROVAL_SEVERITIES"]` allows self-approval for the low severities).

Each check returns None when the actor may act, else the reason in words; actions raise NotAllowed with it,
so the API answers 403 with the reason and the room shows it next to the control.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import Decision, HandOff, Incident, Role, RoomPresence, StatusUpdate
from .base import display_name

DEFAULT_TAKE_COMMAND_AFTER = timedelta(minutes=15)
DELEGATING_ROLES = (Role.COMMANDER, Role.DEPUTY)
APPROVER_ROLES = (Role.COMMANDER, Role.COMMS_LEAD)


def take_command_after() -> timedelta:
    return settings.WARROOM.get("TAKE_COMMAND_AFTER", DEFAULT_TAKE_COMMAND_AFTER)


def is_admin(user) -> bool:
    return bool(user is not None and user.is_active and user.is_superuser)


def holder_ids(incident: Incident, *roles: Role) -> set[int]:
    holders = incident.holders()
    return {holders[role].user_id for role in roles if role in holders}


def may_assign(incident: Incident, *, role: Role, user, actor) -> str | None:
    """Whether `actor` may put `user` in `role` (for command: offer it, or volunteer for an empty command)."""
    if actor is None or is_admin(actor):
        return None
    holders = incident.holders()
    current = holders.get(role)
    volunteering = user is not None and user.pk == actor.pk
    if role == Role.COMMANDER:
        if current is None:
            if volunteering:
                return None
            return "Nobody holds command: take it yourself, or ask an admin to name the Incident Commander."
        if current.user_id == actor.pk:
            return None
        return (
            f"Only the Incident Commander ({display_name(current.user)}) can offer command. "
            "Ask them to hand off, or use Take command if they are absent."
        )
    if actor.pk in holder_ids(incident, *DELEGATING_ROLES):
        return None
    if volunteering and current is None:
        return None
    if volunteering:
        return f"{display_name(current.user)} holds {role.label}; ask the Incident Commander to hand it to you."
    return f"Only the Incident Commander or the Deputy IC names the {role.label}; you may volunteer for an empty role."


def may_relieve(incident: Incident, *, role: Role, actor) -> str | None:
    """The IC, the Deputy IC or an admin relieves a role holder; a holder may step down."""
    if actor is None or is_admin(actor) or actor.pk in holder_ids(incident, *DELEGATING_ROLES):
        return None
    if actor.pk in holder_ids(incident, role):
        return None
    return f"Only the Incident Commander or the Deputy IC relieves the {role.label}."


def may_take_command(incident: Incident, *, actor, now=None) -> str | None:
    """Whether `actor` may take command without an offer (the IC is absent)."""
    if actor is None:
        return "Someone must take command."
    current = incident.holders().get(Role.COMMANDER)
    if current is not None and current.user_id == actor.pk:
        return "You are already the Incident Commander."
    if is_admin(actor) or current is None:
        return None
    now = now or timezone.now()
    wait = take_command_after()
    stale_offer = incident.handoffs.filter(
        role=Role.COMMANDER, accepted_at__isnull=True, cancelled_at__isnull=True, offered_at__lte=now - wait
    ).exists()
    if stale_offer:
        return None
    if commander_absent(incident, current.user_id, since=now - wait):
        return None
    minutes = int(wait.total_seconds() // 60)
    return (
        f"{display_name(current.user)} is in command and active. Ask them to offer command; you can take it "
        f"once they have been silent and away for {minutes} minutes, or an admin can."
    )


def commander_absent(incident: Incident, commander_id: int, *, since) -> bool:
    """The IC has written nothing since `since` and has no war-room socket seen since then."""
    spoke = incident.entries.filter(actor_id=commander_id, occurred_at__gte=since).exists()
    present = RoomPresence.objects.filter(incident=incident, user_id=commander_id, seen_at__gte=since).exists()
    took_command = incident.role_assignments.filter(
        role=Role.COMMANDER, user_id=commander_id, relieved_at__isnull=True, assigned_at__gte=since
    ).exists()
    return not (spoke or present or took_command)


def self_approval_severities() -> set[str]:
    return set(settings.WARROOM.get("SELF_APPROVAL_SEVERITIES", ()))


def may_approve(incident: Incident, update: StatusUpdate, *, actor) -> str | None:
    """Four eyes on external words: an IC or Comms Lead who is not the author approves."""
    if actor is None or actor.pk not in holder_ids(incident, *APPROVER_ROLES):
        return "Only the Incident Commander or the Communications Lead can approve an external update."
    if update.author_id == actor.pk and incident.severity not in self_approval_severities():
        return (
            "You wrote this update: someone else holding Incident Commander or Communications Lead must approve it "
            "(four eyes on every external word)."
        )
    return None


def may_withdraw_decision(incident: Incident, decision: Decision, *, actor) -> str | None:
    if actor is None or is_admin(actor) or decision.proposed_by_id == actor.pk:
        return None
    if actor.pk in holder_ids(incident, Role.COMMANDER):
        return None
    return "Only the person who proposed this decision or the Incident Commander can withdraw it."


def may_cancel_handoff(handoff: HandOff, *, actor) -> str | None:
    if actor is None or is_admin(actor):
        return None
    if actor.pk in {handoff.offered_by_id, handoff.from_user_id, handoff.to_user_id}:
        return None
    return "Only the person who made this offer or the person it was made to can withdraw it."
