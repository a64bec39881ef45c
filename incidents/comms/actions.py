"""Communicate: structured status updates on a cadence, their approval, and reminders when a promise slips.

Every update states when the next one is due; the due time lives in `Incident.next_update_due_at`, which
the beat sweeper (incidents/tasks.py) reads. Internal updates publish at once; external ones wait for the
Incident Commander or the Communications Lead. These are actions: they validate, write in one transaction
with the incident row locked, and leave a timeline entry a person would have written.
"""

from django.db import transaction
from django.utils import timezone

from incidents import signals
from incidents.actions import (
    body_max_length,
    cadence_minutes,
    clean_choice,
    clean_text,
    display_name,
    due_after,
    lock_incident,
    record,
    set_next_update_due,
    sooner_due,
)
from incidents.actions.authority import may_approve
from incidents.comms.promises import promise_record
from incidents.models import (
    Audience,
    ComponentState,
    EntryKind,
    Incident,
    PublicState,
    Severity,
    Status,
    StatusUpdate,
)
from warroom import durations
from warroom.errors import ActionConflict, ActionError, NotAllowed
from warroom.markdown import render_markdown

CADENCE_RANGE = (1, 240)

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


class NotPublishable(ActionConflict):
    pass


# --- cadence ------------------------------------------------------------------------------------------


def record_promise_keeping(sender, incident: Incident, **kwargs) -> None:
    """incident_resolved receiver: write how the room kept its update promises (the postmortem reads the timeline)."""

    figures = promise_record(incident)

    def after(delta) -> str:
        return f"{durations.minutes(delta)} after declaring" if delta is not None else "none"

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
        raise ActionError(
            f"The cadence must be between {CADENCE_RANGE[0]} and {CADENCE_RANGE[1]} minutes.", "update_cadence_minutes"
        )
    with transaction.atomic():
        incident = lock_incident(incident)
        if incident.update_cadence_minutes == minutes:
            raise ActionConflict("The update cadence is already set that way.", "update_cadence_minutes")
        incident.update_cadence_minutes = minutes
        incident.save(update_fields=["update_cadence_minutes", "updated_at"])
        effective = cadence_minutes(incident)
        if minutes is None:
            body = f"{display_name(actor)} reset the update cadence to the {incident.severity} default"
            body += f" (every {effective} minutes)." if effective else " (on change only)."
        else:
            body = f"{display_name(actor)} set the update cadence to every {minutes} minutes."
        if not incident.is_open:
            pass  # nothing is due once resolved; the new cadence applies if it reopens
        elif not effective:
            set_next_update_due(incident, None)
        else:
            due = sooner_due(incident)
            set_next_update_due(incident, due)
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
    audience = clean_choice(audience, Audience, field="audience", label="audience")
    body_max = body_max_length()
    status = clean_text(status, field="status", label="Current status", max_length=body_max)
    actions = clean_text(actions, field="actions", label="Actions taken", max_length=body_max, required=False)
    next_steps = clean_text(next_steps, field="next_steps", label="Next steps", max_length=body_max, required=False)
    if next_update_in_minutes is not None and not (CADENCE_RANGE[0] <= next_update_in_minutes <= CADENCE_RANGE[1]):
        raise ActionError(
            f"Next update in: choose {CADENCE_RANGE[0]} to {CADENCE_RANGE[1]} minutes.", "next_update_in_minutes"
        )
    external = {}
    if audience == Audience.EXTERNAL:
        external = {
            "headline": clean_text(headline, field="headline", label="Headline", max_length=200, required=False)
            or default_headline(incident),
            "public_state": clean_choice(
                public_state or PUBLIC_STATE_FOR_STATUS[Status(incident.status)],
                PublicState,
                field="public_state",
                label="public state",
            ),
            "component_state": clean_choice(
                component_state or COMPONENT_STATE_FOR_SEVERITY[Severity(incident.severity)],
                ComponentState,
                field="component_state",
                label="component state",
            ),
        }
    with transaction.atomic():
        incident = lock_incident(incident)
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
                f"{display_name(actor)} drafted an external update ({update.get_public_state_display()} · "
                f"{update.get_component_state_display()}); it is not public until the Incident Commander or the "
                f"Communications Lead approves it.\n\n{_quote(update)}"
            )
            record(
                incident,
                kind=EntryKind.UPDATE,
                body=body,
                actor=actor,
                metadata={"update": update.pk, "state": "draft"},
            )
    return update


def approve_update(update: StatusUpdate, *, actor) -> StatusUpdate:
    """Publish an external draft; only the current Incident Commander or Communications Lead may."""
    with transaction.atomic():
        incident = lock_incident(update.incident)
        update = StatusUpdate.objects.select_for_update().get(pk=update.pk)
        if update.state != StatusUpdate.State.DRAFT:
            raise NotPublishable("This update is already published.", "update")
        refusal = may_approve(incident, update, actor=actor)
        if refusal:
            raise NotAllowed(refusal, "update")
        _publish(incident, update, actor=actor, approved_by=actor)
    return update


def _publish(incident: Incident, update: StatusUpdate, *, actor, approved_by) -> None:
    """Make an update visible and keep its promise: the next one is due `next_update_in_minutes` from now."""
    now = timezone.now()
    update.state = StatusUpdate.State.PUBLISHED
    update.published_at = now
    update.approved_by = approved_by
    update.answered_due_at = incident.next_update_due_at
    update.next_update_due_at = due_after(incident, now, update.next_update_in_minutes)
    update.save(update_fields=["state", "published_at", "approved_by", "answered_due_at", "next_update_due_at"])
    if incident.is_open:
        set_next_update_due(incident, update.next_update_due_at)

    promise = f" Next update by {update.next_update_due_at:%H:%M} UTC." if update.next_update_due_at else ""
    if update.audience == Audience.INTERNAL:
        body = f"{display_name(actor)} posted an internal update.{promise}\n\n{_quote(update)}"
    else:
        body = (
            f"{display_name(actor)} approved {display_name(update.author)}’s external update and published it to the status page "
            f"({update.get_public_state_display()} · {update.get_component_state_display()}).{promise}\n\n{_quote(update)}"
        )
    record(
        incident,
        kind=EntryKind.UPDATE,
        body=body,
        actor=actor,
        metadata={"update": update.pk, "state": "published", "audience": update.audience, "on_time": update.on_time},
    )
    signals.update_published.send(sender=StatusUpdate, update=update)


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
