"""The incident's lifecycle: declare it, move its status and severity, correct its summary, and keep the
promise of the next status update (`next_update_due_at`) in step with all three.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from warroom.errors import ActionConflict, ActionError
from warroom.markdown import quote_plain, render_markdown

from .. import signals
from ..models import EntryKind, Incident, Role, RoleAssignment, Service, Severity, Status, Visibility
from .base import (
    body_max_length,
    check_not_too_early,
    clean_choice,
    clean_text,
    display_name,
    lock_incident,
    title_max_length,
)
from .timeline import record

# --- the update cadence: when the next status update is due ---------------------------------------------


def default_cadence(severity: str) -> int | None:
    """Minutes between status updates for a severity; None means "update on change only"."""
    return settings.WARROOM["UPDATE_CADENCE_MINUTES"].get(str(severity))


def cadence_minutes(incident: Incident) -> int | None:
    """The incident's override, or its severity's default."""
    return incident.update_cadence_minutes or default_cadence(incident.severity)


def due_after(incident: Incident, start: datetime, minutes: int | None = None) -> datetime | None:
    """When an update is due `minutes` (default: the cadence) after `start`; None once resolved or on change only."""
    minutes = minutes or cadence_minutes(incident)
    if not minutes or not incident.is_open:
        return None
    return start + timedelta(minutes=minutes)


def sooner_due(incident: Incident) -> datetime | None:
    """A promise already made stands unless the incident's cadence now asks for an update sooner."""
    minutes = cadence_minutes(incident)
    if not minutes:
        return None
    sooner = timezone.now() + timedelta(minutes=minutes)
    return min(incident.next_update_due_at, sooner) if incident.next_update_due_at else sooner


def set_next_update_due(incident: Incident, due: datetime | None) -> None:
    """Store the promise; called holding the incident's lock, before the entry that records why."""
    incident.next_update_due_at = due
    incident.save(update_fields=["next_update_due_at", "updated_at"])


# --- actions --------------------------------------------------------------------------------------------


def declare_incident(
    *,
    actor,
    title: str,
    severity: str,
    summary: str = "",
    services: Iterable[Service] = (),
    commander=None,
    started_at: datetime | None = None,
    detected_at: datetime | None = None,
    visibility: str = Visibility.INTERNAL,
    is_drill: bool = False,
) -> Incident:
    """Open an incident; the declarer is Incident Commander unless they name another.

    The first status update is due one cadence after the declaration. The owning team is the first affected
    service's team. A private incident is seen only by its role holders, invited people, that team's leads and admins.
    """
    title = clean_text(title, field="title", label="Title", max_length=title_max_length())
    summary = clean_text(summary, field="summary", label="Summary", max_length=body_max_length(), required=False)
    severity = clean_choice(severity, Severity, field="severity", label="severity")
    visibility = clean_choice(visibility, Visibility, field="visibility", label="visibility")
    now = timezone.now()
    started_at = started_at or now
    if started_at > now + timedelta(minutes=5):
        raise ActionError("The start time is in the future.", "started_at")
    check_not_too_early(started_at, field="started_at", label="The start time")
    check_not_too_early(detected_at, field="detected_at", label="The detection time")
    commander = commander or actor
    if commander is None or not commander.is_active:
        raise ActionError("An incident needs an active Incident Commander.", "commander")

    with transaction.atomic():
        incident = Incident(
            title=title,
            summary=summary,
            summary_html=render_markdown(summary),
            severity=severity,
            started_at=started_at,
            detected_at=detected_at,
            declared_at=now,
            declared_by=actor,
            visibility=visibility,
            is_drill=bool(is_drill),
        )
        services = list(services)
        incident.team_id = next((s.team_id for s in services if s.team_id), None)
        incident.next_update_due_at = due_after(incident, now)
        incident.save()
        incident.services.set(services)
        RoleAssignment.objects.create(incident=incident, role=Role.COMMANDER, user=commander, assigned_by=actor)
        names = ", ".join(s.name for s in services)
        body = f"{display_name(actor)} declared a **{severity}** incident: {quote_plain(title)}."
        if names:
            body += f" Affected services: {names}."
        body += f" {display_name(commander)} is Incident Commander."
        if visibility == Visibility.PRIVATE:
            body += " The incident is private: only its role holders and invited people see it."
        if incident.is_drill:
            body += " This is a drill."
        record(
            incident,
            kind=EntryKind.DECLARED,
            body=body,
            actor=actor,
            metadata={
                "severity": severity,
                "services": [s.slug for s in services],
                "commander": commander.get_username(),
                "visibility": visibility,
                "is_drill": incident.is_drill,
            },
        )
        signals.incident_declared.send(sender=Incident, incident=incident)
    return incident


STATUS_SENTENCES = {
    Status.INVESTIGATING: "moved the incident back to Investigating",
    Status.IDENTIFIED: "marked the cause as Identified",
    Status.MITIGATED: "marked the incident Mitigated: impact has stopped",
    Status.MONITORING: "moved the incident to Monitoring",
    Status.RESOLVED: "resolved the incident",
}


