"""Reads of the programme's achievement against its targets, and of one project's reports and baselines.

Achievement comes from progress reports, whose figures are cumulative since the project began:

* ``network_km``: heat, power, water and sewer networks laid, summed;
* ``capacity_mw``: generating capacity commissioned;
* ``equipment_units``: equipment installed;
* ``investment``: money spent.

A target for the whole period is met by the latest cumulative report of each project. A target for one
year is met by what was done within that year: for each project, its latest report of the year minus its
latest report before the year (nothing when it did not report that year). The per-year amounts are
computed in the database, one row per year and direction, and add up to the latest cumulative figures,
so one query serves every target. ``wear_percent`` is not reported monthly: its achievement is ``None``.

Everything is limited to the projects the user may see (``project_visibility``) and the dashboard's filters.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import DecimalField, Exists, F, IntegerField, OuterRef, QuerySet, Window
from django.db.models.functions import ExtractYear, Lag

from meks.accounts.models import User
from meks.accounts.selectors import organization_list
from meks.core.access import get_visible_or_404

from .choices import TargetMetric
from .models import Baseline, ProgressReport, Project, Target
from .selectors import PortfolioFilters, project_queryset, project_visibility

AMOUNT = DecimalField(max_digits=20, decimal_places=2)
#: The progress figure behind each metric, as an expression over a report's fields.
METRIC_FIGURES = {
    TargetMetric.NETWORK_KM: (F("km_heat") + F("km_power") + F("km_water") + F("km_sewer"), AMOUNT),
    TargetMetric.CAPACITY_MW: (F("mw_commissioned"), AMOUNT),
    TargetMetric.EQUIPMENT_UNITS: (F("equipment_installed"), IntegerField()),
    TargetMetric.INVESTMENT: (F("spent"), AMOUNT),
}
METRIC_ORDER = {metric: index for index, metric in enumerate(TargetMetric.values)}


def _yearly_achievement(projects: QuerySet[Project], before: dt.date | None = None) -> list[dict[str, Any]]:
    """What was achieved in each year, per direction (from the reports of months before ``before``, if given).

    One query reads each project's latest report of each year with, beside it, the project's previous
    year-end report (a window function over those rows); the differences are summed here by year and
    direction. Per year-end row this is two index lookups instead of a correlated subquery per figure.
    """
    reports = ProgressReport.objects.all() if before is None else ProgressReport.objects.filter(period__lt=before)
    later_in_year = reports.filter(
        project=OuterRef("project"), period__gt=OuterRef("period"), period__year=OuterRef("year")
    )
    figures = {metric: figure for metric, (figure, _output) in METRIC_FIGURES.items()}
    rows = (
        reports.filter(project__in=projects)
        .annotate(year=ExtractYear("period"))
        .filter(~Exists(later_in_year))
        .annotate(**{f"now_{metric}": figure for metric, figure in figures.items()})
        .annotate(**{
            f"before_{metric}": Window(Lag(figure), partition_by=[F("project")], order_by=F("period").asc())
            for metric, figure in figures.items()
        })
        .order_by()
        .values_list("year", "project__direction", *[f"now_{m}" for m in figures], *[f"before_{m}" for m in figures])
    )
    count = len(figures)
    totals: dict[tuple[int, int], list[Decimal]] = {}
    for row in rows:
        sums = totals.setdefault((row[0], row[1]), [Decimal("0")] * count)
        for index in range(count):
            sums[index] += Decimal(row[2 + index] or 0) - Decimal(row[2 + count + index] or 0)
    return [
        {"year": year, "project__direction": direction, **dict(zip(figures, sums, strict=True))}
        for (year, direction), sums in totals.items()
    ]


def _percent(achieved: Decimal | None, target: Decimal) -> Decimal | None:
    if achieved is None or not target:
        return None
    return (achieved * 100 / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def targets_against_achievement(*, user: Any, filters: PortfolioFilters | None = None,
                                on: dt.date | None = None) -> list[dict[str, Any]]:
    """Each programme target with what the visible projects achieved towards it; two queries.

    With a direction among the filters, only that direction's targets are listed. Rows come by metric,
    then year (the whole period first), then direction (national first). With ``on``, only the reports of
    months closed before ``on``'s month count: the achievement as it could be known on that date.
    """
    filters = filters or PortfolioFilters()
    targets = Target.objects.select_related("direction")
    if filters.direction:
        targets = targets.filter(direction__code=filters.direction)
    target_rows = sorted(
        targets,
        key=lambda target: (
            METRIC_ORDER.get(target.metric, len(METRIC_ORDER)),
            target.year is not None, target.year or 0,
            target.direction is not None, target.direction.order if target.direction else 0,
            target.direction.code if target.direction else "",
        ),
    )
    if not target_rows:
        return []
    visible = project_queryset(user=user, filters=filters).order_by().values("pk")
    totals: dict[tuple[int | None, int | None, str], Decimal] = defaultdict(Decimal)
    for row in _yearly_achievement(visible, on.replace(day=1) if on else None):
        for metric in METRIC_FIGURES:
            value = Decimal(row[metric] or 0)
            for year in (row["year"], None):
                totals[year, row["project__direction"], metric] += value
                totals[year, None, metric] += value
    result = []
    for target in target_rows:
        achieved = None
        if target.metric in METRIC_FIGURES:
            achieved = totals.get((target.year, target.direction_id, target.metric), Decimal("0"))
            achieved = achieved.quantize(Decimal("0.01"))
        result.append({
            "id": target.pk,
            "metric": target.metric,
            "metric_label": target.get_metric_display(),
            "year": target.year,
            "direction": target.direction.code if target.direction else None,
            "direction_name": target.direction.name if target.direction else None,
            "target": target.value,
            "achieved": achieved,
            "percent": _percent(achieved, target.value),
        })
    return result


# --- one visible project's records ---------------------------------------------------------------------------
# Reads the API needs that selectors.py does not offer yet; each is limited to the projects the user may see.


def _visible_projects(user: Any) -> QuerySet[Project]:
    return Project.objects.filter(project_visibility(user)).values("pk")


def progress_report_list(*, user: Any, project: Project) -> QuerySet[ProgressReport]:
    """A visible project's progress reports, the latest month first."""
    return (
        ProgressReport.objects.filter(project=project, project__in=_visible_projects(user))
        .select_related("submitted_by")
        .order_by("-period")
    )


def baseline_list(*, user: Any, project: Project) -> QuerySet[Baseline]:
    """A visible project's schedule baselines, the first one first."""
    return (
        Baseline.objects.filter(project=project, project__in=_visible_projects(user))
        .select_related("project", "proposed_by", "decided_by")
        .order_by("number")
    )


def baseline_get(*, user: Any, project: Project, pk: int) -> Baseline:
    """One baseline of a visible project, or 404."""
    return get_visible_or_404(baseline_list(user=user, project=project), pk=pk)


def responsible_candidates(*, user: Any) -> QuerySet[User]:
    """Users ``user`` may name as responsible officials: active members of the organizations they see."""
    return User.objects.filter(is_active=True, organization__in=organization_list(user=user).values("pk"))
