"""Lag behind the approved schedule, computed in the database from each milestone's dates.

A milestone's lag is counted against its baseline date:

* done: actual date minus baseline date;
* not done: the later of its forecast (or baseline) and today, minus the baseline date;

and never below zero. A project's lag is the largest lag of its milestones.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from meks.core.db import DaysBetween

from .models import Milestone


def today() -> dt.date:
    """The current date in Almaty."""
    return timezone.localdate()


def milestone_lag_expression(on: dt.date | None = None, prefix: str = ""):
    """Lag in days of a milestone (fields reached through ``prefix``), as of ``on``."""
    on = on or today()
    effective = Coalesce(
        f"{prefix}actual_date",
        Greatest(Coalesce(f"{prefix}forecast_date", f"{prefix}baseline_date"), Value(on)),
    )
    return Greatest(DaysBetween(effective, f"{prefix}baseline_date"), Value(0), output_field=IntegerField())


def project_lag_subquery(on: dt.date | None = None):
    """A subquery giving each project's largest milestone lag in days (0 when it has no milestones)."""
    worst = (
        Milestone.objects.filter(project=OuterRef("pk"))
        .annotate(lag=milestone_lag_expression(on))
        .order_by("-lag")
        .values("lag")[:1]
    )
    return Coalesce(Subquery(worst, output_field=IntegerField()), Value(0))


def milestone_lag(milestone: Milestone, on: dt.date | None = None) -> int:
    """The same rule in Python, for one milestone already loaded."""
    on = on or today()
    effective = milestone.actual_date or max(milestone.forecast_date or milestone.baseline_date, on)
    return max((effective - milestone.baseline_date).days, 0)
