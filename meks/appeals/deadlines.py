"""The legal deadlines of an appeal (Administrative Procedural Code, arts. 63 and 76), on working days.

* An appeal received on a non-working day is registered on the next working day.
* It is handled within 15 working days of registration (the due date is the 15th working day after it).
* A reasoned decision of the organization's head may extend this, to at most two months from registration.
* One outside the organization's competence is forwarded within 3 working days of registration.
* The applicant is told of an extension or a forwarding within 3 working days.

Public holidays, including days the government moves, come from ``meks.core.workdays``.
"""

from __future__ import annotations

import datetime as dt

from meks.core.workdays import add_working_days, next_working_day

HANDLING_WORKING_DAYS = 15
FORWARDING_WORKING_DAYS = 3
NOTIFY_WORKING_DAYS = 3
MAX_EXTENSION_MONTHS = 2


def registration_date(received: dt.date) -> dt.date:
    """The day an appeal received on ``received`` is registered."""
    return next_working_day(received)


def due_date(registered: dt.date) -> dt.date:
    """The last day to answer."""
    return add_working_days(registered, HANDLING_WORKING_DAYS)


def forward_due_date(registered: dt.date) -> dt.date:
    """The last day to forward an appeal outside the organization's competence."""
    return add_working_days(registered, FORWARDING_WORKING_DAYS)


def extension_limit(registered: dt.date) -> dt.date:
    """The latest date an extension may reach: two months after registration."""
    month = registered.month - 1 + MAX_EXTENSION_MONTHS
    year = registered.year + month // 12
    month = month % 12 + 1
    day = registered.day
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:  # 31 December + 2 months → 28/29 February
            day -= 1
