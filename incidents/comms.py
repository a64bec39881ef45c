"""Communicate: structured status updates on a cadence, their approval, and reminders when a promise slips.

Every update states when the next one is due; the due time lives in `Incident.next_update_due_at`, which
the beat sweeper (incidents/tasks.py) reads. Internal updates publish at once; external ones wait for the
Incident Commander or the Communications Lead. These are actions: they validate, write in one transaction
with the incident row locked, and leave a timeline entry a person would have written.
"""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from warroom.markdown import render_markdown

from . import broadcast
from .actions import ActionConflict, ActionError, _clean_choice, _clean_text, _limits, _locked, _name, record
from .models import (
    Audience,
    ComponentState,
    EntryKind,
    Incident,
    PublicState,
    Role,
    Severity,
    Status,
    StatusUpdate,
)

#: update_published(sender, update): an update became visible (internal at once, external on approval).
update_published = Signal()

CADENCE_RANGE = (1, 240)
APPROVER_ROLES = (Role.COMMANDER, Role.COMMS_LEAD)

# What customers read for each lifecycle status, and how broken a component looks at each severity.
PUBLIC_STATE_FOR_STATUS = {
    Status.INVESTIGATING: PublicState.INVESTIGATING,
    Status.IDENTIFIED: PublicState.IDENTIFIED,
    Status.MITIGATED: PublicState.MONITORING,
    Status.MONITORING: PublicState.MONITORING,
    Status.RESOLVED: PublicState.RESOLVED,
}
COMPONENT_STATE_FOR_SEVERITY = {
    Severity.SEV1: ComponentState.MAJOR_OUTAGE,
    Severity.SEV2: ComponentState.PARTIAL_OUTAGE,
    Severity.SEV3: ComponentState.DEGRADED,
    Severity.SEV4: ComponentState.DEGRADED,
    Severity.SEV5: ComponentState.OPERATIONAL,
}


class NotAllowed(ActionError):
    """The caller may use the room but not this control (e.g. approving without holding IC or Comms Lead)."""

    status_code = 403


class NotPublishable(ActionConflict):
    pass


# --- cadence ------------------------------------------------------------------------------------------


def default_cadence(severity: str) -> int | None:
    return settings.WARROOM["UPDATE_CADENCE_MINUTES"].get(str(severity))


def cadence_minutes(incident: Incident) -> int | None:
    """The incident's override, or its severity's default; None means "update on change only"."""
    return incident.update_cadence_minutes or default_cadence(incident.severity)


def _due_after(incident: Incident, start: datetime, minutes: int | None = None) -> datetime | None:
    minutes = minutes or cadence_minutes(incident)
    if not minutes or not incident.is_open:
        return None
    return start + timedelta(minutes=minutes)


def _set_due(incident: Incident, due: datetime | None) -> None:
    incident.next_update_due_at = due
    incident.save(update_fields=["next_update_due_at", "updated_at"])
    panel_on_commit(incident)


def _sooner_due(incident: Incident) -> datetime | None:
    """A promise already made stands unless the incident's cadence now asks for an update sooner."""
    minutes = cadence_minutes(incident)
    if not minutes:
        return None
    sooner = timezone.now() + timedelta(minutes=minutes)
    return min(incident.next_update_due_at, sooner) if incident.next_update_due_at else sooner


def start_cadence(sender, incident: Incident, **kwargs) -> None:
    """incident_declared receiver: the first update is due one cadence after the declaration."""
    _set_due(incident, _due_after(incident, incident.declared_at))


def after_severity_change(incident: Incident) -> None:
    """Called by change_severity under its lock: a raised severity may pull the promise earlier; a
    severity without a cadence (SEV4-5) drops it, since those update on change only."""
    _set_due(incident, _sooner_due(incident))


def after_status_change(incident: Incident, previous: str) -> None:
    """Called by change_status under its lock: nothing is due once resolved; a reopened incident starts over."""
    if incident.status == Status.RESOLVED:
        _set_due(incident, None)
        _record_promise_keeping(incident)
    elif previous == Status.RESOLVED:
        _set_due(incident, _due_after(incident, timezone.now()))


def minutes_text(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60:02d} min"


