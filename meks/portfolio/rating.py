"""The region readiness rating: a composite index of five components, each a share from 0 to 1.

Components, over a region's projects in the pipeline (selection to commissioning):

* ``past_selection``: share confirmed or beyond;
* ``readiness``: average share of the six readiness conditions met;
* ``tenders_on_time``: of the tender milestones due by today, the share published by their baseline date;
* ``schedule``: share of projects with no lag;
* ``financing``: share with a confirmed financing source.

The index is the weighted sum times 100. A component without data for a region (no tender due yet) is
left out and the other weights are scaled up to sum to 1. Weights live in ``RatingWeight`` (the project
office may change them); the defaults are below. See docs/portfolio.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meks.core.jobs import periodic_job
from meks.territory.models import Region

from .choices import PIPELINE_STATUSES, ProjectStatus
from .models import Milestone, Project, RatingSnapshot, RatingWeight
from .readiness import READINESS_FIELDS, readiness_count_expression
from .schedule import project_lag_subquery, today

COMPONENTS = {
    "past_selection": _("Projects past selection"),
    "readiness": _("Readiness checklist completed"),
    "tenders_on_time": _("Tenders published on time"),
    "schedule": _("Projects on schedule"),
    "financing": _("Financing secured"),
}
DEFAULT_WEIGHTS = {
    "past_selection": Decimal("0.25"),
    "readiness": Decimal("0.25"),
    "tenders_on_time": Decimal("0.15"),
    "schedule": Decimal("0.20"),
    "financing": Decimal("0.15"),
}
PAST_SELECTION = (ProjectStatus.CONFIRMED, ProjectStatus.CONTRACTOR_DETERMINATION, ProjectStatus.IMPLEMENTATION,
                  ProjectStatus.COMMISSIONED)
HUNDRED = Decimal("100")


@dataclass
class RegionScore:
    """One region's place in the rating with its components and the change since the last snapshot."""

    region: Region
    projects: int
    components: dict[str, Decimal | None]
    index: Decimal
    rank: int = 0
    previous_rank: int | None = None
    previous_index: Decimal | None = None
    contributions: dict[str, Decimal] = field(default_factory=dict)

    @property
    def index_change(self) -> Decimal | None:
        """Index points gained (or lost) since the last snapshot."""
        return None if self.previous_index is None else self.index - self.previous_index

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) since the last snapshot."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


def current_weights() -> dict[str, Decimal]:
    """The weights in force: those stored by the project office, the defaults for the rest."""
    weights = dict(DEFAULT_WEIGHTS)
    weights.update({row.component: row.weight for row in RatingWeight.objects.filter(component__in=COMPONENTS)})
    return weights


def _share(part: int | Decimal | None, whole: int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def compute_rating(*, on: dt.date | None = None, weights: dict[str, Decimal] | None = None,
                   direction: str | None = None) -> list[RegionScore]:
    """The rating of all 20 regions as of ``on``, in rank order; three queries whatever the data size."""
    on = on or today()
    weights = weights or current_weights()
    projects = Project.objects.filter(status__in=PIPELINE_STATUSES)
    milestones = Milestone.objects.filter(project__status__in=PIPELINE_STATUSES, kind="tender_published",
                                          baseline_date__lte=on)
    if direction:
        projects = projects.filter(direction__code=direction)
        milestones = milestones.filter(project__direction__code=direction)
    per_region = {
        row["region"]: row
        for row in projects.annotate(lag_days=project_lag_subquery(on), readiness_count=readiness_count_expression())
        .order_by()
        .values("region")
        .annotate(
            total=Count("pk"),
            past=Count("pk", filter=Q(status__in=PAST_SELECTION)),
            readiness_sum=Sum("readiness_count"),
            on_schedule=Count("pk", filter=Q(lag_days=0)),
            financed=Count("pk", filter=Q(ready_financing=True)),
        )
    }
    tenders = {
        row["project__region"]: row
        for row in milestones.order_by().values("project__region").annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(actual_date__isnull=False, actual_date__lte=F("baseline_date"))),
        )
    }
    scores = []
    for region in Region.objects.order_by("kato"):
        row = per_region.get(region.pk, {})
        total = row.get("total", 0)
        tender = tenders.get(region.pk, {})
        components = {
            "past_selection": _share(row.get("past"), total),
            "readiness": _share(row.get("readiness_sum"), total * len(READINESS_FIELDS)),
            "tenders_on_time": _share(tender.get("on_time"), tender.get("due")),
            "schedule": _share(row.get("on_schedule"), total),
            "financing": _share(row.get("financed"), total),
        }
        present = {name: weights[name] for name, value in components.items() if value is not None}
        weight_sum = sum(present.values(), Decimal("0"))
        contributions = {
            name: (components[name] * weight / weight_sum * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            for name, weight in present.items()
        } if weight_sum else {}
        index = sum(contributions.values(), Decimal("0")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        scores.append(RegionScore(region=region, projects=total, components=components, index=index,
                                  contributions=contributions))
    scores.sort(key=lambda score: (-score.index, -score.projects, score.region.kato))
    for rank, score in enumerate(scores, start=1):
        score.rank = rank
    _attach_previous(scores, before=on.replace(day=1))
    return scores


def _attach_previous(scores: list[RegionScore], *, before: dt.date) -> None:
    latest = RatingSnapshot.objects.filter(period__lt=before).order_by("-period").values_list("period", flat=True).first()
    if latest is None:
        return
    previous = {row.region_id: row for row in RatingSnapshot.objects.filter(period=latest)}
    for score in scores:
        snapshot = previous.get(score.region.pk)
        if snapshot is not None:
            score.previous_rank = snapshot.rank
            score.previous_index = snapshot.index


def rating_snapshot_take(*, period: dt.date | None = None) -> int:
    """Store the rating for the month of ``period`` (this month by default), replacing that month's snapshot."""
    period = (period or timezone.localdate()).replace(day=1)
    scores = compute_rating(on=max(period, min(timezone.localdate(), _month_end(period))))
    with transaction.atomic():
        RatingSnapshot.objects.filter(period=period).delete()
        RatingSnapshot.objects.bulk_create(
            RatingSnapshot(period=period, region=score.region, rank=score.rank, index=score.index,
                           components={name: None if value is None else str(value)
                                       for name, value in score.components.items()})
            for score in scores
        )
    return len(scores)


def _month_end(period: dt.date) -> dt.date:
    following = (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


@periodic_job("daily", name="portfolio.rating_snapshot")
def take_monthly_rating_snapshot() -> int:
    """Keep this month's rating snapshot up to date (the last run of a month stays as its record)."""
    return rating_snapshot_take()


def rating_as_dicts(scores: list[RegionScore]) -> list[dict[str, Any]]:
    """The rating in plain data (for the API and exports)."""
    return [
        {
            "rank": score.rank,
            "region": score.region.kato,
            "name": score.region.name,
            "index": score.index,
            "projects": score.projects,
            "components": score.components,
            "contributions": score.contributions,
            "previous_rank": score.previous_rank,
            "index_change": score.index_change,
        }
        for score in scores
    ]
