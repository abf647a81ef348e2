"""Reads of indicators and regional analytics, for a user.

Who sees what: the roles of ``ANALYTICS_ROLES`` (the project office, ministries, the technical operator,
akimats, the financial operator, banks and the housing company, who decide or finance by these figures) see
the catalogue and the analyses (the monotown assessment, wear zoning, funding priority, tax incentives:
they compare territories and are published); indicator values and village profiles are scoped by region
(an akimat sees its region's). Other users see nothing. ``user=None`` is the system (other domains'
computations, periodic jobs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.http import Http404

from meks.core.access import Role, get_visible_or_404, scope_of
from meks.territory.models import Region, Settlement

from .assessment import (
    DEFAULT_DOMAIN_WEIGHTS,
    AssessmentResult,
    ExitCheck,
    GroupChange,
    IndicatorSpec,
    TownScore,
    check_exit,
    compute_assessment,
    group_changes,
)
from .choices import Aggregation, PeriodType, TerritoryLevel
from .incentives import FACT_INDICATOR, PLAN_INDICATOR, IncentiveReport, build_report
from .models import AnalyticsWeight, IncentivePool, Indicator, IndicatorValue, VillageInfrastructurePlan, VillageProfile
from .periods import Period
from .priority import DEFAULT_PRIORITY_WEIGHTS, RegionPriority, priority_score, rank_key, share
from .villages import VillageScreen, screen
from .zoning import NETWORK_INDICATORS, REPLACEMENT_INDICATOR, ZONE_INDICATOR, RegionWear, zone_for, zone_thresholds

#: Default incentive pool share cap when no pool is stored for the year.
DEFAULT_CAP_SHARE = Decimal("0.25")


#: Roles that see indicators and the analyses built on them.
ANALYTICS_ROLES = (Role.PROJECT_OFFICE, Role.MINISTRY, Role.TECHNICAL_OPERATOR, Role.AKIMAT,
                   Role.FINANCIAL_OPERATOR, Role.BANK, Role.HOUSING_COMPANY)


def can_view_analytics(user: Any) -> bool:
    """True for the system (``None``) and for a user holding one of ``ANALYTICS_ROLES``."""
    return user is None or scope_of(user).has_role(*ANALYTICS_ROLES)


def _allowed(user: Any) -> bool:
    return can_view_analytics(user)


def _region_filter(user: Any, lookup: str) -> Q:
    return scope_of(user).region_filter(lookup, *ANALYTICS_ROLES)


# --- Catalogue and values ------------------------------------------------------------------------------------


def indicator_list(*, user: Any, domain: str | None = None, monotown_only: bool = False) -> QuerySet[Indicator]:
    """The indicator catalogue, in its order (empty for a user without a role)."""
    if not _allowed(user):
        return Indicator.objects.none()
    queryset = Indicator.objects.all()
    if domain:
        queryset = queryset.filter(domain=domain)
    if monotown_only:
        queryset = queryset.filter(in_monotown_set=True)
    return queryset


def indicator_get(*, user: Any, code: str) -> Indicator:
    return get_visible_or_404(indicator_list(user=user), code=code)


def indicator_value_list(
    *, user: Any, indicator: Indicator | str | None = None, period_type: str | None = None, year: int | None = None,
    region: Region | None = None, level: str | None = None,
) -> QuerySet[IndicatorValue]:
    """Indicator values of the regions the user covers, filtered as asked."""
    if user is None:
        queryset = IndicatorValue.objects.all()
    else:
        queryset = IndicatorValue.objects.filter(_region_filter(user, "region_id"))
    if isinstance(indicator, str):
        queryset = queryset.filter(indicator__code=indicator)
    elif indicator is not None:
        queryset = queryset.filter(indicator=indicator)
    if period_type:
        queryset = queryset.filter(period_type=period_type)
    if year:
        queryset = queryset.filter(period_start__year=year)
    if region is not None:
        queryset = queryset.filter(region=region)
    if level:
        queryset = queryset.filter(level=level)
    return queryset.select_related("indicator", "region", "district", "settlement")


def indicator_rollup(*, user: Any, indicator: Indicator, period: Period, from_level: str = TerritoryLevel.SETTLEMENT
                     ) -> dict[int, Decimal]:
    """The indicator's values of ``from_level`` added up per region in SQL, by the indicator's aggregation.

    Sum adds, average takes the mean, population-weighted average weighs each settlement by its population
    (settlements without a population are left out). ``none`` gives nothing.
    """
    if indicator.aggregation == Aggregation.NONE:
        return {}
    rows = indicator_value_list(user=user, indicator=indicator, level=from_level).filter(
        period_type=period.period_type, period_start=period.start).order_by().values("region_id")
    if indicator.aggregation == Aggregation.SUM:
        rows = rows.annotate(total=Sum("value"))
    elif indicator.aggregation == Aggregation.AVERAGE:
        rows = rows.annotate(total=Avg("value"))
    else:
        rows = rows.filter(settlement__population__gt=0).annotate(
            weighted=Sum(F("value") * F("settlement__population")), people=Sum("settlement__population"))
    result = {}
    for row in rows:
        total = row["weighted"] / row["people"] if "weighted" in row else row["total"]
        result[row["region_id"]] = Decimal(total).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return result


def _year_values(codes: list[str], year: int, *, level: str, unit_ids: list[int] | None = None
                 ) -> dict[int, dict[str, Decimal]]:
    """{territory id: {code: value}} of yearly values of ``codes`` at ``level``; one query."""
    field_name = f"{level}_id"
    queryset = IndicatorValue.objects.filter(
        indicator__code__in=codes, level=level, period_type=PeriodType.YEAR, period_start__year=year)
    if unit_ids is not None:
        queryset = queryset.filter(**{f"{field_name}__in": unit_ids})
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for unit_id, code, value in queryset.values_list(field_name, "indicator__code", "value"):
        result[unit_id][code] = value
    return result


# --- Monotown assessment -------------------------------------------------------------------------------------


def current_domain_weights() -> dict[str, Decimal]:
    """The domain weights in force: those stored by the project office, the defaults for the rest."""
    weights = dict(DEFAULT_DOMAIN_WEIGHTS)
    weights.update({row.key: row.weight for row in AnalyticsWeight.objects.filter(
        scheme=AnalyticsWeight.Scheme.MONOTOWN_DOMAIN, key__in=DEFAULT_DOMAIN_WEIGHTS)})
    return weights


def monotown_specs() -> dict[str, IndicatorSpec]:
    """The 78 indicators as the assessment needs them."""
    return {
        indicator.code: IndicatorSpec(indicator.code, indicator.domain, indicator.direction, indicator.weight)
        for indicator in Indicator.objects.filter(in_monotown_set=True)
    }


@dataclass
class MonotownAssessment:
    """A monotown's assessment in a year, with the previous year's for the movement."""

    settlement: Settlement
    score: TownScore
    previous: TownScore | None = None

    @property
    def settlement_id(self) -> int:
        return self.settlement.pk

    @property
    def index(self) -> Decimal | None:
        return self.score.index

    @property
    def group(self) -> int | None:
        return self.score.group

    @property
    def rank(self) -> int | None:
        return self.score.rank

    @property
    def sub_indices(self) -> dict[str, Decimal | None]:
        return self.score.sub_indices

    @property
    def index_change(self) -> Decimal | None:
        if self.previous is None or self.previous.index is None or self.score.index is None:
            return None
        return self.score.index - self.previous.index

    @property
    def previous_group(self) -> int | None:
        return None if self.previous is None else self.previous.group

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous year (positive = moved up)."""
        if self.previous is None or self.previous.rank is None or self.score.rank is None:
            return None
        return self.previous.rank - self.score.rank


