"""The only way incident state changes.

Every function here validates, writes in one short transaction (the incident row locked), appends the
timeline entry that records the change, and schedules the broadcast with on_commit. Views, the JSON
API, webhooks, commands and tasks all call these; nothing else saves incident models.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from warroom.markdown import render_markdown

from . import broadcast, signals
from .models import (
    POSTABLE_KINDS,
    EntryKind,
    Incident,
    Role,
    RoleAssignment,
    Service,
    Severity,
    Status,
    TimelineEntry,
)

User = get_user_model()


class ActionError(Exception):
    """Input an action refuses; `field` names the form field it belongs to, when there is one."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ActionConflict(ActionError):
    """The request is well-formed but clashes with the incident's current state."""

    status_code = 409


# --- validation helpers ---------------------------------------------------------------------


def _clean_text(value: str | None, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(f"{label} cannot be empty.", field)
    if len(value) > max_length:
        raise ActionError(f"{label} is {len(value)} characters long; the limit is {max_length}.", field)
    return value


def _clean_choice(value, choices, *, field: str, label: str):
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise ActionError(f"Unknown {label} “{value}”. Choose one of: {allowed}.", field)
    return choices(value)


def _limits():
    return settings.WARROOM["TITLE_MAX_LENGTH"], settings.WARROOM["BODY_MAX_LENGTH"]


def _name(user) -> str:
    if user is None:
        return "Warroom"
    return user.get_full_name() or user.get_username()


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def record(
    incident: Incident,
    *,
    kind: str,
    body: str,
    actor=None,
    metadata: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> TimelineEntry:
    """Append a timeline entry and broadcast it after commit. Called inside an action's transaction."""
    entry = TimelineEntry.objects.create(
        incident=incident,
        kind=kind,
        actor=actor,
        body=body,
        html=render_markdown(body),
        metadata=metadata or {},
        occurred_at=occurred_at or timezone.now(),
    )
    broadcast.entry_on_commit(entry)
    return entry


# --- actions ----------------------------------------------------------------------------------


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
) -> Incident:
    """Open an incident; the declarer is Incident Commander unless they name another."""
    title_max, body_max = _limits()
    title = _clean_text(title, field="title", label="Title", max_length=title_max)
    summary = _clean_text(summary, field="summary", label="Summary", max_length=body_max, required=False)
    severity = _clean_choice(severity, Severity, field="severity", label="severity")
    now = timezone.now()
    started_at = started_at or now
    if started_at > now + timedelta(minutes=5):
        raise ActionError("The start time is in the future.", "started_at")
    commander = commander or actor
    if commander is None or not commander.is_active:
        raise ActionError("An incident needs an active Incident Commander.", "commander")

    with transaction.atomic():
        incident = Incident.objects.create(
            title=title,
            summary=summary,
            summary_html=render_markdown(summary),
            severity=severity,
            started_at=started_at,
            detected_at=detected_at,
            declared_at=now,
            declared_by=actor,
        )
        services = list(services)
        incident.services.set(services)
        RoleAssignment.objects.create(incident=incident, role=Role.COMMANDER, user=commander, assigned_by=actor)
        names = ", ".join(s.name for s in services)
        body = f"{_name(actor)} declared a **{severity}** incident: {title}."
        if names:
            body += f" Affected services: {names}."
        body += f" {_name(commander)} is Incident Commander."
        record(
            incident,
            kind=EntryKind.DECLARED,
            body=body,
            actor=actor,
            metadata={"severity": severity, "services": [s.slug for s in services], "commander": commander.get_username()},
        )
        signals.incident_declared.send(sender=Incident, incident=incident)
    return incident


def assign_role(incident: Incident, *, role: str, user, actor) -> RoleAssignment:
    """Name someone to a role, or hand it off: the previous holder is relieved and history kept."""
    role = _clean_choice(role, Role, field="role", label="role")
    if user is None or not user.is_active:
        raise ActionError("Choose an active user for the role.", "user")
    with transaction.atomic():
        incident = _locked(incident)
        current = incident.role_assignments.filter(role=role, relieved_at__isnull=True).select_related("user").first()
        if current and current.user_id == user.pk:
            raise ActionConflict(f"{_name(user)} is already {role.label}.", "user")
        now = timezone.now()
        if current:
            current.relieved_at = now
            current.save(update_fields=["relieved_at"])
        assignment = RoleAssignment.objects.create(incident=incident, role=role, user=user, assigned_by=actor, assigned_at=now)
        if current:
            body = f"{_name(actor)} handed {role.label} from {_name(current.user)} to {_name(user)}."
        elif actor is not None and actor.pk == user.pk:
            body = f"{_name(user)} took the {role.label} role."
        else:
            body = f"{_name(actor)} named {_name(user)} {role.label}."
        record(
            incident,
            kind=EntryKind.ROLE,
            body=body,
            actor=actor,
            metadata={"role": role.value, "user": user.get_username(), "previous": current.user.get_username() if current else None},
        )
        broadcast.incident_on_commit(incident)
    return assignment


def relieve_role(incident: Incident, *, role: str, actor) -> None:
    """Leave a role empty again (the IC holds it meanwhile). The IC role itself is only handed off."""
    role = _clean_choice(role, Role, field="role", label="role")
    if role == Role.COMMANDER:
        raise ActionConflict("The Incident Commander cannot be removed, only handed off to someone else.", "role")
    with transaction.atomic():
        incident = _locked(incident)
        current = incident.role_assignments.filter(role=role, relieved_at__isnull=True).select_related("user").first()
        if current is None:
            raise ActionConflict(f"Nobody holds {role.label}.", "role")
        current.relieved_at = timezone.now()
        current.save(update_fields=["relieved_at"])
        record(
            incident,
            kind=EntryKind.ROLE,
            body=f"{_name(actor)} relieved {_name(current.user)} as {role.label}; the Incident Commander holds it now.",
            actor=actor,
            metadata={"role": role.value, "user": None, "previous": current.user.get_username()},
        )
        broadcast.incident_on_commit(incident)


def post_entry(incident: Incident, *, kind: str, body: str, actor) -> TimelineEntry:
    """A person writes to the timeline: a note, finding, decision or action."""
    if kind not in POSTABLE_KINDS:
        allowed = ", ".join(POSTABLE_KINDS)
        raise ActionError(f"Unknown entry kind “{kind}”. Choose one of: {allowed}.", "kind")
    body = _clean_text(body, field="body", label="The entry", max_length=_limits()[1])
    with transaction.atomic():
        return record(incident, kind=kind, body=body, actor=actor)


_STATUS_SENTENCES = {
    Status.INVESTIGATING: "moved the incident back to Investigating",
    Status.IDENTIFIED: "marked the cause as Identified",
    Status.MITIGATED: "marked the incident Mitigated: impact has stopped",
    Status.MONITORING: "moved the incident to Monitoring",
    Status.RESOLVED: "resolved the incident",
}


def change_status(incident: Incident, *, status: str, actor, note: str = "") -> Incident:
    """Move the incident through its lifecycle; the first move to mitigated/resolved stamps the time."""
    from . import comms  # update cadence: nothing due once resolved (comms imports this module)

    status = _clean_choice(status, Status, field="status", label="status")
    note = _clean_text(note, field="note", label="The note", max_length=_limits()[1], required=False)
    with transaction.atomic():
        incident = _locked(incident)
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

        sentence = _STATUS_SENTENCES[status]
        if previous == Status.RESOLVED:
            sentence = f"reopened the incident as {status.label}"
        body = f"{_name(actor)} {sentence} (was {previous.label})."
        if note:
            body += f"\n\n{note}"
        record(incident, kind=EntryKind.STATUS, body=body, actor=actor, metadata={"from": previous.value, "to": status.value})
        broadcast.incident_on_commit(incident)
        comms.after_status_change(incident, previous)
        if status == Status.RESOLVED:
            _on_resolved(incident)
    return incident


def resolve(incident: Incident, *, actor, note: str = "") -> Incident:
    """Service is fully restored and the incident is over; the postmortem is drafted from here."""
    return change_status(incident, status=Status.RESOLVED, actor=actor, note=note)


def _on_resolved(incident: Incident) -> None:
    # Other apps (postmortems, notifications) subscribe and queue their tasks with delay_on_commit,
    # so nothing runs unless the resolution commits.
    signals.incident_resolved.send(sender=Incident, incident=incident)


def change_severity(incident: Incident, *, severity: str, actor, reason: str = "") -> Incident:
    from . import comms  # the update cadence follows the severity (comms imports this module)

    severity = _clean_choice(severity, Severity, field="severity", label="severity")
    reason = _clean_text(reason, field="reason", label="The reason", max_length=_limits()[1], required=False)
    with transaction.atomic():
        incident = _locked(incident)
        previous = Severity(incident.severity)
        if previous == severity:
            raise ActionConflict(f"{incident.ref} is already {severity}.", "severity")
        incident.severity = severity
        incident.save(update_fields=["severity", "updated_at"])
        direction = "raised" if severity < previous else "lowered"  # SEV1 sorts before SEV2
        body = f"{_name(actor)} {direction} the severity from {previous.value} to **{severity.value}**."
        if reason:
            body += f" Reason: {reason}"
        record(incident, kind=EntryKind.SEVERITY, body=body, actor=actor, metadata={"from": previous.value, "to": severity.value})
        broadcast.incident_on_commit(incident)
        comms.after_severity_change(incident)
    return incident


def edit_summary(incident: Incident, *, title: str, summary: str, actor) -> Incident:
    """Correct the title or summary; the previous text stays in the timeline entry's metadata."""
    title_max, body_max = _limits()
    title = _clean_text(title, field="title", label="Title", max_length=title_max)
    summary = _clean_text(summary, field="summary", label="Summary", max_length=body_max, required=False)
    with transaction.atomic():
        incident = _locked(incident)
        if (incident.title, incident.summary) == (title, summary):
            raise ActionConflict("Nothing changed.", "summary")
        previous = {"title": incident.title, "summary": incident.summary}
        incident.title, incident.summary, incident.summary_html = title, summary, render_markdown(summary)
        incident.save(update_fields=["title", "summary", "summary_html", "updated_at"])
        record(incident, kind=EntryKind.SUMMARY, body=f"{_name(actor)} edited the title and summary.", actor=actor, metadata={"previous": previous})
        broadcast.incident_on_commit(incident)
    return incident


# --- change records (deploys, flag changes) -----------------------------------------------------


def record_deploy(
    *,
    service: Service,
    version: str,
    environment: str = "production",
    deployed_at: datetime | None = None,
    deployed_by: str = "",
    url: str = "",
    source: str = "api",
    external_id: str = "",
):
    """Store a deploy (idempotent by source + external_id) and note it in every open incident of the service."""
    from .models import Deploy

    version = _clean_text(version, field="version", label="Version", max_length=200)
    environment = _clean_text(environment or "production", field="environment", label="Environment", max_length=100)
    with transaction.atomic():
        if external_id:
            existing = Deploy.objects.filter(source=source, external_id=external_id).first()
            if existing:
                return existing
        deploy = Deploy.objects.create(
            service=service,
            version=version,
            environment=environment,
            deployed_at=deployed_at or timezone.now(),
            deployed_by=deployed_by[:150],
            url=url,
            source=source,
            external_id=external_id,
        )
        who = f" by {deployed_by}" if deployed_by else ""
        link = f" ([details]({url}))" if url.startswith(("http://", "https://")) else ""
        for incident in Incident.objects.open().filter(services=service):
            record(
                incident,
                kind=EntryKind.DEPLOY,
                body=f"Deploy: **{service.name}** `{version}` to {environment}{who}{link}.",
                metadata={"deploy": deploy.pk, "service": service.slug, "version": version},
                occurred_at=deploy.deployed_at,
            )
    return deploy


def record_flag_change(
    *, service: Service, flag: str, enabled: bool, changed_at: datetime | None = None, changed_by: str = "", url: str = ""
):
    """Store a feature-flag change and note it in every open incident of the service."""
    from .models import FlagChange

    flag = _clean_text(flag, field="flag", label="Flag", max_length=200)
    with transaction.atomic():
        change = FlagChange.objects.create(
            service=service, flag=flag, enabled=enabled, changed_at=changed_at or timezone.now(), changed_by=changed_by[:150], url=url
        )
        who = f" by {changed_by}" if changed_by else ""
        for incident in Incident.objects.open().filter(services=service):
            record(
                incident,
                kind=EntryKind.DEPLOY,
                body=f"Flag change: **{service.name}** `{flag}` turned {'on' if enabled else 'off'}{who}.",
                metadata={"flag_change": change.pk, "service": service.slug, "flag": flag, "enabled": enabled},
                occurred_at=change.changed_at,
            )
    return change
