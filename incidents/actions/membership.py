"""Who may see a private incident: its visibility, and the people invited into it.

Making an incident private or internal, and inviting or removing people, are actions with timeline entries
(and audit lines). The entry's kind (ACCESS) makes every open socket of the room ask again whether its user
still may see it; one who may not is closed.
"""

from django.db import transaction

from warroom.errors import ActionConflict, NotAllowed

from ..models import EntryKind, Incident, IncidentMember, Role, Visibility
from .audit import AuditAction, audit
from .authority import holder_ids, is_admin
from .base import clean_choice, display_name, lock_incident
from .timeline import record


def may_manage_access(incident: Incident, actor) -> str | None:
    """The IC, the Deputy IC, the owning team's leads and admins decide who sees an incident."""
    if actor is None or is_admin(actor) or actor.pk in holder_ids(incident, Role.COMMANDER, Role.DEPUTY):
        return None
    if incident.team_id and incident.team.leads.filter(pk=actor.pk).exists():
        return None
    return (
        "Only the Incident Commander, the Deputy IC, the owning team's leads or an admin decide who sees this incident."
    )


def set_visibility(incident: Incident, *, visibility: str, actor, request=None) -> Incident:
    visibility = clean_choice(visibility, Visibility, field="visibility", label="visibility")
    with transaction.atomic():
        incident = lock_incident(incident)
        refusal = may_manage_access(incident, actor)
        if refusal:
            raise NotAllowed(refusal, "visibility")
        if incident.visibility == visibility:
            raise ActionConflict(f"The incident is already {visibility}.", "visibility")
        incident.visibility = visibility
        incident.save(update_fields=["visibility", "updated_at"])
        if visibility == Visibility.PRIVATE:
            body = (
                f"{display_name(actor)} made the incident private: only its role holders, invited people, "
                "the owning team's leads and admins see it now."
            )
        else:
            body = f"{display_name(actor)} made the incident internal: every responder may read it now."
        record(incident, kind=EntryKind.ACCESS, body=body, actor=actor, metadata={"visibility": visibility})
        audit(AuditAction.VISIBILITY_CHANGED, actor=actor, incident=incident, request=request, visibility=visibility)
    return incident


def add_member(incident: Incident, *, user, actor, request=None) -> IncidentMember:
    """Invite someone into the incident (it matters while the incident is private)."""
    if user is None or not user.is_active:
        raise ActionConflict("Invite an active user.", "username")
    with transaction.atomic():
        incident = lock_incident(incident)
        refusal = may_manage_access(incident, actor)
        if refusal:
            raise NotAllowed(refusal, "username")
        if IncidentMember.objects.filter(incident=incident, user=user).exists():
            raise ActionConflict(f"{display_name(user)} is already invited.", "username")
        member = IncidentMember.objects.create(incident=incident, user=user, added_by=actor)
        record(
            incident,
            kind=EntryKind.ACCESS,
            body=f"{display_name(actor)} invited {display_name(user)} into the incident.",
            actor=actor,
            metadata={"member": user.get_username(), "added": True},
        )
        audit(AuditAction.MEMBER_ADDED, actor=actor, incident=incident, request=request, member=user.get_username())
    return member


def remove_member(incident: Incident, *, user, actor, request=None) -> None:
    """Take an invitation back; if the incident is private and nothing else lets them in, their sockets close."""
    with transaction.atomic():
        incident = lock_incident(incident)
        refusal = may_manage_access(incident, actor)
        if refusal:
            raise NotAllowed(refusal, "username")
        deleted, _ = IncidentMember.objects.filter(incident=incident, user=user).delete()
        if not deleted:
            raise ActionConflict(f"{display_name(user)} was not invited.", "username")
        record(
            incident,
            kind=EntryKind.ACCESS,
            body=f"{display_name(actor)} removed {display_name(user)} from the incident.",
            actor=actor,
            metadata={"member": user.get_username(), "added": False},
        )
        audit(AuditAction.MEMBER_REMOVED, actor=actor, incident=incident, request=request, member=user.get_username())
