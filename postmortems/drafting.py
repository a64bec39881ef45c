"""The first draft of the postmortem, written from the record so the meeting is spent on understanding.

Everything the record knows is filled in (times, severity, services, the timeline, decisions, findings,
action items); what only people know is left as a prompt in italics. The contributing-factor tree is
kept as data and rendered where the FACTORS_MARKER line stands (see `expand_factors`).
"""

from datetime import datetime

from incidents.actions import display_name
from incidents.models import EntryKind, Incident, Role
from incidents.templatetags.warroom import duration, utc

FACTORS_MARKER = "<!-- contributing-factors -->"
# Kinds that tell the story; notes and reminders stay in the room.
TIMELINE_KINDS = {
    EntryKind.DECLARED,
    EntryKind.ALERT,
    EntryKind.FINDING,
    EntryKind.DECISION,
    EntryKind.ACTION,
    EntryKind.STATUS,
    EntryKind.SEVERITY,
    EntryKind.ROLE,
    EntryKind.DEPLOY,
    EntryKind.UPDATE,
}
LIFECYCLE = [
    ("started_at", "Impact began"),
    ("detected_at", "Detected"),
    ("declared_at", "Incident declared"),
    ("acknowledged_at", "Acknowledged"),
    ("mitigated_at", "Mitigated: impact stopped"),
    ("resolved_at", "Resolved"),
]


def prompt(text: str) -> str:
    return f"_{text}_"


def _first_paragraph(body: str) -> str:
    return " ".join(body.strip().split("\n\n")[0].split())


def timeline_rows(incident: Incident, entries) -> list[tuple[datetime, str]]:
    """Lifecycle markers and key entries, from the start of impact to resolution, in time order."""
    rows = [(getattr(incident, field), f"**{label}**") for field, label in LIFECYCLE if getattr(incident, field)]
    end = incident.resolved_at
    # The resolving entry is written a moment after resolved_at is stamped: it closes the timeline.
    resolutions = [e.occurred_at for e in entries if e.kind == EntryKind.STATUS and e.metadata.get("to") == "resolved"]
    if end and resolutions:
        end = max(end, resolutions[-1])
    for entry in entries:
        if entry.kind in TIMELINE_KINDS and (end is None or entry.occurred_at <= end):
            rows.append((entry.occurred_at, f"{entry.get_kind_display()}: {_first_paragraph(entry.body)}"))
    return sorted(rows, key=lambda row: row[0])


def build_draft(incident: Incident) -> str:
    """The Markdown of the first draft."""
    entries = list(incident.entries.select_related("actor").order_by("occurred_at", "pk"))
    services = ", ".join(s.name for s in incident.services.all()) or "none recorded"
    d = incident.durations()
    sections = [
        f"# Postmortem: {incident.ref} {incident.title}",
        prompt("Blameless: describe what the system let happen and why each step made sense at the time."),
        _summary(incident, services, d),
        _impact(incident, d),
        _timeline(incident, entries),
        _detection(incident, entries),
        _response(incident, entries),
        _recovery(incident, entries),
        _contributing_factors(entries),
        "## What went well\n\n" + prompt("What helped: tooling, people, runbooks, luck we can keep?"),
        "## What went wrong\n\n" + prompt("Where did the system, the tools or the process make the response harder?"),
        "## Where we got lucky\n\n" + prompt("What nearly made this much worse, and did not?"),
        _action_items(incident),
        "## Lessons\n\n" + prompt("What do we understand now that we did not before?"),
    ]
    return "\n\n".join(sections) + "\n"


def _summary(incident: Incident, services: str, d) -> str:
    what = incident.summary.strip() or prompt("What happened, in two sentences a manager can read.")
    return (
        "## Summary\n\n"
        f"{what}\n\n"
        f"- **Severity:** {incident.severity}\n"
        f"- **Services:** {services}\n"
        f"- **Duration:** {duration(d['to_resolve'])} from start of impact to resolution "
        f"({utc(incident.started_at)} to {utc(incident.resolved_at)})\n"
        f"- **Time to mitigate:** {duration(d['to_mitigate'])}\n"
        f"- **Business impact:** {prompt('Which customers or flows were affected, and how?')}"
    )


def _impact(incident: Incident, d) -> str:
    lines = ["## Impact", ""]
    for a in incident.assessments.order_by("pk"):
        parts = [f"{a.users_affected_pct}% of users"]
        if a.core_flow_down:
            parts.append("a core business flow was down")
        if a.customer_visible:
            parts.append("customers could see it")
        parts.append(a.notes)
        lines.append(f"- Assessment at {utc(a.assessed_at)}: " + "; ".join(p for p in parts if p))
    lines += [
        f"- Impact lasted {duration(d['to_mitigate'])} until mitigation, {duration(d['to_resolve'])} until resolution.",
        "- " + prompt("Users affected, failed requests or orders, revenue, SLO budget spent."),
    ]
    return "\n".join(lines)


