"""What the public portal shows: the public projects and the national project's figures, no personal data.

Which projects are public: those confirmed onwards (confirmed, contractor determination, implementation,
commissioned, suspended); applications, drafts, projects under selection, rejected and cancelled ones are not
published. The rule is ``PUBLIC_STATUSES``; the open-data feeds publish through
``meks.opendata.oc4ids.publication_queryset`` and this portal shows the same records.

Nothing here returns a person: owners and lenders are organizations; officials named on projects and milestones
(``responsible``) are never selected.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from meks.core.region_figures import region_figures
from meks.finance.choices import APPROVED_STATUSES
from meks.finance.models import FinancingApplication
from meks.portfolio.achievement import _percent, _yearly_achievement
from meks.portfolio.choices import PUBLIC_STAGES, PUBLIC_STATUSES, STAGE_OF_STATUS, Stage
from meks.portfolio.models import Direction, Milestone, ProgressReport, Project, Target
from meks.portfolio.rating import compute_rating
from meks.portfolio.schedule import milestone_lag_expression
from meks.procurement.choices import PUBLIC_TENDER_STATUSES, AwardStatus, TenderStatus
from meks.procurement.models import Award, Contract, Lot, Question, Tender
from meks.territory.models import Region

PAGE_SIZE = 25


def _latest_completion() -> Subquery:
    return Subquery(ProgressReport.objects.filter(project=OuterRef("pk")).order_by("-period")
                    .values("completion_percent")[:1])


def public_projects() -> QuerySet[Project]:
    """The published projects (no personal data is selected: ``responsible`` is left out)."""
    return (Project.objects.filter(status__in=PUBLIC_STATUSES)
            .select_related("region", "direction", "owner", "settlement")
            .annotate(progress=_latest_completion()))


def public_project_list(*, region: str = "", status: str = "", direction: str = "") -> QuerySet[Project]:
    queryset = public_projects()
    if region:
        queryset = queryset.filter(region__kato=region)
    if status:
        queryset = queryset.filter(status=status)
    if direction:
        queryset = queryset.filter(direction__code=direction)
    return queryset.order_by("region__kato", "code")


def public_project_get(*, code: str) -> Project:
    try:
        return public_projects().get(code=code)
    except Project.DoesNotExist as error:
        raise Http404 from error


def project_schedule(project: Project) -> list[Milestone]:
    """The project's milestones with baseline, forecast and actual dates and the lag (no responsible official)."""
    return list(project.milestones.only("kind", "order", "baseline_date", "forecast_date", "actual_date", "project_id")
                .annotate(lag_days=milestone_lag_expression(None)).order_by("order"))


def project_financing(project: Project) -> list[dict[str, Any]]:
    """Approved financing applications of the project: channel, lender organization, amount and status."""
    rows = (FinancingApplication.objects.filter(project=project, status__in=APPROVED_STATUSES)
            .select_related("channel", "lender").order_by("pk"))
    return [{"channel": str(row.channel), "lender": row.lender.name if row.lender else "",
             "amount": row.amount_requested, "status": row.get_status_display(), "round": row.round} for row in rows]


def pipeline() -> list[dict[str, Any]]:
    """Count and estimated cost of the published projects per stage."""
    rows = (Project.objects.filter(status__in=PUBLIC_STATUSES).values("status")
            .annotate(count=Count("pk"), total=Coalesce(Sum("cost_estimate"), Value(Decimal("0")))).order_by())
    by_stage: dict[str, dict[str, Any]] = {stage: {"count": 0, "total": Decimal("0")} for stage in PUBLIC_STAGES}
    for row in rows:
        stage = STAGE_OF_STATUS[row["status"]]
        by_stage[stage]["count"] += row["count"]
        by_stage[stage]["total"] += row["total"]
    return [{"stage": stage, "label": label, **by_stage[stage]} for stage, label in Stage.choices if stage in by_stage]


def targets() -> list[dict[str, Any]]:
    """The national targets for the whole period (no year) against what the published projects achieved."""
    rows = list(Target.objects.select_related("direction").filter(year__isnull=True)
            .order_by("metric", "direction__order"))
    visible = Project.objects.filter(status__in=PUBLIC_STATUSES).order_by().values("pk")
    totals: dict[tuple[int | None, str], Decimal] = defaultdict(Decimal)
    for row in _yearly_achievement(visible):
        for metric, value in row.items():
            if metric in ("year", "project__direction"):
                continue
            totals[row["project__direction"], metric] += Decimal(value or 0)
            totals[None, metric] += Decimal(value or 0)
    result = []
    for target in rows:
        achieved = totals.get((target.direction_id, target.metric), Decimal("0")).quantize(Decimal("0.01"))
        percent = _percent(achieved, target.value)
        result.append({"metric": target.get_metric_display(), "direction": target.direction.name if target.direction else "",
                       "target": target.value, "achieved": achieved, "percent": percent,
                       "bar": min(percent or 0, 100)})
    return result


