"""The insights computation: one pass over the incidents a person may see, in a constant number of queries.

Five queries whatever the number of incidents: the incidents with their clocks (first person's entry, first internal
and external update and the recurrence entry as correlated subqueries), their services, their kept update promises,
their postmortems and their action items. On PostgreSQL a sixth query computes the headline percentiles with
`percentile_cont`; on SQLite (no percentile aggregate) they are interpolated the same way in Python from the rows.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from action_items.models import OPEN_ITEM_STATES, ActionItem
from incidents.access import visible_incidents
from incidents.models import Audience, EntryKind, Incident, StatusUpdate, TimelineEntry
from postmortems.models import Postmortem

from .definitions import DURATIONS
from .filters import Filters

DURATION_KEYS = [f.key for f in DURATIONS]
NO_SERVICE = ("", "No service")


# --- the rows --------------------------------------------------------------------------------------------------


@dataclass
class IncidentFacts:
    """One incident's contribution to every figure: its durations (seconds) and its numerators and denominators."""

    pk: int
    title: str
    severity: str
    status: str
    declared_at: datetime
    is_drill: bool
    ack_stamped: bool
    durations: dict[str, float | None]
    services: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    promises: int = 0
    promises_kept: int = 0
    postmortems: int = 0
    postmortems_on_time: int = 0
    items: int = 0
    items_on_time: int = 0
    items_overdue: int = 0
    recurrence: bool = False

    @property
    def ref(self) -> str:
        return f"INC-{self.pk}"


def incident_scope(user, filters: Filters) -> QuerySet:
    """The incidents the figures count: visible to this user first, then the period and the filters."""
    incidents = Incident.objects.filter(declared_at__gte=filters.start, declared_at__lt=filters.end)
    if filters.severity:
        incidents = incidents.filter(severity=filters.severity)
    if filters.service:
        through = Incident.services.through.objects.filter(service=filters.service).values("incident_id")
        incidents = incidents.filter(pk__in=through)
    if filters.team:
        incidents = incidents.filter(team=filters.team)
    if not filters.include_drills:
        incidents = incidents.filter(is_drill=False)
    return visible_incidents(user, incidents)


def first_person_entry() -> Subquery:
    """When a person first wrote in the record: the acknowledgement, until `acknowledged_at` is stamped."""
    entries = TimelineEntry.objects.filter(incident=OuterRef("pk"), actor__isnull=False).order_by("occurred_at", "pk")
    return Subquery(entries.values("occurred_at")[:1], output_field=DateTimeField())


def first_update(audience: str) -> Subquery:
    updates = StatusUpdate.objects.filter(
        incident=OuterRef("pk"), audience=audience, state=StatusUpdate.State.PUBLISHED
    ).order_by("published_at")
    return Subquery(updates.values("published_at")[:1], output_field=DateTimeField())


def clocked(scope: QuerySet) -> QuerySet:
    """The scope with the instants each duration ends at, as columns."""
    return scope.annotate(
        acknowledged=Coalesce("acknowledged_at", first_person_entry()),
        first_internal_at=first_update(Audience.INTERNAL),
        first_external_at=first_update(Audience.EXTERNAL),
    )


class SecondsBetween(Func):
    """`end - start` in seconds, computed by the database (NULL when either is NULL), so no row carries datetimes."""

    arity = 2
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL
        return super().as_sql(compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra):
        template = "((julianday(%(expressions)s)) * 86400.0)"
        return super().as_sql(compiler, connection, template=template, arg_joiner=") - julianday(")


# Each duration: (where it ends, where it starts).
SPANS = {
    "time_to_acknowledge": ("acknowledged", "declared_at"),
    "time_to_mitigate": ("mitigated_at", "started_at"),
    "time_to_resolve": ("resolved_at", "started_at"),
    "time_to_first_internal_update": ("first_internal_at", "declared_at"),
    "time_to_first_external_update": ("first_external_at", "declared_at"),
}


def milliseconds(value: float | None) -> float | None:
    """SQLite's julianday arithmetic carries microsecond noise: the figures are exact to the millisecond."""
    return None if value is None else round(value, 3)


def fact_rows(scope: QuerySet) -> QuerySet:
    """One row per incident: its own numbers, every duration in seconds computed by the database."""
    recurrence = TimelineEntry.objects.filter(
        incident=OuterRef("pk"), kind=EntryKind.SYSTEM, metadata__has_key="recurrence"
    )
    return (
        clocked(scope)
        .annotate(
            recurrence=Exists(recurrence),
            ack_stamped=ExpressionWrapper(Q(acknowledged_at__isnull=False), output_field=BooleanField()),
            **{f"{key}_seconds": SecondsBetween(end, start) for key, (end, start) in SPANS.items()},
        )
        .order_by("declared_at", "pk")
        .values(
            "pk",
            "title",
            "severity",
            "status",
            "is_drill",
            "declared_at",
            "ack_stamped",
            "recurrence",
            *(f"{key}_seconds" for key in SPANS),
        )
    )


