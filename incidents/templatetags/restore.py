"""Filters the restore panels use to show lifecycle times."""

from datetime import datetime, timedelta

from django import template

register = template.Library()


@register.filter
def after_start(incident, field: str) -> timedelta | None:
    """How long after impact began the incident reached a lifecycle time."""
    value = getattr(incident, field, None)
    return value - incident.started_at if value else None


@register.filter
def add_hours(value: datetime | None, hours: int) -> datetime | None:
    if not value:
        return None
    try:
        return value + timedelta(hours=int(hours))
    except OverflowError:  # a time at the calendar's edge (kept from older data) shows as it is
        return value