def financing_totals() -> dict[str, Any]:
    """Approved financing of published projects: count and amount, overall and per channel."""
    base = FinancingApplication.objects.filter(status__in=APPROVED_STATUSES, project__status__in=PUBLIC_STATUSES)
    by_channel = list(base.values("channel__code", "channel__name_ru", "channel__name_kk", "channel__name_en")
                      .annotate(count=Count("pk"), amount=Sum("amount_requested")).order_by("channel__code"))
    from django.utils.translation import get_language
    language = (get_language() or "ru")[:2]
    channels = [{"name": row.get(f"channel__name_{language}") or row["channel__name_ru"], "count": row["count"],
                 "amount": row["amount"]} for row in by_channel]
    return {"count": sum(row["count"] for row in channels),
            "amount": sum((row["amount"] or Decimal("0") for row in channels), Decimal("0")), "channels": channels}


def region_rows() -> list[dict[str, Any]]:
    """Every region with its rating, rank, wear zone, priority, published projects and their cost."""
    scores = {score.region.pk: score for score in compute_rating()}
    figures = region_figures()
    counts = {row["region"]: row for row in Project.objects.filter(status__in=PUBLIC_STATUSES).values("region")
              .annotate(count=Count("pk"), total=Coalesce(Sum("cost_estimate"), Value(Decimal("0")))).order_by()}
    rows = []
    for region in Region.objects.order_by("kato"):
        score = scores.get(region.pk)
        own = figures.get(region.pk, {})
        count = counts.get(region.pk, {})
        rows.append({"region": region, "kato": region.kato, "name": region.name,
                     "index": score.index if score and score.projects else None, "rank": score.rank if score else None,
                     "rank_change": score.rank_change if score else None,
                     "zone": own.get("zone"), "zone_label": own.get("zone_label"), "wear": own.get("wear"),
                     "priority_rank": own.get("priority_rank"),
                     "projects": count.get("count", 0), "investment": count.get("total", Decimal("0"))})
    return rows


def region_get(*, kato: str) -> Region:
    try:
        return Region.objects.get(kato=kato)
    except (Region.DoesNotExist, ValueError) as error:
        raise Http404 from error


def direction_list() -> QuerySet[Direction]:
    return Direction.objects.order_by("order", "code")


# --- procurement ---------------------------------------------------------------------------------------------
# Public tenders are those past their draft (``PUBLIC_TENDER_STATUSES``). Only what a tender announces is shown:
# never a bid (sealed until its deadline; the portal shows no bid at all), never who asked a question.

#: The tender list's "open" filter: tenders accepting bids.
OPEN_TENDERS = "open"


def public_tender_list(*, status: str = "") -> QuerySet[Tender]:
    """Public tenders, newest publication first, each with its project, region, customer and number of lots."""
    queryset = (Tender.objects.filter(status__in=PUBLIC_TENDER_STATUSES)
                .select_related("project__region", "customer").annotate(lot_count=Count("lots")))
    if status == OPEN_TENDERS:
        queryset = queryset.filter(status=TenderStatus.PUBLISHED)
    elif status in PUBLIC_TENDER_STATUSES:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-published_at", "-pk")


def public_tender_get(*, number: str) -> Tender:
    """A public tender by its number, or 404 (a draft is not found either)."""
    try:
        return (Tender.objects.filter(status__in=PUBLIC_TENDER_STATUSES)
                .select_related("project__region", "customer").get(number=number))
    except Tender.DoesNotExist as error:
        raise Http404 from error


def tender_lots(tender: Tender) -> list[Lot]:
    """The tender's lots with the winner of each awarded one (two queries)."""
    live = Award.objects.filter(status__in=(AwardStatus.PENDING, AwardStatus.SIGNED)).select_related("contractor")
    return list(Lot.objects.filter(tender=tender).prefetch_related(Prefetch("awards", queryset=live,
                                                                            to_attr="live_awards"))
                .order_by("number"))


def tender_questions(tender: Tender) -> list[Question]:
    """The tender's clarification questions and answers, oldest first; who asked and who answered are left out."""
    return list(Question.objects.filter(tender=tender).select_related("lot")
                .only("text", "asked_at", "answer", "answered_at", "lot__number", "tender_id")
                .order_by("asked_at", "pk"))


def project_contracts(project: Project) -> list[Contract]:
    """The project's contracts: number, contractor (an organization), value, period and status."""
    return list(Contract.objects.filter(project=project).select_related("contractor", "lot", "tender")
                .only("number", "value", "signed_value", "start_date", "end_date", "status", "signed_at",
                      "contractor__name_ru", "contractor__name_kk", "contractor__name_en", "contractor__bin",
                      "lot__number", "tender__number", "tender__status")
                .order_by("signed_at", "pk"))


def project_tenders(project: Project) -> list[Tender]:
    """The project's public tenders."""
    return list(Tender.objects.filter(project=project, status__in=PUBLIC_TENDER_STATUSES)
                .only("number", "title_ru", "title_kk", "title_en", "status", "published_at", "bid_deadline",
                      "project_id").order_by("published_at", "pk"))
