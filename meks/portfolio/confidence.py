"""Delivery confidence on the five-level scale, computed in the database (rule in docs/portfolio.md).

Points are added for:

* schedule lag: 1–30 days 1 point, 31–90 days 2, 91–180 days 3, over 180 days 4;
* spending ahead of progress: money spent, as a share of the estimate, more than 20 points above the
  physical completion of the latest report: 1 point;
* readiness: a confirmed project, or one at contractor determination, with its checklist incomplete: 1 point.

0 points is Green, 1 Amber/Green, 2 Amber, 3 Amber/Red, 4 or more Red. The project office may set the
level by hand with a reason; the history keeps every such decision.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, CharField, DecimalField, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from .choices import DeliveryConfidence, ProjectStatus
from .models import ProgressReport
from .readiness import READINESS_FIELDS

LAG_POINTS = ((180, 4), (90, 3), (30, 2), (0, 1))
SPENDING_GAP = Decimal("20")
LEVEL_OF_POINTS = (
    DeliveryConfidence.GREEN,
    DeliveryConfidence.AMBER_GREEN,
    DeliveryConfidence.AMBER,
    DeliveryConfidence.AMBER_RED,
    DeliveryConfidence.RED,
)


def latest_report_value(field: str):
    """A subquery: ``field`` of the project's latest progress report (NULL when none)."""
    latest = ProgressReport.objects.filter(project=OuterRef("pk")).order_by("-period").values(field)[:1]
    return Subquery(latest)


def confidence_points_expression(lag_field: str = "lag_days"):
    """Points of the rule above for each project; expects ``lag_field`` annotated already."""
    lag_points = Case(
        *[When(**{f"{lag_field}__gt": limit}, then=Value(points)) for limit, points in LAG_POINTS],
        default=Value(0), output_field=IntegerField(),
    )
    spent = Coalesce(latest_report_value("spent"), Value(Decimal("0")), output_field=DecimalField())
    completion = Coalesce(latest_report_value("completion_percent"), Value(Decimal("0")), output_field=DecimalField())
    spending_points = Case(
        When(Q(cost_estimate__gt=0) & Q(_spent_pct__gt=F("_completion") + SPENDING_GAP), then=Value(1)),
        default=Value(0), output_field=IntegerField(),
    )
    not_ready = Q()
    for field in READINESS_FIELDS:
        not_ready |= Q(**{field: False})
    readiness_points = Case(
        When(Q(status__in=[ProjectStatus.CONFIRMED, ProjectStatus.CONTRACTOR_DETERMINATION]) & not_ready,
             then=Value(1)),
        default=Value(0), output_field=IntegerField(),
    )
    return {
        "_spent_pct": spent * Value(Decimal("100")) / F("cost_estimate"),
        "_completion": completion,
    }, lag_points + spending_points + readiness_points


def confidence_level_expression(points_field: str = "confidence_points"):
    """The level for the points (or the project office's override, when set)."""
    return Case(
        When(~Q(confidence_override=""), then=F("confidence_override")),
        *[When(**{points_field: points}, then=Value(level.value)) for points, level in enumerate(LEVEL_OF_POINTS[:-1])],
        default=Value(DeliveryConfidence.RED.value),
        output_field=CharField(),
    )


def level_for_points(points: int) -> str:
    """The level for a number of points (Python mirror of the SQL rule, for tests and single records)."""
    return LEVEL_OF_POINTS[min(points, len(LEVEL_OF_POINTS) - 1)].value
