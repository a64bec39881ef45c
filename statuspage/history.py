"""The last 90 days per component, as customers were told them: a bar of days (operational, degraded, partial,
major, maintenance) and the uptime, computed from the approved external updates and the maintenance windows.

An approved update sets its incident's components to its component state until the next approved update, or
until the incident was resolved in public; a maintenance window puts its components under maintenance from
its start to its completion. A day shows the worst state of the day. Uptime weighs a major outage fully and a
partial outage at 30% (a part of the users down); degraded performance and maintenance count as up. The whole
history is a fixed number of queries, whatever the number of incidents.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from incidents.models import ComponentState

from . import public
from .models import Maintenance

DAYS = 90
DOWNTIME_WEIGHT = {ComponentState.MAJOR_OUTAGE.value: 1.0, ComponentState.PARTIAL_OUTAGE.value: 0.3}


@dataclass
class Day:
    day: date
    state: str
    minutes: dict[str, int]  # minutes in each non-operational state

    @property
    def label(self) -> str:
        return public.COMPONENT_LABELS[self.state]

    @property
    def title(self) -> str:
        if not self.minutes:
            return f"{self.day:%Y-%m-%d}: no incidents"
        parts = [f"{public.COMPONENT_LABELS[s]} {m // 60}h {m % 60:02d}m" for s, m in self.minutes.items()]
        return f"{self.day:%Y-%m-%d}: " + ", ".join(parts)


@dataclass
class ComponentHistory:
    component: public.Component
    days: list[Day]
    uptime: float  # percent

    @property
    def uptime_text(self) -> str:
        return f"{self.uptime:.2f}%"


def intervals(incidents: list[public.PublicIncident], windows: list[public.PublicMaintenance], now: datetime):
    """(service pk, state, start, end) for every stretch customers were told a component was not operational."""
    for incident in incidents:
        told = list(reversed(incident.updates))  # oldest first
        end_of_incident = incident.public_resolved_at or now
        for n, update in enumerate(told):
            end = told[n + 1].published_at if n + 1 < len(told) else end_of_incident
            if update.component_state == ComponentState.OPERATIONAL or update.state == "resolved":
                continue
            for service in incident.services:
                yield service.pk, update.component_state, update.published_at, max(end, update.published_at)
    for window in windows:
        start = window.started_at or window.starts_at
        end = window.completed_at or now
        for service in window.services:
            yield service.pk, public.UNDER_MAINTENANCE, start, end


def component_history(components: list[public.Component], now: datetime | None = None) -> list[ComponentHistory]:
    now = now or timezone.now()
    first_day = now.astimezone(UTC).date() - timedelta(days=DAYS - 1)
    since = datetime.combine(first_day, time.min, tzinfo=UTC)
    incidents = public.load_incidents(where=Q(resolved_at__isnull=True) | Q(resolved_at__gte=since))
    windows = public.load_maintenances(
        statuses=[Maintenance.Status.IN_PROGRESS, Maintenance.Status.COMPLETED], completed_since=since
    )
    minutes: dict[int, dict[date, dict[str, float]]] = {}
    for service_pk, state, start, end in intervals(incidents, windows, now):
        start, end = max(start, since), min(end, now)
        while start < end:
            day = start.astimezone(UTC).date()
            day_end = min(end, datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC))
            per_state = minutes.setdefault(service_pk, {}).setdefault(day, {})
            per_state[state] = per_state.get(state, 0) + (day_end - start).total_seconds() / 60
            start = day_end
    total = (now - since).total_seconds() / 60
    found = []
    for component in components:
        told = minutes.get(component.service.pk, {})
        days = []
        for n in range(DAYS):
            day = first_day + timedelta(days=n)
            # Any told stretch marks the day, a few seconds of an outage that just began too.
            per_state = {s: max(1, round(m)) for s, m in told.get(day, {}).items() if m > 0}
            days.append(Day(day, public.worst(per_state) if per_state else ComponentState.OPERATIONAL.value, per_state))
        down = sum(DOWNTIME_WEIGHT.get(s, 0) * m for per_state in told.values() for s, m in per_state.items())
        found.append(ComponentHistory(component, days, max(0.0, 100 * (1 - down / total)) if total else 100.0))
    return found
