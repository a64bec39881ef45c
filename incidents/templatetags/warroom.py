"""Time shown the way the room reads it: UTC, with the zone named; durations as "1h 12m"."""

from datetime import UTC, datetime, timedelta

from django import template

from warroom import durations

register = template.Library()


@register.filter
def utc(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if not value:
        return "—"
    return value.astimezone(UTC).strftime(fmt) + " UTC"


@register.filter
def utc_time(value: datetime | None) -> str:
    return utc(value, "%H:%M:%S")


@register.filter
def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


@register.filter
def duration(value: timedelta | None) -> str:
    return durations.clock(value)


@register.filter
def control(name: str, pk) -> str:
    """The id of one row's control, as the room's answers name it ("draft"|control:7 → "draft-7")."""
    return f"{name}-{pk}"
