"""The one validation layer of the JSON API: every body is JSON, every text is storable, every time has a zone.

`StrictJSONParser` reads every request body of the API: a body that is not `application/json` answers 415, an
oversize one 413, malformed or too deeply nested JSON 400, and a string anywhere in it holding a NUL character
or a lone surrogate (neither can be stored) 400 naming the field. Schemas type times as `Moment` (a zone is
required, and the time must lie in a sane window) and bounded integers as `Offset`/`Limit`.
"""

import json
from datetime import datetime, timedelta
from typing import Annotated

from django.core.exceptions import RequestDataTooBig
from django.utils import timezone
from ninja.errors import HttpError
from ninja.parser import Parser
from pydantic import AfterValidator, AwareDatetime, Field

from incidents.actions.base import EARLIEST_TIME
from warroom.errors import ActionError

EARLIEST = EARLIEST_TIME
LATEST_AHEAD = timedelta(days=1)


def within_window(value: datetime) -> datetime:
    """Refuse times no incident can have (Go's zero time, year 9999) before they reach the record."""
    if value < EARLIEST:
        raise ValueError(f"must not be before {EARLIEST:%Y-%m-%d}")
    if value > timezone.now() + LATEST_AHEAD:
        raise ValueError("must not be more than a day in the future")
    return value


#: A time the API accepts: ISO 8601 with a zone (`Z` or `+02:00`), between 2000 and tomorrow.
Moment = Annotated[AwareDatetime, AfterValidator(within_window)]
#: Paging parameters, bounded so the database never sees a number it cannot hold.
Offset = Annotated[int, Field(ge=0, le=1_000_000_000)]
Limit = Annotated[int, Field(ge=1, le=1000)]


def unstorable_text(value, path: str = "") -> tuple[str, str] | None:
    """The first string in a JSON value that cannot be stored, as (field path, why), or None."""
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return where, "contains a NUL character"
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return where, "contains a lone surrogate (not valid Unicode)"
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{key}" if where else str(key)
                stack.append((name, child))
                stack.append((f"{name} (its name)", key))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", child) for i, child in enumerate(item))
    return None


def load_json(raw: bytes):
    """Parse a JSON body; malformed or too deeply nested JSON is a 400, never a crash."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise HttpError(400, "The JSON body is nested too deeply.")
    except (ValueError, UnicodeDecodeError) as error:
        raise HttpError(400, f"The body is not valid JSON: {error}.")


class StrictJSONParser(Parser):
    def parse_body(self, request):
        try:
            raw = request.body
        except RequestDataTooBig:
            raise HttpError(413, "The body is too large.")
        if request.content_type != "application/json":
            raise HttpError(415, "Send the body as JSON, with `Content-Type: application/json`.")
        data = load_json(raw)
        problem = unstorable_text(data)
        if problem:
            field, why = problem
            raise ActionError(f"{field or 'The body'} {why}.", field or None)
        return data


def storable(value):
    """A JSON value with what no database column can hold removed: NUL characters dropped, lone surrogates
    replaced. For text from machines (alert payloads), which must still declare rather than fail forever."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {storable(key): storable(child) for key, child in value.items()}
    if isinstance(value, list):
        return [storable(child) for child in value]
    return value


def parse_payload(raw: bytes | str):
    """A webhook body as JSON, storable; raises ValueError with the reason (malformed, or nested too deeply)."""
    try:
        return storable(json.loads(raw))
    except RecursionError:
        raise ValueError("the JSON is nested too deeply")
    except UnicodeDecodeError as error:
        raise ValueError(str(error))
