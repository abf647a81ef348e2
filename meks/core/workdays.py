"""Working days on Kazakhstan's calendar, for legal deadlines.

Public holidays come from the ``holidays`` package (Kazakhstan, including the days the government moves
to bridge holidays); a site may add its own non-working dates or working Saturdays on top.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _kazakhstan_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KZ", years=year, categories=("public",))


def is_working_day(day: dt.date, *, extra_days_off: Iterable[dt.date] = (), extra_working_days: Iterable[dt.date] = ()) -> bool:
    """True for a working day: not a weekend, not a public holiday, not a transferred day off."""
    if day in set(extra_working_days):
        return True
    if day in set(extra_days_off):
        return False
    if day.weekday() >= 5:
        return False
    return day not in _kazakhstan_holidays(day.year)


def next_working_day(day: dt.date, **calendar: Iterable[dt.date]) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, **calendar):
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.date, count: int, **calendar: Iterable[dt.date]) -> dt.date:
    """The date ``count`` working days after ``start`` (``start`` itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day, **calendar):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, **calendar: Iterable[dt.date]) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start, **calendar)
    return sum(
        1 for offset in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(days=offset), **calendar)
    )
