"""The review meeting: its deadline from the severity, a proposed slot inside it, and the .ics invite.

SEV1 is reviewed within 3 calendar days, SEV2 within 5 business days (PRODUCT.md); the others within
settings.WARROOM["REVIEW_BUSINESS_DAYS_MINOR"] business days. The invite is a small RFC 5545 writer:
one VEVENT needs no library.
"""

from datetime import UTC, datetime, time, timedelta

from django.conf import settings

REVIEW_SLOT_TIME = time(14, 0, tzinfo=UTC)  # early afternoon UTC overlaps most teams' working day
REVIEW_LENGTH = timedelta(hours=1)


def _add_business_days(start: datetime, days: int) -> datetime:
    moment = start
    while days > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def review_deadline(severity: str, resolved_at: datetime) -> datetime:
    """The latest time the review meeting may start."""
    if severity == "SEV1":
        return resolved_at + timedelta(days=3)
    if severity == "SEV2":
        return _add_business_days(resolved_at, 5)
    return _add_business_days(resolved_at, settings.WARROOM.get("REVIEW_BUSINESS_DAYS_MINOR", 10))


def propose_review_slot(resolved_at: datetime, deadline: datetime) -> datetime:
    """The first business day from the day after resolution at 14:00 UTC (a day to write the draft)
    that is before the deadline; when none fits, an hour before the deadline."""
    day = resolved_at.astimezone(UTC).date() + timedelta(days=1)
    while True:
        slot = datetime.combine(day, REVIEW_SLOT_TIME)
        if slot > deadline:
            return deadline - REVIEW_LENGTH
        if day.weekday() < 5 and slot >= resolved_at + timedelta(hours=12):
            return slot
        day += timedelta(days=1)


def _escape(text: str) -> str:
    # RFC 5545 3.3.11: backslash, semicolon and comma escaped; every line break (CRLF, a bare CR or LF) is "\n".
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets continue on the next line after a space."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    chunks, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not chunks else 74):
            chunks.append(current.decode())
            current = b""
        current += encoded
    chunks.append(current.decode())
    return "\r\n ".join(chunks)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def invite_ics(*, uid: str, start: datetime, summary: str, description: str, url: str, now: datetime) -> str:
    """A one-event calendar (text/calendar) for the review meeting."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Warroom//Postmortem review//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(start)}",
        f"DTEND:{_stamp(start + REVIEW_LENGTH)}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
