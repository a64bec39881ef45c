"""Durations in the room's words."""


def test_it_formats_durations_one_way():
    from datetime import timedelta

    from warroom import durations

    assert durations.clock(timedelta(minutes=65)) == "1h 05m" and durations.clock(timedelta(days=3, hours=4)) == "3d 4h"
    assert durations.clock(None) == "—" and durations.clock(timedelta(seconds=-5)) == "0m"
    assert durations.minutes(timedelta(minutes=72)) == "72 min"
    assert durations.minutes(timedelta(minutes=125)) == "2 h 05 min"
    assert durations.minutes(timedelta(seconds=61), round_up=True) == "2 min"
