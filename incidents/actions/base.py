"""Helpers every action shares: input cleaning, the incident lock, the names the record uses."""

from datetime import UTC, datetime

from django.conf import settings
from django.db.models import TextChoices

from warroom.errors import ActionError

from ..models import Incident


def clean_text(value: str | None, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """Strip the text and refuse it when empty (if required) or longer than `max_length`."""
    value = (value or "").strip()
    if required and not value:
        raise ActionError(f"{label} cannot be empty.", field)
    if len(value) > max_length:
        raise ActionError(f"{label} is {len(value)} characters long; the limit is {max_length}.", field)
    return value


def clean_choice(value, choices: type[TextChoices], *, field: str, label: str):
    """The member of `choices` named by `value`, or an error listing the allowed values."""
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise ActionError(f"Unknown {label} “{value}”. Choose one of: {allowed}.", field)
    return choices(value)


#: No incident starts before this: an earlier time is a client's zero value (Go's `0001-01-01T00:00:00Z`).
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def check_not_too_early(value: datetime | None, *, field: str, label: str) -> None:
    if value is not None and value < EARLIEST_TIME:
        raise ActionError(f"{label} cannot be before {EARLIEST_TIME:%Y-%m-%d}.", field)


def title_max_length() -> int:
    return settings.WARROOM["TITLE_MAX_LENGTH"]


def body_max_length() -> int:
    return settings.WARROOM["BODY_MAX_LENGTH"]


def display_name(user) -> str:
    """How the record names a person (full name, else username); the system itself is "Warroom"."""
    if user is None:
        return "Warroom"
    return user.get_full_name() or user.get_username()


def lock_incident(incident: Incident | int) -> Incident:
    """Re-read the incident row under SELECT FOR UPDATE. Call inside `transaction.atomic()`."""
    pk = incident if isinstance(incident, int) else incident.pk
    return Incident.objects.select_for_update().get(pk=pk)