@dataclass
class MonotownReport:
    """The assessment of all monotowns for a year."""

    year: int
    towns: list[MonotownAssessment]
    result: AssessmentResult
    previous_result: AssessmentResult | None = None

    def get(self, settlement_id: int) -> MonotownAssessment | None:
        return next((town for town in self.towns if town.settlement.pk == settlement_id), None)


def monotown_list(*, user: Any) -> QuerySet[Settlement]:
    """The monotowns (settlements marked as such), by KATO."""
    if not _allowed(user):
        return Settlement.objects.none()
    return Settlement.objects.filter(is_monotown=True).select_related("region").order_by("kato")


def monotown_years(*, user: Any) -> list[int]:
    """Years with values of the monotown indicators, newest first."""
    if not _allowed(user):
        return []
    dates = (IndicatorValue.objects.filter(indicator__in_monotown_set=True, level=TerritoryLevel.SETTLEMENT,
                                           period_type=PeriodType.YEAR, settlement__is_monotown=True)
             .order_by().values_list("period_start", flat=True).distinct())
    return sorted({date.year for date in dates}, reverse=True)


def _assess(year: int, towns: list[Settlement], specs: dict[str, IndicatorSpec],
            weights: dict[str, Decimal]) -> AssessmentResult:
    values = _year_values(list(specs), year, level=TerritoryLevel.SETTLEMENT, unit_ids=[town.pk for town in towns])
    return compute_assessment({town.pk: values.get(town.pk, {}) for town in towns if town.pk in values}, specs,
                              weights)


