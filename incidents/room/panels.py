"""The room's panels, in one registry: a name, a context function and a named partial each.

The room page, every htmx answer and every live push render a panel through here, so a panel is
assembled one way. Context functions load their data (template tags never query); panels that read the
same rows share them through `loads`, a memo that lives for one rendering. Features register their
panels when their app is ready (`register(Panel(...))`); the names and the entry kinds that touch them
are the broadcaster's table (incidents/live/broadcast.py).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from incidents.actions import rotation_after
from incidents.live import broadcast
from incidents.models import ROLE_INSTRUCTIONS, Incident, Role, Severity, Status, TimelineEntry

User = get_user_model()


class Loads(dict):
    """Rows loaded once per rendering and shared by the panels that show them."""

    def get_or_load(self, key: str, load: Callable[[], object]):
        if key not in self:
            self[key] = load()
        return self[key]


@dataclass(frozen=True)
class Panel:
    name: str
    #: The named partial the page renders (`template.html#partial`).
    template: str
    #: `context(incident, loads) -> dict`: what the partial shows, in a fixed number of queries.
    context: Callable[[Incident, Loads], dict]
    #: The partial swapped out of band (htmx answers, live pushes), when it is not the page's own: a panel
    #: whose page partial holds half-typed forms pushes only the parts that show the record.
    oob_template: str = ""


REGISTRY: dict[str, Panel] = {}


def register(*panels: Panel) -> None:
    for panel in panels:
        REGISTRY[panel.name] = panel


def load_incident(incident_id: int) -> Incident | None:
    return (
        Incident.objects.with_roles().select_related("team").prefetch_related("services").filter(pk=incident_id).first()
    )


def newest_entry_id(incident_id: int) -> int:
    """The newest entry a rendering has seen: the page drops a panel no newer than the one it shows."""
    return (
        TimelineEntry.objects.filter(incident_id=incident_id).order_by("-pk").values_list("pk", flat=True).first() or 0
    )


def render(
    incident: Incident,
    names: Iterable[str],
    *,
    can_write: bool,
    oob: bool = True,
    request=None,
    loads: Loads | None = None,
    error: dict | None = None,
) -> SafeString:
    """The named panels, concatenated; unknown names (a feature not installed) render nothing.

    `error` ({"control": ..., "message": ...}) is shown next to the control that was refused.
    """
    loads = loads if loads is not None else Loads()
    as_of = loads.get_or_load("as_of", lambda: newest_entry_id(incident.pk))
    html = []
    for name in names:
        panel = REGISTRY.get(name)
        if panel is None:
            continue
        context = loads.get_or_load(f"context:{name}", lambda panel=panel: panel.context(incident, loads))
        template = (panel.oob_template or panel.template) if oob else panel.template
        # A refusal changes no entry, so its panel would look no newer than the one shown: it carries no
        # as-of mark, which the page always swaps in (and the next push replaces).
        mark = "" if error else as_of
        base = {
            "incident": incident,
            "can_write": can_write,
            "oob": oob,
            "as_of": mark,
            "error": error,
            "request": request,
        }
        html.append(render_to_string(template, {**context, **base}, request))
    return mark_safe("".join(html))  # noqa: S308  each part is a template's autoescaped output


def render_page(incident: Incident, *, can_write: bool, request) -> dict[str, str]:
    """Every registered panel as the room page places it, by name."""
    loads = Loads()
    return {
        name: render(incident, [name], can_write=can_write, oob=False, request=request, loads=loads)
        for name in REGISTRY
    }


def render_for_broadcast(incident_id: int, names: Iterable[str], audiences: Iterable[str]) -> dict[str, str]:
    """The broadcaster's renderer: the panels once per audience ("write", "read"), from one set of loads."""
    incident = load_incident(incident_id)
    if incident is None:
        return dict.fromkeys(audiences, "")
    loads, names = Loads(), list(names)
    return {audience: render(incident, names, can_write=audience == "write", loads=loads) for audience in audiences}


# --- the room's own panels: header, summary, roles ------------------------------------------------------


def header_context(incident: Incident, loads: Loads) -> dict:
    return {"statuses": list(Status), "severities": list(Severity)}


def summary_context(incident: Incident, loads: Loads) -> dict:
    return {}


def roles_context(incident: Incident, loads: Loads) -> dict:
    holders = incident.holders()
    commander = holders.get(Role.COMMANDER)
    pending = None
    if incident.is_open:
        pending = (
            incident.handoffs.filter(role=Role.COMMANDER, accepted_at__isnull=True, cancelled_at__isnull=True)
            .select_related("to_user", "from_user", "offered_by")
            .first()
        )
    held_for = timezone.now() - commander.assigned_at if commander else None
    delegates = [holders[r].user.get_username() for r in (Role.COMMANDER, Role.DEPUTY) if r in holders]
    handoff_parties = []
    if pending is not None:
        handoff_parties = [u.get_username() for u in (pending.offered_by, pending.from_user, pending.to_user) if u]
    members = list(incident.members.select_related("user").order_by("added_at"))
    leads = list(incident.team.leads.all()) if incident.team_id else []
    return {
        "members": members,
        "access_managers": " ".join([*delegates, *(u.get_username() for u in leads)]),
        # Who may use which control: the page hides the others for each viewer (static/js/warroom.js, data-allow);
        # the actions refuse them anyway, with the reason.
        "delegates": " ".join(delegates),
        "handoff_parties": " ".join(handoff_parties),
        "roles": [
            {
                "role": role,
                "control": f"role-{role.value}",
                "holder": holders.get(role),
                "held_by_commander": role != Role.COMMANDER and role not in holders,
                "instructions": ROLE_INSTRUCTIONS[role],
            }
            for role in Role
        ],
        "commander": commander.user if commander else None,
        "pending_handoff": pending,
        "commander_held_for": held_for,
        "rotation_due": bool(incident.is_open and held_for and held_for >= rotation_after()),
        "users": loads.get_or_load("users", lambda: list(User.objects.filter(is_active=True).order_by("username"))),
    }


def register_with_room() -> None:
    """The room's own panels, and the registry as the live broadcaster's renderer."""
    register(
        Panel("header", "incidents/room.html#header", header_context),
        Panel("summary", "incidents/room.html#summary", summary_context),
        Panel("roles", "incidents/room.html#roles", roles_context),
    )
    broadcast.set_panel_renderer(render_for_broadcast)
