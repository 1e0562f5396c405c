"""One timestamp format for everything stored, so that times compare as text in SQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import time_machine

from service import times


@time_machine.travel("2028-02-28T23:59:59.5Z", tick=False)
def test_now_and_shifted_are_utc_to_the_microsecond_with_a_z():
    assert times.now() == "2028-02-28T23:59:59.500000Z"
    assert times.shifted(days=1) == "2028-02-29T23:59:59.500000Z"  # a leap day
    assert times.shifted(seconds=-900) < times.now() < times.shifted(hours=1)


def test_stamps_of_any_zone_compare_as_text_in_time_order():
    earlier = times.stamp(datetime(2026, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=5))))
    later = times.stamp(datetime(2026, 5, 1, 8, 0, tzinfo=UTC))
    assert earlier == "2026-05-01T07:00:00.000000Z" and earlier < later
    assert times.stamp(datetime(2026, 5, 1, 8, 0)) == later  # naive is UTC


def test_parse_and_show():
    assert times.parse("2026-11-30T14:05:09.123456Z") == datetime(
        2026, 11, 30, 14, 5, 9, 123456, tzinfo=UTC
    )
    assert times.parse("yesterday") is None and times.parse(None) is None
    assert times.shown("2026-11-30T14:05:09.123456Z") == "2026-11-30 14:05 UTC"
    assert times.shown("2026-11-30T14:05:09.123456Z", with_time=False) == "2026-11-30"