def monotown_assessment(*, user: Any, year: int, weights: dict[str, Any] | None = None) -> MonotownReport:
    """Every monotown's index, sub-indices, group, explanation and movement since the previous year.

    ``weights`` ({domain: weight}) replaces the domain weights in force for this computation only ("what if");
    the previous year is assessed with the same weights, so that the movement is not an artefact of a change
    of weights.
    """
    towns = list(monotown_list(user=user))
    specs = monotown_specs()
    domain_weights = {**current_domain_weights(), **{k: Decimal(str(v)) for k, v in (weights or {}).items()}}
    result = _assess(year, towns, specs, domain_weights)
    previous = _assess(year - 1, towns, specs, domain_weights) if towns else None
    previous_by_key = previous.by_key() if previous else {}
    by_id = {town.pk: town for town in towns}
    rows = [MonotownAssessment(by_id[score.key], score, previous_by_key.get(score.key)) for score in result.towns]
    return MonotownReport(year=year, towns=rows, result=result, previous_result=previous)


def monotown_get(*, user: Any, settlement_id: int, year: int) -> MonotownAssessment:
    """One monotown's assessment (404 when it is not a monotown, has no data for the year, or is not visible)."""
    report = monotown_assessment(user=user, year=year)
    town = report.get(settlement_id)
    if town is None:
        raise Http404
    return town


@dataclass
class IndicatorLine:
    """One indicator of a town's page: the value, its score and the towns' spread it was normalised on."""

    indicator: Indicator
    value: Decimal | None
    score: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    mean: Decimal | None


def monotown_indicator_lines(*, report: MonotownReport, settlement_id: int) -> list[IndicatorLine]:
    """The 78 indicators of one town in the report's year, in catalogue order, with their normalisation."""
    town = report.get(settlement_id)
    if town is None:
        raise Http404
    lines = []
    for indicator in Indicator.objects.filter(in_monotown_set=True):
        stats = report.result.stats.get(indicator.code)
        lines.append(IndicatorLine(
            indicator=indicator, value=town.score.values.get(indicator.code),
            score=town.score.scores.get(indicator.code),
            minimum=stats.minimum if stats else None, maximum=stats.maximum if stats else None,
            mean=stats.mean if stats else None,
        ))
    return lines


@dataclass
class WhatIf:
    """The assessment with the weights in force and with trial weights, and the towns that change group."""

    baseline: MonotownReport
    scenario: MonotownReport
    weights: dict[str, Decimal]
    changes: list[tuple[Settlement, GroupChange]] = field(default_factory=list)


def monotown_what_if(*, user: Any, year: int, weights: dict[str, Any]) -> WhatIf:
    """Recompute the year's assessment with trial domain weights (nothing is saved) and list group changes."""
    unknown = set(weights) - set(DEFAULT_DOMAIN_WEIGHTS)
    if unknown:
        raise ValueError(f"unknown domains: {sorted(unknown)}")
    baseline = monotown_assessment(user=user, year=year)
    scenario = monotown_assessment(user=user, year=year, weights=weights)
    by_id = {town.settlement.pk: town.settlement for town in baseline.towns}
    changes = [(by_id[change.key], change) for change in group_changes(baseline.result, scenario.result)]
    return WhatIf(baseline=baseline, scenario=scenario, weights=scenario.result.domain_weights, changes=changes)


def monotown_exit_checks(*, user: Any, year: int) -> list[tuple[Settlement, ExitCheck]]:
    """The criteria for leaving monotown status checked for every town with figures in ``year``.

    Current monotowns, and former ones such as Saran whose figures are still recorded.
    """
    if not _allowed(user):
        return []
    from .assessment import EXIT_CRITERIA

    codes = [criterion.code for criterion in EXIT_CRITERIA]
    values = _year_values(codes, year, level=TerritoryLevel.SETTLEMENT)
    towns = Settlement.objects.filter(pk__in=list(values)).select_related("region").order_by("-is_monotown", "kato")
    return [(town, check_exit(town.pk, year, values[town.pk])) for town in towns]


