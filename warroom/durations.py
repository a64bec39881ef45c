"""How long something took, in the words the room uses; every duration on a page or in the record comes from here.

`clock` is the compact form of the room's clocks and the postmortem ("1h 05m", "3d 4h"); `minutes` the
spoken form of reminders and the update countdown ("12 min", "2 h 05 min"), which static/js/comms.js
keeps ticking in the same words.
"""

import math
from datetime import timedelta


def whole_minutes(delta: timedelta, *, round_up: bool = False) -> int:
    """Minutes in `delta` (never negative), rounded down, or up when `round_up` (a countdown)."""
    seconds = delta.total_seconds()
    return max(math.ceil(seconds / 60) if round_up else int(seconds // 60), 0)


def clock(delta: timedelta | None) -> str:
    if delta is None:
        return "—"
    days, minutes = divmod(whole_minutes(delta), 1440)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


def minutes(delta: timedelta, *, round_up: bool = False) -> str:
    count = whole_minutes(delta, round_up=round_up)
    return f"{count} min" if count < 120 else f"{count // 60} h {count % 60:02d} min"
