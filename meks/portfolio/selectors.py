"""Reads of the portfolio, scoped to the user, with every figure derived in the database.

Who sees which projects: the project office, ministries, the technical operator, the financial operator and
the contact centre see every project of the regions their roles cover (all, when held nationally); an
akimat its region's projects; a utility the projects it owns. Other roles see none here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from meks.core.access import Role, get_visible_or_404, scope_of
from meks.core.i18n import localized_field_name
from meks.core.region_figures import region_figures

from .choices import (
    PIPELINE_STATUSES,
    STAGE_OF_STATUS,
    DeliveryConfidence,
    ProjectStatus,
    Stage,
)
from .confidence import confidence_level_expression, confidence_points_expression
from .models import Direction, Milestone, Project
from .readiness import READINESS_FIELDS, readiness_count_expression
from .schedule import milestone_lag_expression, project_lag_subquery

#: Roles that see the projects of the regions they cover.
REGION_READERS = (
    Role.PROJECT_OFFICE, Role.MINISTRY, Role.TECHNICAL_OPERATOR, Role.FINANCIAL_OPERATOR, Role.CONTACT_CENTRE,
    Role.AKIMAT,
)
#: Roles that change the projects of the regions they cover.
REGION_EDITORS = (Role.PROJECT_OFFICE, Role.AKIMAT)


#: The wear zones of regions (published by the indicators through ``meks.core.region_figures``).
WEAR_ZONES = ("red", "yellow", "green")


@dataclass(frozen=True)
class PortfolioFilters:
    """The dashboard's and list's filters: region KATO, direction code, owner id, stage, text."""

    region: str | None = None
    direction: str | None = None
    owner: int | None = None
    stage: str | None = None
    status: str | None = None
    confidence: str | None = None
    ready: bool | None = None
    late: bool | None = None
    search: str | None = None
    zone: str | None = None

    @classmethod
    def from_query(cls, params: Any) -> PortfolioFilters:
        """Read the filters from a query dictionary, ignoring malformed values."""
        owner = params.get("owner") or None
        ready = {"1": True, "0": False}.get(params.get("ready", ""))
        late = {"1": True, "0": False}.get(params.get("late", ""))
        return cls(
            region=params.get("region") or None,
            direction=params.get("direction") or None,
            owner=int(owner) if owner and str(owner).isdigit() else None,
            stage=params.get("stage") if params.get("stage") in Stage.values else None,
            status=params.get("status") if params.get("status") in ProjectStatus.values else None,
            confidence=params.get("confidence") if params.get("confidence") in DeliveryConfidence.values else None,
            ready=ready,
            late=late,
            search=(params.get("q") or "").strip() or None,
            zone=params.get("zone") if params.get("zone") in WEAR_ZONES else None,
        )

    def as_query(self) -> dict[str, str]:
        """The filters that are set, as query parameters."""
        values = {
            "region": self.region, "direction": self.direction, "owner": self.owner, "stage": self.stage,
            "status": self.status, "confidence": self.confidence, "q": self.search, "zone": self.zone,
            "ready": None if self.ready is None else int(self.ready),
            "late": None if self.late is None else int(self.late),
        }
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


def is_portfolio_reader(user: Any) -> bool:
    """True for a user whose roles show projects at all (the portfolio's pages answer 404 to others)."""
    return scope_of(user).has_role(*REGION_READERS, Role.UTILITY)


def is_portfolio_registrar(user: Any) -> bool:
    """True for a user who may register projects (and so use the import template)."""
    return scope_of(user).has_role(Role.PROJECT_OFFICE, Role.AKIMAT, Role.UTILITY)


def project_visibility(user: Any) -> Q:
    """The filter of the projects ``user`` may see."""
    scope = scope_of(user)
    visible = scope.region_filter("region_id", *REGION_READERS)
    if scope.has_role(Role.UTILITY) and scope.organization_id:
        visible |= Q(owner_id=scope.organization_id)
    return visible


def statuses_of_stage(stage: str) -> list[str]:
    """The statuses the funnel groups under ``stage``."""
    return [status for status, of_stage in STAGE_OF_STATUS.items() if of_stage == stage]


def _filtered(queryset: QuerySet, filters: PortfolioFilters) -> QuerySet:
    if filters.region:
        queryset = queryset.filter(region__kato=filters.region)
    if filters.direction:
        queryset = queryset.filter(direction__code=filters.direction)
    if filters.owner:
        queryset = queryset.filter(owner_id=filters.owner)
    if filters.stage:
        queryset = queryset.filter(status__in=statuses_of_stage(filters.stage))
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.ready is not None:
        all_ready = Q(**dict.fromkeys(READINESS_FIELDS, True))
        queryset = queryset.filter(all_ready if filters.ready else ~all_ready)
    if filters.zone:
        queryset = queryset.filter(region_id__in=[
            region_id for region_id, figures in region_figures().items() if figures.get("zone") == filters.zone])
    if filters.search:
        term = filters.search
        queryset = queryset.filter(
            Q(code__icontains=term) | Q(title_ru__icontains=term) | Q(title_kk__icontains=term)
            | Q(title_en__icontains=term)
        )
    return queryset


def _visible(user: Any, filters: PortfolioFilters) -> QuerySet[Project]:
    return _filtered(Project.objects.filter(project_visibility(user)), filters).select_related(
        "region", "direction", "owner", "responsible"
    )


def project_queryset(*, user: Any, filters: PortfolioFilters | None = None, on: dt.date | None = None) -> QuerySet[Project]:
    """Visible projects with ``lag_days``, ``readiness_count``, ``confidence_points`` and ``confidence``."""
    filters = filters or PortfolioFilters()
    queryset = (
        _visible(user, filters)
        .annotate(lag_days=project_lag_subquery(on), readiness_count=readiness_count_expression(),
                  confidence_points=confidence_points_expression(on))
        .annotate(confidence=confidence_level_expression())
    )
    if filters.confidence:
        queryset = queryset.filter(confidence=filters.confidence)
    if filters.late is not None:
        queryset = queryset.filter(lag_days__gt=0) if filters.late else queryset.filter(lag_days=0)
    return queryset


def project_count(*, user: Any, filters: PortfolioFilters | None = None) -> int:
    """How many projects the list holds; without the derived columns unless a filter needs them."""
    filters = filters or PortfolioFilters()
    if filters.confidence or filters.late is not None:
        return project_queryset(user=user, filters=filters).count()
    return _filtered(Project.objects.filter(project_visibility(user)), filters).count()


SORTS = {
    "code": "code", "title": "title", "region": "region__kato", "cost": "cost_estimate", "status": "status",
    "lag": "lag_days", "readiness": "readiness_count", "confidence": "confidence_points",
    "priority": "region_priority_rank",
}
#: Rank given to projects of a region without a funding priority (sorted last).
NO_PRIORITY_RANK = 999


def with_region_priority(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate each project with its region's funding priority rank and wear zone (``region_figures``)."""
    figures = region_figures()
    ranks = [When(region_id=region_id, then=Value(row["priority_rank"])) for region_id, row in figures.items()
             if row.get("priority_rank") is not None]
    zones = [When(region_id=region_id, then=Value(row["zone"])) for region_id, row in figures.items()
             if row.get("zone")]
    return queryset.annotate(
        region_priority_rank=Case(*ranks, default=Value(NO_PRIORITY_RANK), output_field=IntegerField())
        if ranks else Value(NO_PRIORITY_RANK, output_field=IntegerField()),
        region_zone=Case(*zones, default=Value(""), output_field=CharField()) if zones
        else Value("", output_field=CharField()),
    )


def project_list(*, user: Any, filters: PortfolioFilters | None = None, ordering: str | None = None,
                 on: dt.date | None = None) -> QuerySet[Project]:
    """The project list, sorted by one of ``SORTS`` (``-`` for descending), with each region's priority."""
    queryset = with_region_priority(project_queryset(user=user, filters=filters, on=on))
    key = (ordering or "code").lstrip("-")
    column = SORTS.get(key, "code")
    if column == "title":
        column = localized_field_name("title")
    prefix = "-" if (ordering or "").startswith("-") else ""
    return queryset.order_by(f"{prefix}{column}", "code")


def project_get(*, user: Any, pk: int) -> Project:
    """One visible project with its derived figures, or 404."""
    return get_visible_or_404(project_queryset(user=user), pk=pk)


def project_can_edit(*, user: Any, project: Project) -> bool:
    """The project office edits any project, an akimat its region's, a utility those it owns."""
    scope = scope_of(user)
    if scope.covers_region(project.region_id, *REGION_EDITORS):
        return True
    return scope.has_role(Role.UTILITY) and scope.organization_id == project.owner_id


def project_is_owner_side(*, user: Any, project: Project) -> bool:
    """True for the owner's members and the akimat of the project's region (the "owner" of a transition)."""
    scope = scope_of(user)
    if scope.covers_region(project.region_id, Role.AKIMAT):
        return True
    return scope.has_role(Role.UTILITY) and scope.organization_id == project.owner_id


# --- the dashboard -----------------------------------------------------------------------------------------


def pipeline_funnel(*, user: Any, filters: PortfolioFilters | None = None) -> list[dict[str, Any]]:
    """Count and sum of estimates per stage of the funnel, one query."""
    filters = filters or PortfolioFilters()
    rows = (
        _filtered(Project.objects.filter(project_visibility(user)), filters)
        .values("status")
        .annotate(count=Count("pk"), total=Coalesce(Sum("cost_estimate"), Value(Decimal("0"))))
    )
    by_stage: dict[str, dict[str, Any]] = {stage: {"count": 0, "total": Decimal("0")} for stage in Stage.values}
    for row in rows:
        stage = STAGE_OF_STATUS[row["status"]]
        by_stage[stage]["count"] += row["count"]
        by_stage[stage]["total"] += row["total"]
    return [
        {"stage": stage, "label": label, **by_stage[stage]}
        for stage, label in Stage.choices
    ]


def portfolio_totals(funnel: list[dict[str, Any]]) -> dict[str, Any]:
    """The confirmed portfolio: projects in selection and beyond, rejected and cancelled left out."""
    counted = {Stage.SELECTION, Stage.CONFIRMED, Stage.CONTRACTOR_DETERMINATION, Stage.IMPLEMENTATION,
               Stage.COMMISSIONED, Stage.SUSPENDED}
    rows = [row for row in funnel if row["stage"] in counted]
    return {"count": sum(row["count"] for row in rows), "total": sum((row["total"] for row in rows), Decimal("0"))}


def confidence_distribution(*, user: Any, filters: PortfolioFilters | None = None) -> list[dict[str, Any]]:
    """How many pipeline projects stand at each delivery confidence level."""
    counts = dict(
        project_queryset(user=user, filters=filters)
        .filter(status__in=PIPELINE_STATUSES)
        .exclude(status__in=[ProjectStatus.COMMISSIONED])
        .order_by()
        .values_list("confidence")
        .annotate(count=Count("pk"))
    )
    return [{"level": level, "label": label, "count": counts.get(level, 0)} for level, label in DeliveryConfidence.choices]


OPEN_EXCLUDED = (ProjectStatus.COMMISSIONED, ProjectStatus.CANCELLED, ProjectStatus.REJECTED)


def _late(user: Any, filters: PortfolioFilters | None) -> QuerySet[Project]:
    """Open visible projects behind their schedule, with ``lag_days`` only (the late list needs no more)."""
    return (
        _visible(user, filters or PortfolioFilters())
        .annotate(lag_days=project_lag_subquery())
        .filter(lag_days__gt=0)
        .exclude(status__in=OPEN_EXCLUDED)
    )


def late_projects(*, user: Any, filters: PortfolioFilters | None = None, limit: int = 10) -> QuerySet[Project]:
    """The most-late projects with their responsible official and owner."""
    return _late(user, filters).order_by("-lag_days", "code")[:limit]


def late_project_count(*, user: Any, filters: PortfolioFilters | None = None) -> int:
    """How many open projects are behind their approved schedule."""
    return _late(user, filters).count()


def milestone_schedule(*, project: Project, on: dt.date | None = None) -> QuerySet[Milestone]:
    """A project's milestones in order with their ``lag_days`` (the project is already visible)."""
    return (
        project.milestones.select_related("responsible")
        .annotate(lag_days=milestone_lag_expression(on))
        .order_by("order")
    )


def direction_list() -> QuerySet[Direction]:
    """The directions of the national project, in order."""
    return Direction.objects.order_by("order", "code")


def readiness_summary(*, user: Any, filters: PortfolioFilters | None = None) -> dict[str, int]:
    """Ready and under-refinement counts among visible pipeline projects (before implementation)."""
    queryset = (
        _filtered(Project.objects.filter(project_visibility(user)), filters or PortfolioFilters())
        .filter(status__in=PIPELINE_STATUSES)
        .annotate(readiness_count=readiness_count_expression())
    )
    full = len(READINESS_FIELDS)
    result = queryset.aggregate(
        ready=Count("pk", filter=Q(readiness_count=full)),
        refinement=Count("pk", filter=Q(readiness_count__lt=full)),
    )
    return {"ready": result["ready"], "under_refinement": result["refinement"]}


