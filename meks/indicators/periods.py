"""Periods of indicator values: a type (year, quarter, month) and the period's first day.

Written in files and the API as ``2024`` (a year), ``2024-Q2`` (a quarter) or ``2024-05`` (a month).
Values are accepted for periods from ``FIRST_YEAR`` up to the current one: a period that has not begun
yet holds no fact (plans are indicators of their own, such as the tax revenue plan, recorded for the year
they plan).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import PeriodType

FIRST_YEAR = 2010
#: Years after the current one a planning indicator may be recorded for.
PLAN_YEARS_AHEAD = 1

_PATTERNS = (
    (re.compile(r"^([0-9]{4})$"), PeriodType.YEAR),
    (re.compile(r"^([0-9]{4})-?[QqКк]([1-4])$"), PeriodType.QUARTER),
    (re.compile(r"^([0-9]{4})-([0-9]{1,2})$"), PeriodType.MONTH),
)


@dataclass(frozen=True, order=True)
class Period:
    """A period: its type and first day."""

    period_type: str
    start: dt.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(PeriodType.YEAR, dt.date(year, 1, 1))

    @property
    def label(self) -> str:
        """The period as written in files: 2024, 2024-Q2, 2024-05."""
        if self.period_type == PeriodType.YEAR:
            return f"{self.start.year}"
        if self.period_type == PeriodType.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"


class PeriodError(ValueError):
    """A period that cannot be read or lies out of range; the message says why."""


def parse_period(text: object) -> Period:
    """Read a period written as 2024, 2024-Q2 or 2024-05 (an integer or a date cell read as a year/month)."""
    if isinstance(text, dt.datetime):
        text = text.date()
    if isinstance(text, dt.date):
        return Period(PeriodType.MONTH, text.replace(day=1))
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    raw = str(text).strip() if text is not None else ""
    for pattern, period_type in _PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        year = int(match.group(1))
        if year < 1:  # "0000" matches the pattern, but there is no year 0 in the calendar
            break
        if period_type == PeriodType.YEAR:
            return Period(period_type, dt.date(year, 1, 1))
        number = int(match.group(2))
        if period_type == PeriodType.QUARTER:
            return Period(period_type, dt.date(year, 3 * (number - 1) + 1, 1))
        if not 1 <= number <= 12:
            break
        return Period(period_type, dt.date(year, number, 1))
    raise PeriodError(_("“%(value)s” is not a period: write 2024, 2024-Q2 or 2024-05.") % {"value": raw})


def period_start_error(period_type: str, start: dt.date) -> str | None:
    """Why ``start`` cannot begin a period of ``period_type``, or None."""
    if start.day != 1:
        return _("A period starts on the first day of a month.")
    if period_type == PeriodType.YEAR and start.month != 1:
        return _("A year starts on 1 January.")
    if period_type == PeriodType.QUARTER and start.month not in (1, 4, 7, 10):
        return _("A quarter starts on 1 January, 1 April, 1 July or 1 October.")
    return None


def period_range_error(period: Period, *, planning: bool = False, today: dt.date | None = None) -> str | None:
    """Why values cannot be recorded for ``period`` (out of range), or None."""
    today = today or timezone.localdate()
    last_year = today.year + (PLAN_YEARS_AHEAD if planning else 0)
    if period.start.year < FIRST_YEAR:
        return _("Periods before %(year)s are not accepted.") % {"year": FIRST_YEAR}
    if period.start.year > last_year or (not planning and period.start > today):
        return _("The period %(period)s has not begun yet.") % {"period": period.label}
    return None
