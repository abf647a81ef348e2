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

from django.db.models import (
    Case,
    CharField,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan

from .choices import DeliveryConfidence, ProjectStatus
from .models import Milestone, ProgressReport
from .readiness import READINESS_FIELDS
from .schedule import milestone_lag_expression

LAG_POINTS = ((180, 4), (90, 3), (30, 2), (0, 1))
SPENDING_GAP = Decimal("20")
LEVEL_OF_POINTS = (
    DeliveryConfidence.GREEN,
    DeliveryConfidence.AMBER_GREEN,
    DeliveryConfidence.AMBER,
    DeliveryConfidence.AMBER_RED,
    DeliveryConfidence.RED,
)


class LevelOfPoints(Func):
    """``CASE points WHEN 0 THEN 'green' … ELSE 'red' END``: points to level, evaluating points once."""

    output_field = CharField()

    def __init__(self, points, **extra):
        super().__init__(points, **extra)
        whens = " ".join(f"WHEN {number} THEN '{level.value}'" for number, level in enumerate(LEVEL_OF_POINTS[:-1]))
        self.template = f"CASE %(expressions)s {whens} ELSE '{LEVEL_OF_POINTS[-1].value}' END"


def lag_points_subquery(on=None):
    """Points for the project's worst milestone lag, from one subquery over its milestones."""
    worst = (
        Milestone.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(worst=Max(milestone_lag_expression(on)))
        .annotate(points=Case(*[When(worst__gt=limit, then=Value(points)) for limit, points in LAG_POINTS],
                              default=Value(0), output_field=IntegerField()))
        .values("points")
    )
    return Coalesce(Subquery(worst, output_field=IntegerField()), Value(0))


def spending_point_subquery():
    """1 when the latest report's spending runs more than 20 points ahead of its completion.

    Compared without division (``spent × 100 > (completion + 20) × estimate``) so that SQLite's integer
    arithmetic cannot round the share down.
    """
    ahead = GreaterThan(F("spent") * Value(100), (F("completion_percent") + Value(SPENDING_GAP)) * OuterRef("cost_estimate"))
    latest = (
        ProgressReport.objects.filter(project=OuterRef("pk"))
        .order_by("-period")
        .annotate(point=Case(When(ahead, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .values("point")[:1]
    )
    return Coalesce(Subquery(latest, output_field=IntegerField()), Value(0))


def readiness_point_expression():
    """1 for a confirmed project, or one at contractor determination, whose checklist is incomplete."""
    not_ready = Q()
    for field in READINESS_FIELDS:
        not_ready |= Q(**{field: False})
    return Case(
        When(Q(status__in=[ProjectStatus.CONFIRMED, ProjectStatus.CONTRACTOR_DETERMINATION]) & not_ready, then=Value(1)),
        default=Value(0), output_field=IntegerField(),
    )


def confidence_points_expression(on=None):
    """The rule's points for each project."""
    return lag_points_subquery(on) + spending_point_subquery() + readiness_point_expression()


def confidence_level_expression(points_field: str = "confidence_points"):
    """The level for the points, or the project office's override when set."""
    return Case(
        When(~Q(confidence_override=""), then=F("confidence_override")),
        default=LevelOfPoints(F(points_field)),
        output_field=CharField(),
    )


def level_for_points(points: int) -> str:
    """The level for a number of points (Python mirror of the SQL rule, for tests and single records)."""
    return LEVEL_OF_POINTS[min(points, len(LEVEL_OF_POINTS) - 1)].value