def monotown_exit_check(*, user: Any, settlement_id: int, year: int) -> tuple[Settlement, ExitCheck]:
    for town, check in monotown_exit_checks(user=user, year=year):
        if town.pk == settlement_id:
            return town, check
    raise Http404


# --- Wear zoning and funding priority ------------------------------------------------------------------------


def wear_years(*, user: Any = None) -> list[int]:
    """Years with regional wear figures, newest first."""
    if not _allowed(user):
        return []
    dates = (IndicatorValue.objects.filter(indicator__code=ZONE_INDICATOR, level=TerritoryLevel.REGION,
                                           period_type=PeriodType.YEAR)
             .order_by().values_list("period_start", flat=True).distinct())
    return sorted({date.year for date in dates}, reverse=True)


def wear_zoning(*, user: Any = None, year: int | None = None) -> list[RegionWear]:
    """Every region's wear (overall and by network), share needing replacement and zone, by KATO.

    ``year`` defaults to the latest year with wear figures.
    """
    if not _allowed(user):
        return []
    if year is None:
        years = wear_years(user=user)
        year = years[0] if years else None
    codes = [ZONE_INDICATOR, REPLACEMENT_INDICATOR, *NETWORK_INDICATORS.values()]
    values = _year_values(codes, year, level=TerritoryLevel.REGION) if year else {}
    thresholds = zone_thresholds()
    result = []
    for region in Region.objects.order_by("kato"):
        figures = values.get(region.pk, {})
        wear = figures.get(ZONE_INDICATOR)
        result.append(RegionWear(
            region=region, year=year, wear=wear,
            by_network={network: figures.get(code) for network, code in NETWORK_INDICATORS.items()},
            replacement_share=figures.get(REPLACEMENT_INDICATOR), zone=zone_for(wear, thresholds),
        ))
    return result


def current_priority_weights() -> dict[str, Decimal]:
    """The funding priority weights in force: those stored by the project office, the defaults for the rest."""
    weights = dict(DEFAULT_PRIORITY_WEIGHTS)
    weights.update({row.key: row.weight for row in AnalyticsWeight.objects.filter(
        scheme=AnalyticsWeight.Scheme.FUNDING_PRIORITY, key__in=DEFAULT_PRIORITY_WEIGHTS)})
    return weights


def region_readiness_shares() -> dict[int, Decimal]:
    """Per region, the share of the readiness conditions met by its pipeline projects (one query)."""
    from meks.portfolio.choices import PIPELINE_STATUSES
    from meks.portfolio.models import Project
    from meks.portfolio.readiness import READINESS_FIELDS, readiness_count_expression

    rows = (Project.objects.filter(status__in=PIPELINE_STATUSES).annotate(readiness_count=readiness_count_expression())
            .order_by().values("region").annotate(met=Sum("readiness_count"), total=Count("pk")))
    return {row["region"]: share(row["met"], row["total"] * len(READINESS_FIELDS)) for row in rows}


def funding_priority(*, user: Any = None, year: int | None = None,
                     weights: dict[str, Any] | None = None) -> list[RegionPriority]:
    """The regions in funding priority order: red zone first, then by score (see ``priority.py``)."""
    if not _allowed(user):
        return []
    zoning = wear_zoning(user=user, year=year)
    weights = {**current_priority_weights(), **{k: Decimal(str(v)) for k, v in (weights or {}).items()}}
    readiness = region_readiness_shares()
    affected = {
        item.region.pk: int(Decimal(item.region.population or 0) * item.wear / 100) if item.wear is not None else 0
        for item in zoning
    }
    most_affected = max(affected.values(), default=0)
    rows = []
    for item in zoning:
        components = {
            "wear": share(item.wear),
            "people": share(Decimal(affected[item.region.pk]), Decimal(most_affected)),
            "replacement": share(item.replacement_share),
            "readiness": readiness.get(item.region.pk, Decimal("0.0000")),
        }
        score, contributions = priority_score(components, weights)
        rows.append(RegionPriority(region_id=item.region.pk, region=item.region, rank=0, score=score, zone=item.zone,
                                   components=components, contributions=contributions, wear=item.wear,
                                   people_affected=affected[item.region.pk]))
    rows.sort(key=lambda row: rank_key(row.zone, row.score, row.region.kato))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return rows