def incident_facts(scope: QuerySet, today: date) -> list[IncidentFacts]:
    """Every counted incident with its numbers: five queries, however many incidents."""
    rows = fact_rows(scope)
    facts = {}
    for row in rows:
        facts[row["pk"]] = IncidentFacts(
            pk=row["pk"],
            title=row["title"],
            severity=row["severity"],
            status=row["status"],
            declared_at=row["declared_at"],
            is_drill=row["is_drill"],
            ack_stamped=bool(row["ack_stamped"]),
            durations={key: milliseconds(row[f"{key}_seconds"]) for key in SPANS},
            recurrence=row["recurrence"],
        )
    if not facts:
        return []
    ids = scope.values("pk")
    links = Incident.services.through.objects.filter(incident__in=ids).order_by("service__name")
    for incident_id, slug, name in links.values_list("incident_id", "service__slug", "service__name"):
        if incident_id in facts:
            facts[incident_id].services.append((slug, name))

    promised = StatusUpdate.objects.filter(
        incident__in=ids, state=StatusUpdate.State.PUBLISHED, answered_due_at__isnull=False
    )
    for row in promised.values("incident_id").annotate(
        n=Count("pk"), kept=Count("pk", filter=Q(published_at__lte=F("answered_due_at")))
    ):
        if row["incident_id"] in facts:
            facts[row["incident_id"]].promises, facts[row["incident_id"]].promises_kept = row["n"], row["kept"]

    now = timezone.now()
    reviews = Postmortem.objects.filter(incident__in=ids, review_due_at__isnull=False).filter(
        Q(status=Postmortem.State.PUBLISHED) | Q(review_due_at__lt=now)
    )
    for incident_id, published_at, due in reviews.values_list("incident_id", "published_at", "review_due_at"):
        if incident_id in facts:
            facts[incident_id].postmortems = 1
            facts[incident_id].postmortems_on_time = int(published_at is not None and published_at <= due)

    items = ActionItem.objects.filter(incident__in=ids).exclude(status=ActionItem.State.WONT_DO)
    done = Q(status=ActionItem.State.DONE)
    for row in items.values("incident_id").annotate(
        due=Count("pk", filter=Q(due_date__lt=today) | done),
        on_time=Count("pk", filter=done & Q(completed_at__date__lte=F("due_date"))),
        overdue=Count("pk", filter=Q(status__in=OPEN_ITEM_STATES, due_date__lt=today)),
    ):
        if row["incident_id"] in facts:
            fact = facts[row["incident_id"]]
            fact.items, fact.items_on_time, fact.items_overdue = row["due"], row["on_time"], row["overdue"]
    return list(facts.values())


# --- the statistics --------------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks: the same answer as PostgreSQL's percentile_cont."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def duration_stats(values: list[float]) -> dict:
    values = sorted(v for v in values if v is not None)
    return {
        "p50_seconds": percentile(values, 0.5),
        "p90_seconds": percentile(values, 0.9),
        "mean_seconds": (sum(values) / len(values)) if values else None,
        "count": len(values),
    }


def ratio(part: int, whole: int) -> dict:
    return {"part": part, "whole": whole, "ratio": (part / whole) if whole else None}


def duration_stats_in_sql(scope: QuerySet) -> dict[str, dict]:
    """The headline percentiles in one PostgreSQL query over the per-incident rows (percentile_cont skips NULLs)."""
    sql, params = fact_rows(scope).order_by().query.sql_with_params()
    columns = ", ".join(
        f'percentile_cont(0.5) WITHIN GROUP (ORDER BY "{key}_seconds"), '
        f'percentile_cont(0.9) WITHIN GROUP (ORDER BY "{key}_seconds"), avg("{key}_seconds"), count("{key}_seconds")'
        for key in SPANS
    )
    with connection.cursor() as cursor:
        # MATERIALIZED: each row's subqueries run once, not once per aggregate that reads the column.
        # The column names are this module's constants; the scope's own values travel as parameters.
        cursor.execute(f"WITH facts AS MATERIALIZED ({sql}) SELECT {columns} FROM facts", params)  # noqa: S608
        row = cursor.fetchone()
    stats = {}
    for index, key in enumerate(SPANS):
        p50, p90, mean, count = row[index * 4 : index * 4 + 4]
        stats[key] = {
            "p50_seconds": milliseconds(p50),
            "p90_seconds": milliseconds(p90),
            "mean_seconds": milliseconds(float(mean)) if mean is not None else None,
            "count": count,
        }
    return stats