def _record_promise_keeping(incident: Incident) -> None:
    """On resolution, write how the room kept its update promises: the postmortem is drafted from the timeline."""
    from .comms_context import promise_record

    figures = promise_record(incident)

    def after(delta) -> str:
        return f"{minutes_text(delta)} after declaring" if delta is not None else "none"

    body = (
        f"Communication record: first internal update {after(figures['first_internal'])}, first external update "
        f"{after(figures['first_external'])}; {figures['published']} updates published, {figures['on_time']} on time, "
        f"{figures['late']} late."
    )
    metadata = {k: (v.total_seconds() if hasattr(v, "total_seconds") else v) for k, v in figures.items()}
    record(incident, kind=EntryKind.SYSTEM, body=body, metadata={"promise_keeping": metadata})


def set_update_cadence(incident: Incident, *, minutes: int | None, actor) -> Incident:
    """Override the severity's cadence for this incident (None: back to the default).

    A promise already made stands unless the new cadence asks for an update sooner.
    """
    if minutes is not None and not (CADENCE_RANGE[0] <= minutes <= CADENCE_RANGE[1]):
        raise ActionError(f"The cadence must be between {CADENCE_RANGE[0]} and {CADENCE_RANGE[1]} minutes.", "update_cadence_minutes")
    with transaction.atomic():
        incident = _locked(incident)
        if incident.update_cadence_minutes == minutes:
            raise ActionConflict("The update cadence is already set that way.", "update_cadence_minutes")
        incident.update_cadence_minutes = minutes
        incident.save(update_fields=["update_cadence_minutes", "updated_at"])
        effective = cadence_minutes(incident)
        if minutes is None:
            body = f"{_name(actor)} reset the update cadence to the {incident.severity} default"
            body += f" (every {effective} minutes)." if effective else " (on change only)."
        else:
            body = f"{_name(actor)} set the update cadence to every {minutes} minutes."
        if not incident.is_open:
            panel_on_commit(incident)
        elif not effective:
            _set_due(incident, None)
        else:
            due = _sooner_due(incident)
            _set_due(incident, due)
            body += f" Next update due by {due:%H:%M} UTC."
        record(incident, kind=EntryKind.SYSTEM, body=body, actor=actor, metadata={"update_cadence_minutes": minutes})
    return incident


# --- status updates -----------------------------------------------------------------------------------


def compose_markdown(status: str, actions: str = "", next_steps: str = "") -> str:
    """The three parts of an update, as the timeline, Slack and the status page show them."""
    parts = [f"**Current status:** {status}"]
    if actions:
        parts.append(f"**Actions taken:** {actions}")
    if next_steps:
        parts.append(f"**Next steps:** {next_steps}")
    return "\n\n".join(parts)


def default_headline(incident: Incident, services=None) -> str:
    names = [s.name for s in (services if services is not None else incident.services.all())]
    return f"Problems with {', '.join(names)}" if names else "Service disruption"


def post_update(
    incident: Incident,
    *,
    actor,
    audience: str,
    status: str,
    actions: str = "",
    next_steps: str = "",
    next_update_in_minutes: int | None = None,
    headline: str = "",
    public_state: str = "",
    component_state: str = "",
) -> StatusUpdate:
    """Write an update. Internal: published now and the countdown restarts. External: a draft to approve."""
    audience = _clean_choice(audience, Audience, field="audience", label="audience")
    body_max = _limits()[1]
    status = _clean_text(status, field="status", label="Current status", max_length=body_max)
    actions = _clean_text(actions, field="actions", label="Actions taken", max_length=body_max, required=False)
    next_steps = _clean_text(next_steps, field="next_steps", label="Next steps", max_length=body_max, required=False)
    if next_update_in_minutes is not None and not (CADENCE_RANGE[0] <= next_update_in_minutes <= CADENCE_RANGE[1]):
        raise ActionError(f"Next update in: choose {CADENCE_RANGE[0]} to {CADENCE_RANGE[1]} minutes.", "next_update_in_minutes")
    external = {}
    if audience == Audience.EXTERNAL:
        external = {
            "headline": _clean_text(headline, field="headline", label="Headline", max_length=200, required=False)
            or default_headline(incident),
            "public_state": _clean_choice(
                public_state or PUBLIC_STATE_FOR_STATUS[Status(incident.status)], PublicState, field="public_state", label="public state"
            ),
            "component_state": _clean_choice(
                component_state or COMPONENT_STATE_FOR_SEVERITY[Severity(incident.severity)],
                ComponentState,
                field="component_state",
                label="component state",
            ),
        }
    with transaction.atomic():
        incident = _locked(incident)
        update = StatusUpdate.objects.create(
            incident=incident,
            audience=audience,
            state=StatusUpdate.State.DRAFT,
            status=status,
            actions=actions,
            next_steps=next_steps,
            html=render_markdown(compose_markdown(status, actions, next_steps)),
            next_update_in_minutes=next_update_in_minutes,
            author=actor,
            **external,
        )
        if audience == Audience.INTERNAL:
            _publish(incident, update, actor=actor, approved_by=None)
        else:
            body = (
                f"{_name(actor)} drafted an external update ({update.get_public_state_display()} · "
                f"{update.get_component_state_display()}); it is not public until the Incident Commander or the "
                f"Communications Lead approves it.\n\n{_quote(update)}"
            )
            record(incident, kind=EntryKind.UPDATE, body=body, actor=actor, metadata={"update": update.pk, "state": "draft"})
            panel_on_commit(incident)
    return update