def _timeline(incident: Incident, entries) -> str:
    rows = timeline_rows(incident, entries)
    lines = ["## Timeline", "", "All times UTC.", ""]
    lines += [f"- **{utc(at)}** {text}" for at, text in rows]
    return "\n".join(lines)


def _detection(incident: Incident, entries) -> str:
    lines = ["## Detection", ""]
    alerts = [e for e in entries if e.kind == EntryKind.ALERT]
    for label, moment in (("Detected", incident.detected_at), ("Declared", incident.declared_at)):
        if moment:
            lines.append(f"- {label} at {utc(moment)}, {duration(moment - incident.started_at)} after impact began.")
    lines += [f"- Alert: {_first_paragraph(e.body)}" for e in alerts[:10]]
    lines.append(
        "- " + prompt("How did we find out? Did an alert fire, or did a person notice? What would detect it sooner?")
    )
    return "\n".join(lines)


def _response(incident: Incident, entries) -> str:
    lines = ["## Response", ""]
    for assignment in incident.role_assignments.select_related("user").order_by("assigned_at", "pk"):
        who = display_name(assignment.user)
        until = f" until {utc(assignment.relieved_at)}" if assignment.relieved_at else ""
        lines.append(f"- {Role(assignment.role).label}: {who} from {utc(assignment.assigned_at)}{until}")
    updates = sum(1 for e in entries if e.kind == EntryKind.UPDATE)
    lines.append(f"- {updates} status update{'s' if updates != 1 else ''} posted.")
    lines += [f"- {_first_paragraph(e.body)}" for e in entries if "promise_keeping" in e.metadata]
    lines.append(
        "- " + prompt("Did the right people join quickly? Was anything missing: access, runbooks, dashboards?")
    )
    return "\n".join(lines)


def _recovery(incident: Incident, entries) -> str:
    lines = ["## Recovery", "", "Decisions and their outcomes:", ""]
    decisions = list(incident.decisions.order_by("pk"))
    if decisions:
        for decision in decisions:
            outcome = decision.get_outcome_display() or prompt("outcome?")
            when = utc(decision.decided_at or decision.proposed_at)
            lines.append(
                f"- **{when}** {decision.question} → {decision.chosen} ({decision.get_state_display().lower()}): {outcome}"
            )
    else:
        for e in entries:
            if e.kind in (EntryKind.DECISION, EntryKind.ACTION):
                lines.append(f"- **{utc(e.occurred_at)}** {e.get_kind_display()}: {_first_paragraph(e.body)}")
    if len(lines) == 4:
        lines.append(
            "- " + prompt("No decisions were logged. Which recovery options were considered, and what did each do?")
        )
    lines.append(f"- Mitigated at {utc(incident.mitigated_at)}; resolved at {utc(incident.resolved_at)}.")
    return "\n".join(lines)


def _contributing_factors(entries) -> str:
    findings = [f"- {_first_paragraph(e.body)}" for e in entries if e.kind == EntryKind.FINDING]
    parts = [
        "## Contributing factors",
        prompt(
            "Keep the trigger apart from the conditions that let it cause harm. Use the 5-whys helper beside the editor; "
            "the tree appears where the next line stands."
        ),
        FACTORS_MARKER,
    ]
    if findings:
        parts.append("Findings recorded during the incident:\n\n" + "\n".join(findings))
    return "\n\n".join(parts)


def _action_items(incident: Incident) -> str:
    items = list(incident.action_items.select_related("owner").order_by("due_date", "pk"))
    lines = ["## Action items", ""]
    for item in items:
        owner = display_name(item.owner)
        lines.append(
            f"- [{item.get_type_display()}] {item.title} — {owner}, due {item.due_date:%Y-%m-%d} ({item.get_status_display()})"
        )
    if not items:
        lines.append(
            prompt(
                "No action items were raised during the incident. Add them in the editor: verb first, one owner, a due date."
            )
        )
    return "\n".join(lines)


def factor_tree_markdown(factors) -> str:
    """The tree as a nested Markdown list; the trigger is marked."""
    children: dict[int | None, list] = {}
    for factor in factors:
        children.setdefault(factor.parent_id, []).append(factor)
    lines: list[str] = []

    def walk(parent_id, depth):
        for factor in children.get(parent_id, []):
            mark = "**Trigger:** " if factor.is_trigger else ""
            lines.append(f"{'    ' * depth}- {mark}{factor.text}")
            walk(factor.pk, depth + 1)

    walk(None, 0)
    return "\n".join(lines)


def expand_factors(markdown: str, factors) -> str:
    """The document's Markdown with the factor tree in place of the marker line (export and HTML)."""
    if FACTORS_MARKER not in markdown:
        return markdown
    tree = factor_tree_markdown(factors) or prompt("No contributing factors recorded yet.")
    return markdown.replace(FACTORS_MARKER, tree, 1)
