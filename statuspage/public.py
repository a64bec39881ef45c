"""What a customer may read, computed once for the page, the Statuspage-shaped JSON and the feeds.

Only approved external updates reach this module's answers (audience external, state published) and the
maintenance windows written for customers. An incident's title, summary, timeline, internal updates, drafts
and people are never loaded: the queries below select only the columns a public answer needs, so a template or
a serializer cannot leak what it was never given. Every loader runs a fixed number of queries, whatever the
number of incidents, updates or components.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Min, Q
from django.utils import timezone

from incidents.comms.actions import compose_markdown
from incidents.models import Audience, ComponentState, Incident, PublicState, Service, StatusUpdate, Visibility

from .models import Maintenance

UNDER_MAINTENANCE = "under_maintenance"
# From best to worst; an outage during a maintenance window is still an outage.
COMPONENT_ORDER = [
    ComponentState.OPERATIONAL.value,
    UNDER_MAINTENANCE,
    ComponentState.DEGRADED.value,
    ComponentState.PARTIAL_OUTAGE.value,
    ComponentState.MAJOR_OUTAGE.value,
]
COMPONENT_LABELS = {**dict(ComponentState.choices), UNDER_MAINTENANCE: "Under maintenance"}
# Statuspage's impact of an incident, from the worst component state its public updates named.
IMPACT_FOR_COMPONENT = {
    ComponentState.OPERATIONAL.value: "none",
    ComponentState.DEGRADED.value: "minor",
    ComponentState.PARTIAL_OUTAGE.value: "major",
    ComponentState.MAJOR_OUTAGE.value: "critical",
}
# The page-level indicator and Statuspage's own wording for it.
INDICATOR_FOR_COMPONENT = {
    ComponentState.OPERATIONAL.value: "none",
    UNDER_MAINTENANCE: "maintenance",
    ComponentState.DEGRADED.value: "minor",
    ComponentState.PARTIAL_OUTAGE.value: "major",
    ComponentState.MAJOR_OUTAGE.value: "critical",
}
INDICATOR_DESCRIPTIONS = {
    "none": "All Systems Operational",
    "maintenance": "Service Under Maintenance",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
}
# What a private incident is called in public: its approved updates speak, its name (and headline) never does.
NEUTRAL_NAME = "Service disruption"
INCIDENT_LIST_LIMIT = 50  # Statuspage's incidents.json and scheduled-maintenances.json answer the newest 50


def worst(states) -> str:
    return max(states, key=COMPONENT_ORDER.index, default=ComponentState.OPERATIONAL.value)


def public_updates():
    """Approved external updates: the only words of an incident that customers read. A drill's never are: a drill
    rehearses the words, customers must not read them as news."""
    return StatusUpdate.objects.filter(
        audience=Audience.EXTERNAL, state=StatusUpdate.State.PUBLISHED, incident__is_drill=False
    )


@dataclass
class PublicUpdate:
    id: int
    incident_id: int
    headline: str
    state: str
    component_state: str
    text: str
    html: str
    published_at: datetime
    next_update_due_at: datetime | None

    @property
    def state_label(self) -> str:
        return PublicState(self.state).label


@dataclass
class PublicIncident:
    """An incident as its approved external updates tell it; `updates` newest first (never empty)."""

    id: int
    updates: list[PublicUpdate]
    services: list[Service]
    is_open: bool  # the room's view: still being worked
    resolved_at: datetime | None

    @property
    def latest(self) -> PublicUpdate:
        return self.updates[0]

    @property
    def name(self) -> str:
        return self.headline

    @property
    def public_open(self) -> bool:
        return self.is_open and self.latest.state != PublicState.RESOLVED

    @property
    def status(self) -> str:
        return self.latest.state if self.public_open else PublicState.RESOLVED.value

    @property
    def component_state(self) -> str:
        return self.latest.component_state if self.public_open else ComponentState.OPERATIONAL.value

    @property
    def impact(self) -> str:
        return IMPACT_FOR_COMPONENT[worst(u.component_state for u in self.updates)]

    @property
    def created_at(self) -> datetime:
        return self.updates[-1].published_at

    @property
    def updated_at(self) -> datetime:
        return self.latest.published_at

    @property
    def public_resolved_at(self) -> datetime | None:
        if self.public_open:
            return None
        said = [u.published_at for u in self.updates if u.state == PublicState.RESOLVED]
        return said[0] if said else (self.resolved_at or self.latest.published_at)

    @property
    def monitoring_at(self) -> datetime | None:
        said = [u.published_at for u in self.updates if u.state == PublicState.MONITORING]
        return said[-1] if said else None

    headline: str = ""


@dataclass
class Component:
    service: Service
    status: str
    position: int
    created_at: datetime
    updated_at: datetime

    @property
    def label(self) -> str:
        return COMPONENT_LABELS[self.status]


@dataclass
class PublicMaintenance:
    maintenance: Maintenance
    services: list[Service] = field(default_factory=list)

    def __getattr__(self, name):
        return getattr(self.maintenance, name)


def load_incidents(*, where: Q | None = None, limit: int | None = None, offset: int = 0) -> list[PublicIncident]:
    """Incidents with at least one approved external update, newest first; three queries."""
    rows = Incident.objects.filter(pk__in=public_updates().values("incident_id"))
    if where is not None:
        rows = rows.filter(where)
    rows = rows.order_by("-declared_at", "-pk").only("pk", "status", "resolved_at", "declared_at", "visibility")
    rows = list(rows[offset : offset + limit] if limit else rows[offset:])
    ids = [row.pk for row in rows]
    private = {row.pk for row in rows if row.visibility == Visibility.PRIVATE}
    updates: dict[int, list[PublicUpdate]] = {pk: [] for pk in ids}
    headlines: dict[int, str] = {}
    for update in (
        public_updates()
        .filter(incident_id__in=ids)
        .order_by("-published_at", "-pk")
        .only(
            "pk",
            "incident_id",
            "headline",
            "public_state",
            "component_state",
            "status",
            "actions",
            "next_steps",
            "html",
            "published_at",
            "next_update_due_at",
        )
    ):
        headline = NEUTRAL_NAME if update.incident_id in private else update.headline
        headlines.setdefault(update.incident_id, headline)
        updates[update.incident_id].append(
            PublicUpdate(
                id=update.pk,
                incident_id=update.incident_id,
                headline=headline,
                state=update.public_state,
                component_state=update.component_state,
                text=compose_markdown(update.status, update.actions, update.next_steps),
                html=update.html,
                published_at=update.published_at,
                next_update_due_at=update.next_update_due_at,
            )
        )
    services: dict[int, list[Service]] = {pk: [] for pk in ids}
    links = Incident.services.through.objects.filter(incident_id__in=ids).select_related("service")
    for link in links.order_by("service__name"):
        services[link.incident_id].append(link.service)
    return [
        PublicIncident(
            id=row.pk,
            updates=updates[row.pk],
            services=services[row.pk],
            is_open=row.is_open,
            resolved_at=row.resolved_at,
            headline=headlines[row.pk] or NEUTRAL_NAME,
        )
        for row in rows
    ]


def load_maintenances(
    *, statuses=None, ids=None, completed_since=None, limit: int | None = None, newest_first=False
) -> list[PublicMaintenance]:
    """Maintenance windows with their components; two queries."""
    rows = Maintenance.objects.all()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    if completed_since is not None:
        rows = rows.filter(Q(completed_at__isnull=True) | Q(completed_at__gte=completed_since))
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    rows = rows.order_by(*(("-starts_at", "-pk") if newest_first else ("starts_at", "pk")))
    rows = list(rows[:limit] if limit else rows)
    services: dict[int, list[Service]] = {row.pk: [] for row in rows}
    links = Maintenance.services.through.objects.filter(maintenance_id__in=services).select_related("service")
    for link in links.order_by("service__name"):
        services[link.maintenance_id].append(link.service)
    return [PublicMaintenance(row, services[row.pk]) for row in rows]


def public_services():
    """Services a customer has been told about: named by an approved external update's incident or by a
    maintenance window. The list of every internal service is not public."""
    published = public_updates()
    return (
        Service.objects.filter(
            Q(
                pk__in=Incident.services.through.objects.filter(incident__in=published.values("incident_id")).values(
                    "service_id"
                )
            )
            | Q(pk__in=Maintenance.services.through.objects.values("service_id"))
        )
        .annotate(
            first_told=Min(
                "incidents__status_updates__published_at",
                filter=Q(
                    incidents__status_updates__audience=Audience.EXTERNAL,
                    incidents__status_updates__state=StatusUpdate.State.PUBLISHED,
                ),
            ),
            last_told=Max(
                "incidents__status_updates__published_at",
                filter=Q(
                    incidents__status_updates__audience=Audience.EXTERNAL,
                    incidents__status_updates__state=StatusUpdate.State.PUBLISHED,
                ),
            ),
            first_planned=Min("maintenances__created_at"),
            last_planned=Max("maintenances__updated_at"),
        )
        .only("pk", "name", "slug")
        .order_by("name")
    )


def components(open_incidents: list[PublicIncident], active: list[PublicMaintenance]) -> list[Component]:
    """Every public component with its state now: the worst its open public incidents say, else under
    maintenance while a window covering it is in progress, else operational. One query."""
    states: dict[int, list[str]] = {}
    for incident in open_incidents:
        for service in incident.services:
            states.setdefault(service.pk, []).append(incident.component_state)
    for window in active:
        for service in window.services:
            states.setdefault(service.pk, []).append(UNDER_MAINTENANCE)
    found = []
    for position, service in enumerate(public_services(), start=1):
        told = [t for t in (service.first_told, service.first_planned) if t]
        changed = [t for t in (service.last_told, service.last_planned) if t]
        found.append(
            Component(
                service=service,
                status=worst(states.get(service.pk, [])),
                position=position,
                created_at=min(told),
                updated_at=max(changed or told),
            )
        )
    return found


def indicator(found: list[Component]) -> str:
    return INDICATOR_FOR_COMPONENT[worst(c.status for c in found)]


@dataclass
class Snapshot:
    """The status page now: recent public incidents, maintenance to come and under way, components."""

    incidents: list[PublicIncident]
    upcoming: list[PublicMaintenance]
    active: list[PublicMaintenance]
    components: list[Component]
    now: datetime

    @property
    def open_incidents(self) -> list[PublicIncident]:
        return [i for i in self.incidents if i.public_open]

    @property
    def past_incidents(self) -> list[PublicIncident]:
        return [i for i in self.incidents if not i.public_open]

    @property
    def indicator(self) -> str:
        return indicator(self.components)

    @property
    def description(self) -> str:
        return INDICATOR_DESCRIPTIONS[self.indicator]

    @property
    def sentence(self) -> str:
        """The page's banner, in the page's words."""
        state = worst(c.status for c in self.components)
        if state == ComponentState.OPERATIONAL:
            return "All systems operational"
        if state == UNDER_MAINTENANCE:
            return "Maintenance in progress"
        return f"{COMPONENT_LABELS[state]} on some services"

    @property
    def updated_at(self) -> datetime:
        """When anything a customer can see last changed (the page's own `updated_at`)."""
        times = [i.updated_at for i in self.incidents] + [c.updated_at for c in self.components]
        times += [m.updated_at for m in self.upcoming + self.active]
        return max(times, default=self.now)


def snapshot(*, recent_days: int | None = None, now: datetime | None = None) -> Snapshot:
    """Open incidents and those resolved in the last `recent_days` (STATUS_PAGE_RECENT_DAYS), plus maintenance."""
    now = now or timezone.now()
    days = settings.WARROOM["STATUS_PAGE_RECENT_DAYS"] if recent_days is None else recent_days
    incidents = load_incidents(where=Q(resolved_at__isnull=True) | Q(resolved_at__gte=now - timedelta(days=days)))
    windows = load_maintenances(statuses=[Maintenance.Status.SCHEDULED, Maintenance.Status.IN_PROGRESS])
    active = [m for m in windows if m.status == Maintenance.Status.IN_PROGRESS]
    upcoming = [m for m in windows if m.status == Maintenance.Status.SCHEDULED]
    open_ones = [i for i in incidents if i.public_open]
    return Snapshot(incidents, upcoming, active, components(open_ones, active), now)
