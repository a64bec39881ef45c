"""Maintenance windows: scheduling them, and the sweeper that starts and completes them.

A window's due times are its own columns (starts_at, ends_at), read by the beat sweeper (statuspage/tasks.py).
Each step is claimed with a conditional UPDATE on the status column, so a sweeper that runs twice, or two
sweepers at once, start and complete a window exactly once.
"""

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from incidents.actions import body_max_length, clean_text, title_max_length
from incidents.models import Service
from warroom.errors import ActionError
from warroom.markdown import render_markdown

from ..models import Maintenance

LONGEST_WINDOW = timedelta(days=14)


def as_utc(value: datetime, *, field: str, label: str) -> datetime:
    if not isinstance(value, datetime):
        raise ActionError(f"{label}: give a date and time (ISO 8601, UTC unless an offset is given).", field)
    return value.replace(tzinfo=UTC) if timezone.is_naive(value) else value.astimezone(UTC)


def services_by_slug(slugs, *, field: str = "components") -> list[Service]:
    """The services named by these slugs, every one of which must exist."""
    wanted = list(dict.fromkeys(s.strip() for s in (slugs or []) if s and s.strip()))
    if not wanted:
        raise ActionError("Name at least one affected component (a service slug).", field)
    found = {s.slug: s for s in Service.objects.filter(slug__in=wanted)}
    unknown = [s for s in wanted if s not in found]
    if unknown:
        raise ActionError(f"Unknown component: {', '.join(unknown)}. Use the slugs of services in the admin.", field)
    return [found[s] for s in wanted]


def schedule_maintenance(
    *, title: str, body: str, services, starts_at: datetime, ends_at: datetime, actor, now: datetime | None = None
) -> Maintenance:
    """Plan a maintenance window on some components; one that has begun already starts at once."""
    now = now or timezone.now()
    title = clean_text(title, field="title", label="Title", max_length=title_max_length())
    body = clean_text(body, field="body", label="Public text", max_length=body_max_length())
    services = services_by_slug(services)
    starts_at = as_utc(starts_at, field="starts_at", label="Start")
    ends_at = as_utc(ends_at, field="ends_at", label="End")
    if ends_at <= starts_at:
        raise ActionError("The end must be after the start.", "ends_at")
    if ends_at <= now:
        raise ActionError("This window is over already: the end must be in the future.", "ends_at")
    if ends_at - starts_at > LONGEST_WINDOW:
        raise ActionError("A maintenance window lasts at most 14 days; schedule longer work as several.", "ends_at")
    with transaction.atomic():
        window = Maintenance.objects.create(
            title=title,
            body=body,
            html=render_markdown(body),
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        window.services.set(services)
    if starts_at <= now:
        start_maintenance(window.pk, now=now)
        window.refresh_from_db()
    return window


def start_maintenance(window_id: int, *, now: datetime | None = None) -> bool:
    """Claim the start of a scheduled window; False when it had started already (or is gone)."""
    now = now or timezone.now()
    claimed = Maintenance.objects.filter(pk=window_id, status=Maintenance.Status.SCHEDULED).update(
        status=Maintenance.Status.IN_PROGRESS, started_at=now, updated_at=now
    )
    return bool(claimed)


def complete_maintenance(window_id: int, *, now: datetime | None = None) -> bool:
    """Claim the end of a window in progress; False when it was completed already (or never started)."""
    now = now or timezone.now()
    claimed = Maintenance.objects.filter(pk=window_id, status=Maintenance.Status.IN_PROGRESS).update(
        status=Maintenance.Status.COMPLETED, completed_at=now, updated_at=now
    )
    return bool(claimed)


def sweep_maintenances(now: datetime | None = None) -> dict[str, list[int]]:
    """Start every window whose start has come and complete every one whose end has: the beat sweeper's work.

    A window the sweeper missed entirely (beat was down) is started and completed in the same run, so its
    history still says it happened.
    """
    now = now or timezone.now()
    due_start = Maintenance.objects.filter(status=Maintenance.Status.SCHEDULED, starts_at__lte=now)
    started = [pk for pk in due_start.values_list("pk", flat=True) if start_maintenance(pk, now=now)]
    due_end = Maintenance.objects.filter(status=Maintenance.Status.IN_PROGRESS, ends_at__lte=now)
    completed = [pk for pk in due_end.values_list("pk", flat=True) if complete_maintenance(pk, now=now)]
    return {"started": started, "completed": completed}