def approve_update(update: StatusUpdate, *, actor) -> StatusUpdate:
    """Publish an external draft; only the current Incident Commander or Communications Lead may."""
    with transaction.atomic():
        incident = _locked(update.incident)
        update = StatusUpdate.objects.select_for_update().get(pk=update.pk)
        if update.state != StatusUpdate.State.DRAFT:
            raise NotPublishable("This update is already published.", "update")
        holders = incident.holders()
        if not any(role in holders and holders[role].user_id == getattr(actor, "pk", None) for role in APPROVER_ROLES):
            raise NotAllowed("Only the Incident Commander or the Communications Lead can approve an external update.", "update")
        _publish(incident, update, actor=actor, approved_by=actor)
    return update


def _publish(incident: Incident, update: StatusUpdate, *, actor, approved_by) -> None:
    """Make an update visible and keep its promise: the next one is due `next_update_in_minutes` from now."""
    now = timezone.now()
    update.state = StatusUpdate.State.PUBLISHED
    update.published_at = now
    update.approved_by = approved_by
    update.answered_due_at = incident.next_update_due_at
    update.next_update_due_at = _due_after(incident, now, update.next_update_in_minutes)
    update.save(update_fields=["state", "published_at", "approved_by", "answered_due_at", "next_update_due_at"])
    if incident.is_open:
        _set_due(incident, update.next_update_due_at)
    else:
        panel_on_commit(incident)

    promise = f" Next update by {update.next_update_due_at:%H:%M} UTC." if update.next_update_due_at else ""
    if update.audience == Audience.INTERNAL:
        body = f"{_name(actor)} posted an internal update.{promise}\n\n{_quote(update)}"
    else:
        body = (
            f"{_name(actor)} approved {_name(update.author)}’s external update and published it to the status page "
            f"({update.get_public_state_display()} · {update.get_component_state_display()}).{promise}\n\n{_quote(update)}"
        )
    record(
        incident,
        kind=EntryKind.UPDATE,
        body=body,
        actor=actor,
        metadata={"update": update.pk, "state": "published", "audience": update.audience, "on_time": update.on_time},
    )
    update_published.send(sender=StatusUpdate, update=update)


def _quote(update: StatusUpdate) -> str:
    text = compose_markdown(update.status, update.actions, update.next_steps)
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


# --- delivery failures of outbound notifications --------------------------------------------------------


def note_delivery_failure(incident_id: int, *, channel: str, event: str, attempts: int, error: str) -> None:
    """A notification could not be delivered: say so in the room (it never blocks the incident flow)."""
    with transaction.atomic():
        incident = Incident.objects.filter(pk=incident_id).first()
        if incident is None:
            return
        record(
            incident,
            kind=EntryKind.SYSTEM,
            body=(
                f"{channel} did not accept the {event} message after {attempts} attempts ({error}). "
                f"The room is unaffected; an admin can check the webhook under Admin › Integrations."
            ),
            metadata={"delivery_failed": channel.lower(), "event": event, "attempts": attempts, "error": error[:500]},
        )


# --- live panel -----------------------------------------------------------------------------------------


def panel_on_commit(incident: Incident) -> None:
    transaction.on_commit(partial(_send_panel, incident.pk))


def _send_panel(incident_id: int) -> None:
    from .comms_context import comms_panel_html

    html = comms_panel_html(incident_id)
    if html:
        broadcast.send_html(incident_id, html)