def funding_priority_by_region() -> dict[int, RegionPriority]:
    """The funding priority keyed by region id (for other domains' sorting)."""
    return {row.region_id: row for row in funding_priority()}


def region_figures_for_portfolio() -> dict[int, dict[str, Any]]:
    """What the portfolio shows of each region: zone and priority (registered in ``meks.core.region_figures``)."""
    return {
        row.region_id: {"zone": row.zone, "zone_label": row.zone_label, "priority_rank": row.rank,
                        "priority_score": row.score, "wear": row.wear}
        for row in funding_priority()
    }


# --- Tax incentives ------------------------------------------------------------------------------------------


def tax_years(*, user: Any = None) -> list[int]:
    """Years with tax revenue facts, newest first."""
    if not _allowed(user):
        return []
    dates = (IndicatorValue.objects.filter(indicator__code=FACT_INDICATOR, level=TerritoryLevel.REGION,
                                           period_type=PeriodType.YEAR)
             .order_by().values_list("period_start", flat=True).distinct())
    return sorted({date.year for date in dates}, reverse=True)


def tax_incentives(*, user: Any, year: int, pool: Any = None, cap_share: Any = None) -> IncentiveReport:
    """Each region's tax plan and fact, overperformance and proposed reward from the year's pool.

    ``pool`` and ``cap_share`` override the stored pool of the year (a trial; nothing is saved); without a
    stored pool and without ``pool`` the pool is 0 and no reward is proposed.
    """
    stored = IncentivePool.objects.filter(year=year).first()
    pool_amount = Decimal(str(pool)) if pool is not None else (stored.amount if stored else Decimal("0"))
    cap = Decimal(str(cap_share)) if cap_share is not None else (stored.cap_share if stored else DEFAULT_CAP_SHARE)
    if not _allowed(user):
        return IncentiveReport(year=year, pool=pool_amount, cap_share=cap)
    values = _year_values([PLAN_INDICATOR, FACT_INDICATOR], year, level=TerritoryLevel.REGION)
    figures = {
        region: (values.get(region.pk, {}).get(PLAN_INDICATOR), values.get(region.pk, {}).get(FACT_INDICATOR))
        for region in Region.objects.order_by("kato")
    }
    return build_report(year, figures, pool_amount, cap)


# --- Villages ------------------------------------------------------------------------------------------------


def village_screening(*, user: Any, region: Region | None = None, specialization: str | None = None,
                      status: str | None = None) -> list[VillageScreen]:
    """Villages of the regions the user covers, screened for their specialization (three queries)."""
    if user is None:
        villages = Settlement.objects.filter(kind="village")
    else:
        villages = Settlement.objects.filter(_region_filter(user, "region_id"), kind="village")
    if region is not None:
        villages = villages.filter(region=region)
    if specialization:
        villages = villages.filter(village_specialization=specialization)
    villages = list(villages.select_related("region").order_by("region__kato", "kato"))
    profiles = {profile.settlement_id: profile for profile in
                VillageProfile.objects.filter(settlement__in=[village.pk for village in villages])}
    plans = defaultdict(list)
    for plan in VillageInfrastructurePlan.objects.filter(profile__in=list(profiles.values())):
        plans[plan.profile_id].append(plan)
    screens = []
    for village in villages:
        profile = profiles.get(village.pk)
        result = screen(village, profile, plans.get(profile.pk, []) if profile else [])
        if status and result.status != status:
            continue
        screens.append(result)
    return screens


def village_profile_get(*, user: Any, settlement_id: int) -> VillageProfile:
    """A village's profile, if the user covers its region (404 otherwise)."""
    queryset = VillageProfile.objects.select_related("settlement", "settlement__region")
    if user is not None:
        queryset = queryset.filter(_region_filter(user, "settlement__region_id"))
    return get_visible_or_404(queryset, settlement_id=settlement_id)


def village_summary(*, user: Any) -> list[dict[str, Any]]:
    """Per region: villages screened, by status (for a screening overview)."""
    rows: dict[int, dict[str, Any]] = {}
    for item in village_screening(user=user):
        region = item.settlement.region
        row = rows.setdefault(region.pk, {"region": region, "villages": 0, "ready": 0, "planned": 0, "gaps": 0,
                                          "not_screened": 0})
        row["villages"] += 1
        row[item.status] += 1
    return [rows[key] for key in sorted(rows, key=lambda pk: rows[pk]["region"].kato)]