def summarize(facts: list[IncidentFacts]) -> dict:
    """Every headline figure of a set of incidents (the whole period, one week or one service)."""
    summary = {"incidents": len(facts)}
    for key in DURATION_KEYS:
        summary[key] = duration_stats([f.durations[key] for f in facts])
    summary["update_promises_kept"] = ratio(sum(f.promises_kept for f in facts), sum(f.promises for f in facts))
    summary["postmortems_on_time"] = ratio(sum(f.postmortems_on_time for f in facts), sum(f.postmortems for f in facts))
    summary["action_items_done_on_time"] = ratio(sum(f.items_on_time for f in facts), sum(f.items for f in facts))
    summary["action_items_overdue"] = sum(f.items_overdue for f in facts)
    summary["recurrences"] = sum(1 for f in facts if f.recurrence)
    summary["acknowledgements_stamped"] = sum(1 for f in facts if f.ack_stamped)
    return summary


# --- the whole answer ------------------------------------------------------------------------------------------


def week_start(moment: datetime) -> date:
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


@dataclass
class Insights:
    filters: Filters
    facts: list[IncidentFacts]
    summary: dict
    weeks: list[tuple[date, dict]]
    by_service: list[tuple[tuple[str, str], dict]]


def compute(user, filters: Filters, today: date | None = None) -> Insights:
    """The figures for this user and question: constant queries, the same numbers on SQLite and PostgreSQL."""
    today = today or timezone.now().astimezone(UTC).date()
    scope = incident_scope(user, filters)
    facts = incident_facts(scope, today)
    summary = summarize(facts)
    if facts and connection.vendor == "postgresql":
        summary.update(duration_stats_in_sql(scope))

    by_week = defaultdict(list)
    for fact in facts:
        by_week[week_start(fact.declared_at)].append(fact)
    weeks, monday = [], week_start(filters.start)
    while monday < filters.end.date():
        weeks.append((monday, summarize(by_week.get(monday, []))))
        monday += timedelta(days=7)

    by_service = defaultdict(list)
    for fact in facts:
        for service in fact.services or [NO_SERVICE]:
            by_service[service].append(fact)
    services = sorted(by_service.items(), key=lambda pair: (pair[0] == NO_SERVICE, -len(pair[1]), pair[0][1]))
    return Insights(filters, facts, summary, weeks, [(service, summarize(rows)) for service, rows in services])


def behind(insights: Insights, figure: str, week: date | None = None, service: str | None = None) -> list:
    """The incidents behind one number of the page: (incident, its own value for the figure), oldest first."""
    chosen = []
    for fact in insights.facts:
        if week is not None and week_start(fact.declared_at) != week:
            continue
        if service is not None and service not in ({slug for slug, _ in fact.services} or {""}):
            continue
        value = contribution(fact, figure)
        if value is not None:
            chosen.append((fact, value))
    return chosen


def contribution(fact: IncidentFacts, figure: str):
    """What one incident adds to a figure, or None when it does not count towards it."""
    if figure in DURATION_KEYS:
        return fact.durations[figure]
    if figure == "incidents":
        return True
    if figure == "update_promises_kept_ratio":
        return (fact.promises_kept, fact.promises) if fact.promises else None
    if figure == "postmortems_on_time_ratio":
        return (fact.postmortems_on_time, fact.postmortems) if fact.postmortems else None
    if figure == "action_items_done_on_time_ratio":
        return (fact.items_on_time, fact.items) if fact.items else None
    if figure == "action_items_overdue":
        return fact.items_overdue or None
    if figure == "recurrences":
        return True if fact.recurrence else None
    raise KeyError(figure)


def api_answer(insights: Insights) -> dict:
    """The JSON of `GET /api/v1/insights`."""
    summary = insights.summary
    answer = {
        "start": insights.filters.start,
        "end": insights.filters.end,
        "incidents": summary["incidents"],
    }
    for key in DURATION_KEYS:
        answer[key] = summary[key]
    answer["update_promises_kept_ratio"] = summary["update_promises_kept"]["ratio"]
    answer["postmortems_on_time_ratio"] = summary["postmortems_on_time"]["ratio"]
    answer["action_items_done_on_time_ratio"] = summary["action_items_done_on_time"]["ratio"]
    answer["action_items_overdue"] = summary["action_items_overdue"]
    answer["recurrences"] = summary["recurrences"]
    answer["acknowledgements_stamped"] = summary["acknowledgements_stamped"]
    return answer