def change_status(incident: Incident, *, status: str, actor, note: str = "") -> Incident:
    """Move the incident through its lifecycle; the first move to mitigated/resolved stamps the time.

    Nothing is due once resolved; a reopened incident owes its next update one cadence from now.
    Resolving sends `incident_resolved` inside the transaction (the postmortem is drafted from there).
    """
    status = clean_choice(status, Status, field="status", label="status")
    note = clean_text(note, field="note", label="The note", max_length=body_max_length(), required=False)
    with transaction.atomic():
        incident = lock_incident(incident)
        previous = Status(incident.status)
        if previous == status:
            raise ActionConflict(f"{incident.ref} is already {status.label}.", "status")
        now = timezone.now()
        fields = ["status", "updated_at"]
        incident.status = status
        if status in (Status.MITIGATED, Status.MONITORING, Status.RESOLVED) and incident.mitigated_at is None:
            incident.mitigated_at = now
            fields.append("mitigated_at")
        if status == Status.RESOLVED:
            incident.resolved_at = now
            fields.append("resolved_at")
        elif previous == Status.RESOLVED:
            incident.resolved_at = None
            fields.append("resolved_at")
        incident.save(update_fields=fields)
        if status == Status.RESOLVED:
            set_next_update_due(incident, None)
        elif previous == Status.RESOLVED:
            set_next_update_due(incident, due_after(incident, now))

        sentence = STATUS_SENTENCES[status]
        if previous == Status.RESOLVED:
            sentence = f"reopened the incident as {status.label}"
        body = f"{display_name(actor)} {sentence} (was {previous.label})."
        if note:
            body += f"\n\n{note}"
        record(
            incident,
            kind=EntryKind.STATUS,
            body=body,
            actor=actor,
            metadata={"from": previous.value, "to": status.value},
        )
        if status == Status.RESOLVED:
            signals.incident_resolved.send(sender=Incident, incident=incident)
    return incident


def resolve(incident: Incident, *, actor, note: str = "") -> Incident:
    """Service is fully restored and the incident is over; the postmortem is drafted from here."""
    return change_status(incident, status=Status.RESOLVED, actor=actor, note=note)


def change_severity(incident: Incident, *, severity: str, actor, reason: str = "") -> Incident:
    """Raise or lower the severity. A raised one may pull the next update earlier; a severity without a
    cadence (SEV4-5) drops the promise, since those update on change only."""
    severity = clean_choice(severity, Severity, field="severity", label="severity")
    reason = clean_text(reason, field="reason", label="The reason", max_length=body_max_length(), required=False)
    with transaction.atomic():
        incident = lock_incident(incident)
        previous = Severity(incident.severity)
        if previous == severity:
            raise ActionConflict(f"{incident.ref} is already {severity}.", "severity")
        incident.severity = severity
        incident.save(update_fields=["severity", "updated_at"])
        set_next_update_due(incident, sooner_due(incident) if incident.is_open else None)
        direction = "raised" if severity < previous else "lowered"  # SEV1 sorts before SEV2
        body = f"{display_name(actor)} {direction} the severity from {previous.value} to **{severity.value}**."
        if reason:
            body += f" Reason: {reason}"
        record(
            incident,
            kind=EntryKind.SEVERITY,
            body=body,
            actor=actor,
            metadata={"from": previous.value, "to": severity.value},
        )
    return incident


def set_drill(incident: Incident, *, is_drill: bool, actor) -> Incident:
    """Mark the incident a drill (or test) or a real incident; drills are left out of insights and metrics."""
    is_drill = bool(is_drill)
    with transaction.atomic():
        incident = lock_incident(incident)
        if incident.is_drill == is_drill:
            raise ActionConflict(f"{incident.ref} is {'already' if is_drill else 'not'} a drill.", "is_drill")
        incident.is_drill = is_drill
        incident.save(update_fields=["is_drill", "updated_at"])
        sentence = "marked the incident a drill" if is_drill else "marked the incident real, not a drill"
        record(
            incident,
            kind=EntryKind.SYSTEM,
            body=f"{display_name(actor)} {sentence}.",
            actor=actor,
            metadata={"is_drill": is_drill},
        )
    return incident


def edit_summary(incident: Incident, *, title: str, summary: str, actor) -> Incident:
    """Correct the title or summary; the previous text stays in the timeline entry's metadata."""
    title = clean_text(title, field="title", label="Title", max_length=title_max_length())
    summary = clean_text(summary, field="summary", label="Summary", max_length=body_max_length(), required=False)
    with transaction.atomic():
        incident = lock_incident(incident)
        if (incident.title, incident.summary) == (title, summary):
            raise ActionConflict("Nothing changed.", "summary")
        previous = {"title": incident.title, "summary": incident.summary}
        incident.title, incident.summary, incident.summary_html = title, summary, render_markdown(summary)
        incident.save(update_fields=["title", "summary", "summary_html", "updated_at"])
        record(
            incident,
            kind=EntryKind.SUMMARY,
            body=f"{display_name(actor)} edited the title and summary.",
            actor=actor,
            metadata={"previous": previous},
        )
    return incident
