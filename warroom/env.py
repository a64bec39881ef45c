"""Parsers for settings read from the environment: a value they do not understand stops the start.

Imported by warroom/settings.py, so nothing here may import a Django app.
"""

import math
import os
import re

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
# Severity keys and the words that mean "remind only when something changes".
CADENCE_FORM = "SEV1=15,SEV2=30,SEV4=none"
CADENCE_OFF_WORDS = ("", "0", "none")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def env_bool(name: str, default: bool) -> bool:
    """1/true/yes/on or 0/false/no/off, any case; unset or empty gives the default."""
    raw = os.environ.get(name, "")
    value = raw.strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    accepted = "/".join(TRUE_WORDS + FALSE_WORDS)
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value: use one of {accepted}, or leave it unset.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole number no smaller than `minimum`; unset or empty gives the default."""
    raw = os.environ.get(name, "")
    value = raw.strip()
    if not value:
        return default
    if not _WHOLE_NUMBER.fullmatch(value) or int(value) < minimum:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a whole number of at least {minimum}: set e.g. {name}={default}, or leave it unset."
        )
    return int(value)


def env_float(name: str, default: float) -> float:
    """A positive number of seconds (decimals allowed); unset or empty gives the default."""
    raw = os.environ.get(name, "")
    value = raw.strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number <= 0:
        hint = f"set e.g. {name}={default:g}, or leave it unset"
        raise ImproperlyConfigured(f"{name}={raw!r} is not a positive number of seconds: {hint}.")
    return number


def parse_update_cadence(raw: str) -> tuple[dict[str, int | None], list[str]]:
    """Split UPDATE_CADENCE into {severity: minutes or None} and the items that could not be read.

    Keys and ranges are not judged here: the warroom.E001 system check reports them with the rest.
    """
    minutes: dict[str, int | None] = {}
    unreadable: list[str] = []
    for item in raw.split(","):
        if not item.strip():
            continue
        severity, equals, value = item.partition("=")
        severity, value = severity.strip().upper(), value.strip().lower()
        if not equals or not severity:
            unreadable.append(item.strip())
        elif value in CADENCE_OFF_WORDS:
            minutes[severity] = None
        elif _WHOLE_NUMBER.fullmatch(value):
            minutes[severity] = int(value)
        else:
            unreadable.append(item.strip())
    return minutes, unreadable
