"""What the room's communication panel, the executive summary and the postmortem read about updates.

The read side of incidents/comms/actions.py: the countdown, the promise-keeping record, and a composer prefilled
from what the room already knows, so a good update takes under a minute. A constant number of queries.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.html import strip_tags

from incidents.actions import cadence_minutes, default_cadence
from incidents.actions.authority import APPROVER_ROLES, self_approval_severities
from incidents.comms.actions import COMPONENT_STATE_FOR_SEVERITY, PUBLIC_STATE_FOR_STATUS, default_headline
from incidents.comms.forms import UpdateForm
from incidents.comms.promises import promise_record
from incidents.models import Audience, EntryKind, Incident, PublicState, Severity, Status, StatusUpdate
from incidents.room.panels import Loads, Panel, register
from warroom import durations

# Status-page wording: facts only, no guesses about cause, no names, no blame.
EXTERNAL_TEMPLATES = {
    PublicState.INVESTIGATING: "We are investigating reports of problems with {services}. Some customers may see errors or delays. "
    "We will share more as soon as we know it.",
    PublicState.IDENTIFIED: "We have identified the cause of the problems with {services} and are working on a fix.",
    PublicState.MONITORING: "A fix has been applied to {services} and we are monitoring the results.",
    PublicState.RESOLVED: "The problems with {services} have been resolved and the service is operating normally. "
    "We are sorry for the disruption.",
}


def external_templates(incident: Incident, services) -> dict[str, str]:
    names = ", ".join(s.name for s in services) or "our service"
    return {state.value: text.format(services=names) for state, text in EXTERNAL_TEMPLATES.items()}


def countdown(incident: Incident, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    due = incident.next_update_due_at if incident.is_open else None
    seconds = int((due - now).total_seconds()) if due else None
    return {
        "due": due,
        "text": due_text(seconds) if due else "",
        "overdue": bool(due and due <= now),
        "seconds": seconds,
        "cadence": cadence_minutes(incident),
        "default_cadence": default_cadence(incident.severity),
    }


def due_text(seconds: int) -> str:
    """ "in 7 min" / "overdue by 3 min": the same words static/js/comms.js keeps ticking."""
    if seconds <= 0:
        return f"overdue by {durations.minutes(timedelta(seconds=-seconds))}"
    return f"in {durations.minutes(timedelta(seconds=seconds), round_up=True)}"


def comms_context(incident: Incident) -> dict:
    """The panel's data in three queries: updates, services, the latest decisions (roles come with the incident)."""
    updates = list(incident.status_updates.select_related("author", "approved_by").order_by("pk"))
    services = list(incident.services.all())
    published = [u for u in updates if u.state == StatusUpdate.State.PUBLISHED]
    return {
        "incident": incident,
        "countdown": countdown(incident),
        "promise": promise_record(incident, published),
        "drafts": [u for u in updates if u.state == StatusUpdate.State.DRAFT],
        "latest_internal": next((u for u in reversed(published) if u.audience == Audience.INTERNAL), None),
        "latest_external": next((u for u in reversed(published) if u.audience == Audience.EXTERNAL), None),
        "latest_update": max(published, key=lambda u: (u.published_at, u.pk), default=None),
        "services": services,
        # Who may approve (the page hides the button for others; approve_update refuses them with the reason).
        "approvers": " ".join(sorted(u.get_username() for u in approvers(incident))),
        "self_approval": incident.severity in self_approval_severities(),
    }


def approvers(incident: Incident) -> list:
    holders = incident.holders()
    return [holders[role].user for role in APPROVER_ROLES if role in holders]


def composer_context(incident: Incident, services=None, form=None) -> dict:
    """The update composer, prefilled from the room: severity, status, impact, services, latest decisions."""
    services = services if services is not None else list(incident.services.all())
    templates = external_templates(incident, services)
    if form is None:
        form = UpdateForm(initial=prefill(incident, services, templates))
    return {
        "incident": incident,
        "update_form": form,
        "external_templates": templates,
        "default_next": cadence_minutes(incident),
    }


def prefill(incident: Incident, services, templates: dict[str, str]) -> dict:
    public_state = PUBLIC_STATE_FOR_STATUS[Status(incident.status)]
    names = ", ".join(s.name for s in services)
    impact = _assessed_impact(incident) or (
        _first_line(strip_tags(incident.summary_html)) if incident.summary_html else ""
    )
    status = f"{incident.get_status_display()} ({Severity(incident.severity).label})."
    if names:
        status += f" Affected: {names}."
    if impact:
        status += f" Impact: {impact}"
    decisions = list(
        incident.entries.filter(kind__in=[EntryKind.DECISION, EntryKind.ACTION])
        .order_by("-pk")
        .values_list("body", flat=True)[:3]
    )
    return {
        "audience": Audience.INTERNAL,
        "status": status,
        "actions": "\n".join(f"- {_first_line(b)}" for b in reversed(decisions)),
        "next_update_in_minutes": cadence_minutes(incident),
        "headline": default_headline(incident, services),
        "public_state": public_state,
        "component_state": COMPONENT_STATE_FOR_SEVERITY[Severity(incident.severity)],
        "external_status": templates[public_state],
    }


def _assessed_impact(incident: Incident) -> str:
    """The latest impact assessment in words, when one has been recorded."""
    latest = incident.assessments.order_by("-pk").first()
    if latest is None:
        return ""
    words = [f"about {latest.users_affected_pct}% of users affected"]
    if latest.core_flow_down:
        words.append("a core business flow is down")
    if latest.customer_visible:
        words.append("customers can see it")
    return "; ".join(words) + "."


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 200 else line[:197] + "…"


def cadence_panel_context(incident: Incident, loads: Loads) -> dict:
    return loads.get_or_load("comms", lambda: comms_context(incident))


def composer_panel_context(incident: Incident, loads: Loads) -> dict:
    services = loads.get_or_load("comms", lambda: comms_context(incident))["services"]
    return composer_context(incident, services=services)


def register_with_room() -> None:
    register(
        Panel("cadence", "incidents/_comms.html#panel", cadence_panel_context),
        Panel("composer", "incidents/_comms.html#composer", composer_panel_context),
    )
