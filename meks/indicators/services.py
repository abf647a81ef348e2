"""Writes of indicators and regional analytics: each checks who acts, validates, saves and records history.

Who may write: the project office everything; an akimat the values and village profiles of its region;
weights, wear-zone thresholds and incentive pools only the project office. ``actor=None`` is the system
(reference loads and the demo).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from meks.core.access import Role, scope_of
from meks.core.audit import audited_create, versioned_save
from meks.core.errors import ServiceError
from meks.territory.models import Settlement

from .choices import UNIT_RULES, InfrastructureKind, TerritoryLevel, ValueOrigin, Zone
from .models import (
    AnalyticsWeight,
    IncentivePool,
    Indicator,
    IndicatorValue,
    ValueImport,
    VillageInfrastructurePlan,
    VillageProfile,
    WearZoneThreshold,
)
from .periods import Period, period_range_error
from .territories import Territory

#: Indicators that hold plans: they may be recorded for the coming year too.
PLANNING_INDICATORS = frozenset({"bud_tax_revenue_plan"})
#: Decimal places a value keeps.
VALUE_PLACES = Decimal("0.0001")


def _forbidden(message: str) -> ServiceError:
    return ServiceError(message, code="forbidden")


def can_manage_analytics(user: Any) -> bool:
    """The project office sets weights, thresholds and pools."""
    return scope_of(user).has_role(Role.PROJECT_OFFICE)


def can_edit_region(user: Any, region_id: int) -> bool:
    """The project office for any region, an akimat for its own."""
    scope = scope_of(user)
    return scope.has_role(Role.PROJECT_OFFICE) or scope.covers_region(region_id, Role.AKIMAT)


def value_problem(indicator: Indicator, raw: Any) -> tuple[Decimal | None, str | None]:
    """Read ``raw`` as a value of ``indicator``: (the value, None), or (None, why it is refused)."""
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, _("A number is required.")
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    if isinstance(raw, str):
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": raw}
    if not value.is_finite():
        return None, _("“%(value)s” is not a number.") % {"value": raw}
    # By the exponent, before any arithmetic: abs() of "1e999999999" overflows the decimal context.
    if value and value.adjusted() >= 16:
        return None, _("The value is too large.")
    rule = UNIT_RULES[indicator.unit]
    unit = indicator.get_unit_display()
    if rule.integer and value != value.to_integral_value():
        return None, _("%(unit)s are counted in whole numbers.") % {"unit": unit}
    if rule.minimum is not None and value < rule.minimum:
        return None, _("A value in %(unit)s cannot be below %(min)s.") % {"unit": unit, "min": rule.minimum}
    if rule.maximum is not None and value > rule.maximum:
        return None, _("A value in %(unit)s cannot be above %(max)s.") % {"unit": unit, "max": rule.maximum}
    return value.quantize(VALUE_PLACES), None


def period_problem(indicator: Indicator, period: Period) -> str | None:
    """Why values of ``indicator`` cannot be recorded for ``period``, or None."""
    return period_range_error(period, planning=indicator.code in PLANNING_INDICATORS)


@dataclass(frozen=True)
class ValueEntry:
    """One value to record: indicator, territory, period and the value (already validated)."""

    indicator: Indicator
    territory: Territory
    period: Period
    value: Decimal

    @property
    def key(self) -> tuple:
        return (self.indicator.pk, *self.territory.key, self.period.period_type, self.period.start)


def _value_key(row: IndicatorValue) -> tuple:
    unit_id = {TerritoryLevel.REGION: row.region_id, TerritoryLevel.DISTRICT: row.district_id,
               TerritoryLevel.SETTLEMENT: row.settlement_id}[row.level]
    return row.indicator_id, row.level, unit_id, row.period_type, row.period_start


def indicator_values_write(
    *, actor: Any, entries: Sequence[ValueEntry], origin: str = ValueOrigin.ENTERED,
    source_import: ValueImport | None = None, reason: str = "",
) -> tuple[int, int]:
    """Record many values at once: new ones created, changed ones updated, equal ones left alone.

    Every value must already have passed ``value_problem`` and ``period_problem``; the actor must be
    allowed to edit every region concerned, or nothing is written. Returns (created, updated).
    """
    if actor is not None:
        refused = sorted({entry.territory.region.name for entry in entries
                          if not can_edit_region(actor, entry.territory.region.pk)})
        if refused:
            raise _forbidden(_("You may not record indicator values for: %(regions)s.")
                             % {"regions": ", ".join(refused)})
    keys = [entry.key for entry in entries]
    if len(set(keys)) != len(keys):
        raise ServiceError(_("The same indicator, territory and period is given more than once."), code="duplicate")
    history_user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        existing = {}
        indicator_ids = {entry.indicator.pk for entry in entries}
        starts = {entry.period.start for entry in entries}
        if entries:
            for row in IndicatorValue.objects.select_for_update().filter(
                    indicator_id__in=indicator_ids, period_start__in=starts):
                existing[_value_key(row)] = row
        to_create, to_update = [], []
        for entry in entries:
            row = existing.get(entry.key)
            if row is None:
                to_create.append(IndicatorValue(
                    indicator=entry.indicator, period_type=entry.period.period_type, period_start=entry.period.start,
                    value=entry.value, origin=origin, source_import=source_import,
                    **entry.territory.value_fields(),
                ))
            elif row.value != entry.value:
                row.value = entry.value
                row.origin = origin
                row.source_import = source_import
                row.version += 1
                to_update.append(row)
        if to_create:
            bulk_create_with_history(to_create, IndicatorValue, batch_size=500, default_user=history_user,
                                     default_change_reason=reason)
        if to_update:
            bulk_update_with_history(to_update, IndicatorValue, ["value", "origin", "source_import", "version",
                                                                 "updated_at"],
                                     batch_size=500, default_user=history_user, default_change_reason=reason)
    return len(to_create), len(to_update)


def indicator_value_set(
    *, actor: Any, indicator: Indicator, territory: Territory, period: Period, value: Any,
    expected_version: int | None = None, reason: str = "",
) -> IndicatorValue:
    """Enter one value by hand; a stale ``expected_version`` of an existing value is refused."""
    if actor is not None and not can_edit_region(actor, territory.region.pk):
        raise _forbidden(_("You may not record indicator values for this region."))
    number, problem = value_problem(indicator, value)
    if problem:
        raise ServiceError(problem, code="invalid_value")
    problem = period_problem(indicator, period)
    if problem:
        raise ServiceError(problem, code="period_out_of_range")
    with transaction.atomic():
        lookup = {"indicator": indicator, "period_type": period.period_type, "period_start": period.start,
                  "level": territory.level, f"{territory.level}": territory.unit}
        row = IndicatorValue.objects.select_for_update().filter(**lookup).first()
        if row is None:
            row = IndicatorValue(indicator=indicator, period_type=period.period_type, period_start=period.start,
                                 value=number, origin=ValueOrigin.ENTERED, **territory.value_fields())
            return audited_create(row, actor=actor, reason=reason)
        row.value = number
        row.origin = ValueOrigin.ENTERED
        row.source_import = None
        return versioned_save(row, actor=actor, update_fields=["value", "origin", "source_import"],
                              expected_version=expected_version, reason=reason)


def analytics_weight_set(*, actor: Any, scheme: str, key: str, weight: Any, reason: str = "") -> AnalyticsWeight:
    """Set a monotown domain weight or a funding priority component weight (project office only)."""
    from .assessment import DEFAULT_DOMAIN_WEIGHTS
    from .priority import DEFAULT_PRIORITY_WEIGHTS

    if actor is not None and not can_manage_analytics(actor):
        raise _forbidden(_("Only the project office sets analytics weights."))
    known = {AnalyticsWeight.Scheme.MONOTOWN_DOMAIN: DEFAULT_DOMAIN_WEIGHTS,
             AnalyticsWeight.Scheme.FUNDING_PRIORITY: DEFAULT_PRIORITY_WEIGHTS}.get(scheme)
    if known is None or key not in known:
        raise ServiceError(_("Unknown weight “%(key)s”.") % {"key": key}, code="unknown_weight")
    with transaction.atomic():
        row = AnalyticsWeight.objects.select_for_update().filter(scheme=scheme, key=key).first()
        if row is None:
            return audited_create(AnalyticsWeight(scheme=scheme, key=key, weight=weight), actor=actor, reason=reason)
        row.weight = weight
        return versioned_save(row, actor=actor, update_fields=["weight"], reason=reason)


def monotown_weights_set(*, actor: Any, weights: dict[str, Any], reason: str = "") -> dict[str, Decimal]:
    """Save several monotown domain weights at once, all or none (project office only); returns those in force."""
    from .assessment import DEFAULT_DOMAIN_WEIGHTS
    from .selectors import current_domain_weights

    if actor is not None and not can_manage_analytics(actor):
        raise _forbidden(_("Only the project office sets analytics weights."))
    unknown = sorted(set(weights) - set(DEFAULT_DOMAIN_WEIGHTS))
    if unknown:
        raise ServiceError(_("Unknown weight “%(key)s”.") % {"key": ", ".join(unknown)}, code="unknown_weight")
    parsed = {}
    for key, value in weights.items():
        try:
            parsed[key] = Decimal(str(value))
        except InvalidOperation:
            raise ServiceError(_("“%(value)s” is not a number.") % {"value": value}, code="invalid_value") from None
        if not parsed[key].is_finite() or parsed[key] < 0 or parsed[key] > 100:
            raise ServiceError(_("A weight lies between 0 and 100."), code="invalid_value")
    if parsed and not any(parsed.get(key, current) for key, current in current_domain_weights().items()):
        raise ServiceError(_("At least one domain must keep a weight above zero."), code="all_zero")
    with transaction.atomic():
        for key, value in parsed.items():
            analytics_weight_set(actor=actor, scheme=AnalyticsWeight.Scheme.MONOTOWN_DOMAIN, key=key, weight=value,
                                 reason=reason)
    return current_domain_weights()


def wear_threshold_set(*, actor: Any, zone: str, above_percent: Any, reason: str = "") -> WearZoneThreshold:
    """Set the wear above which a region is in the red or yellow zone; red must stay above yellow."""
    from .zoning import zone_thresholds

    if actor is not None and not can_manage_analytics(actor):
        raise _forbidden(_("Only the project office sets the wear zone thresholds."))
    if zone not in (Zone.RED, Zone.YELLOW):
        raise ServiceError(_("Thresholds are set for the red and yellow zones."), code="unknown_zone")
    above = Decimal(str(above_percent))
    thresholds = zone_thresholds()
    thresholds[zone] = above
    if thresholds[Zone.RED] <= thresholds[Zone.YELLOW]:
        raise ServiceError(_("The red zone threshold must be above the yellow one."), code="threshold_order")
    with transaction.atomic():
        row = WearZoneThreshold.objects.select_for_update().filter(zone=zone).first()
        if row is None:
            return audited_create(WearZoneThreshold(zone=zone, above_percent=above), actor=actor, reason=reason)
        row.above_percent = above
        return versioned_save(row, actor=actor, update_fields=["above_percent"], reason=reason)


def incentive_pool_set(*, actor: Any, year: int, amount: Any, cap_share: Any = None, reason: str = "") -> IncentivePool:
    """Set the incentive pool of a year (million tenge) and the largest share one region may get."""
    if actor is not None and not can_manage_analytics(actor):
        raise _forbidden(_("Only the project office sets incentive pools."))
    with transaction.atomic():
        row = IncentivePool.objects.select_for_update().filter(year=year).first()
        if row is None:
            fields = {"year": year, "amount": amount}
            if cap_share is not None:
                fields["cap_share"] = cap_share
            return audited_create(IncentivePool(**fields), actor=actor, reason=reason)
        row.amount = amount
        if cap_share is not None:
            row.cap_share = cap_share
        return versioned_save(row, actor=actor, update_fields=["amount", "cap_share"], reason=reason)


PROFILE_FIELDS = tuple(kind.value for kind in InfrastructureKind)


def village_profile_save(
    *, actor: Any, settlement: Settlement, expected_version: int | None = None, reason: str = "", **states: str,
) -> VillageProfile:
    """Record or update a village's infrastructure states (water, heat, power, roads, internet, note)."""
    if actor is not None and not can_edit_region(actor, settlement.region_id):
        raise _forbidden(_("You may not edit village profiles of this region."))
    if settlement.kind != "village":
        raise ServiceError(_("Only a village has a screening profile."), code="not_a_village")
    unknown = set(states) - {*PROFILE_FIELDS, "note"}
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        profile = VillageProfile.objects.select_for_update().filter(settlement=settlement).first()
        if profile is None:
            return audited_create(VillageProfile(settlement=settlement, **states), actor=actor, reason=reason)
        changed = [name for name, value in states.items() if getattr(profile, name) != value]
        if not changed:
            return profile
        for name in changed:
            setattr(profile, name, states[name])
        return versioned_save(profile, actor=actor, update_fields=changed, expected_version=expected_version,
                              reason=reason)


def village_plan_add(
    *, actor: Any, profile: VillageProfile, kind: str, description: str, planned_year: int,
    cost_million: Any = None, reason: str = "",
) -> VillageInfrastructurePlan:
    """Add planned infrastructure to a village's profile."""
    if actor is not None and not can_edit_region(actor, profile.settlement.region_id):
        raise _forbidden(_("You may not edit village profiles of this region."))
    plan = VillageInfrastructurePlan(profile=profile, kind=kind, description=description, planned_year=planned_year,
                                     cost_million=cost_million)
    with transaction.atomic():
        return audited_create(plan, actor=actor, reason=reason)


def value_import_record(*, actor: Any, file_name: str, layout: str, created: int, updated: int) -> ValueImport:
    """Record an accepted import (its values point to it)."""
    return audited_create(ValueImport(file_name=file_name[:255] or "upload.xlsx", layout=layout,
                                      created_count=created, updated_count=updated), actor=actor)


def indicators_by_code(codes: Iterable[str] | None = None) -> dict[str, Indicator]:
    """Catalogue entries by code (all, or those named)."""
    queryset = Indicator.objects.all()
    if codes is not None:
        queryset = queryset.filter(code__in=list(codes))
    return {indicator.code: indicator for indicator in queryset}
