"""Indicators across the territory hierarchy (after DHIS2: data element × org unit × period).

Also the settings of the analyses built on them: monotown domain weights, wear-zone thresholds, incentive
pools, and village profiles.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meks.core.models import DomainModel, TranslatedNameMixin
from meks.territory.models import District, Region, Settlement

from .choices import (
    Aggregation,
    Direction,
    Domain,
    InfrastructureKind,
    InfrastructureState,
    PeriodType,
    Source,
    TerritoryLevel,
    Unit,
    ValueOrigin,
    Zone,
)


class Indicator(TranslatedNameMixin, DomainModel):
    """One indicator of the catalogue (a DHIS2 "data element"): what is measured, in what unit, which way is better."""

    code = models.CharField(_("code"), max_length=40, unique=True,
                            validators=[RegexValidator(r"^[a-z][a-z0-9_]*$")])
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    aggregation = models.CharField(_("aggregation up the hierarchy"), max_length=20, choices=Aggregation.choices)
    weight = models.DecimalField(
        _("weight within its domain"), max_digits=5, decimal_places=2, default=1,
        validators=[MinValueValidator(0)],
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    in_monotown_set = models.BooleanField(_("one of the 78 monotown indicators"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")


class ValueImport(DomainModel):
    """One accepted import of indicator values from a workbook: who loaded which file, in which layout."""

    file_name = models.CharField(_("file name"), max_length=255)
    layout = models.CharField(_("layout"), max_length=10, choices=[("long", _("Long")), ("wide", _("Wide"))])
    created_count = models.PositiveIntegerField(_("values created"), default=0)
    updated_count = models.PositiveIntegerField(_("values updated"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import of indicator values")
        verbose_name_plural = _("imports of indicator values")

    def __str__(self) -> str:
        return self.file_name


class IndicatorValue(DomainModel):
    """The value of one indicator for one territory and one period.

    The territory is a region, a district or a settlement (``level`` says which); ``region`` is always set,
    so that every value is scoped by region like the rest of the platform. A period is named by its type and
    its first day (1 January, the first day of a quarter or of a month).
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values",
                                  verbose_name=_("indicator"))
    level = models.CharField(_("territory level"), max_length=10, choices=TerritoryLevel.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="indicator_values",
                               verbose_name=_("region"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="indicator_values", verbose_name=_("district"))
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="indicator_values", verbose_name=_("settlement"))
    period_type = models.CharField(_("period type"), max_length=10, choices=PeriodType.choices)
    period_start = models.DateField(_("period start"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    origin = models.CharField(_("origin"), max_length=10, choices=ValueOrigin.choices, default=ValueOrigin.ENTERED)
    source_import = models.ForeignKey(ValueImport, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="values", verbose_name=_("import"))

    class Meta:
        ordering = ["indicator__position", "region__kato", "period_start"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        indexes = [
            models.Index(fields=["indicator", "period_type", "period_start"], name="indicator_value_period"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="region", district__isnull=True, settlement__isnull=True)
                           | Q(level="district", district__isnull=False, settlement__isnull=True)
                           | Q(level="settlement", settlement__isnull=False)),
                name="indicator_value_territory_matches_level",
                violation_error_message=_("The territory does not match its level."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "region", "period_type", "period_start"], condition=Q(level="region"),
                name="indicator_value_unique_region",
                violation_error_message=_("This region already has a value for this indicator and period."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "district", "period_type", "period_start"], condition=Q(level="district"),
                name="indicator_value_unique_district",
                violation_error_message=_("This district already has a value for this indicator and period."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "settlement", "period_type", "period_start"], condition=Q(level="settlement"),
                name="indicator_value_unique_settlement",
                violation_error_message=_("This settlement already has a value for this indicator and period."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.territory} {self.period_start:%Y-%m}: {self.value}"

    @property
    def territory(self) -> Region | District | Settlement:
        """The region, district or settlement the value is for."""
        if self.level == TerritoryLevel.SETTLEMENT:
            return self.settlement
        if self.level == TerritoryLevel.DISTRICT:
            return self.district
        return self.region

    def clean(self) -> None:
        """The period starts on its first day; the district or settlement lies in the region."""
        from .periods import period_start_error

        errors = {}
        if self.period_type and isinstance(self.period_start, dt.date):
            message = period_start_error(self.period_type, self.period_start)
            if message:
                errors["period_start"] = message
        if self.settlement_id and self.region_id and self.settlement.region_id != self.region_id:
            errors["settlement"] = _("The settlement lies in another region.")
        if self.district_id and self.region_id and self.district.region_id != self.region_id:
            errors["district"] = _("The district lies in another region.")
        if errors:
            raise ValidationError(errors)


class AnalyticsWeight(DomainModel):
    """A weight set by the project office (a monotown domain, or a funding priority component).

    Defaults live in code; a stored row overrides its default.
    """

    class Scheme(models.TextChoices):
        MONOTOWN_DOMAIN = "monotown_domain", _("Monotown index: domain weight")
        FUNDING_PRIORITY = "funding_priority", _("Funding priority: component weight")

    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices)
    key = models.CharField(_("component"), max_length=30)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=3,
                                 validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        ordering = ["scheme", "key"]
        verbose_name = _("analytics weight")
        verbose_name_plural = _("analytics weights")
        constraints = [models.UniqueConstraint(fields=["scheme", "key"], name="analytics_weight_unique_key")]

    def __str__(self) -> str:
        return f"{self.scheme}.{self.key}: {self.weight}"


class WearZoneThreshold(DomainModel):
    """The wear above which a region falls in a zone (red, then yellow; green below both)."""

    zone = models.CharField(_("zone"), max_length=10, choices=[(Zone.RED, Zone.RED.label),
                                                               (Zone.YELLOW, Zone.YELLOW.label)], unique=True)
    above_percent = models.DecimalField(_("wear above, %"), max_digits=5, decimal_places=2,
                                        validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        ordering = ["zone"]
        verbose_name = _("wear zone threshold")
        verbose_name_plural = _("wear zone thresholds")

    def __str__(self) -> str:
        return f"{self.zone} > {self.above_percent}%"


class IncentivePool(DomainModel):
    """The pool shared among regions that overperform their tax revenue plan for a year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True,
                                            validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    amount = models.DecimalField(_("pool, million tenge"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    cap_share = models.DecimalField(
        _("largest share of the pool for one region"), max_digits=4, decimal_places=3, default="0.250",
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("incentive pool")
        verbose_name_plural = _("incentive pools")

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


class VillageProfile(DomainModel):
    """A village's screening profile: the state of its infrastructure (its specialization is on the settlement)."""

    settlement = models.OneToOneField(Settlement, on_delete=models.PROTECT, related_name="village_profile",
                                      verbose_name=_("village"))
    water = models.CharField(_("water supply"), max_length=10, choices=InfrastructureState.choices)
    heat = models.CharField(_("heat supply"), max_length=10, choices=InfrastructureState.choices)
    power = models.CharField(_("power supply"), max_length=10, choices=InfrastructureState.choices)
    roads = models.CharField(_("roads"), max_length=10, choices=InfrastructureState.choices)
    internet = models.CharField(_("internet"), max_length=10, choices=InfrastructureState.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["settlement__kato"]
        verbose_name = _("village profile")
        verbose_name_plural = _("village profiles")

    def __str__(self) -> str:
        return str(self.settlement)

    def clean(self) -> None:
        """Only a village has a profile."""
        if self.settlement_id and self.settlement.kind != "village":
            raise ValidationError({"settlement": _("Only a village has a screening profile.")})

    def state_of(self, kind: str) -> str:
        """The state of one kind of infrastructure."""
        return getattr(self, kind)


class VillageInfrastructurePlan(DomainModel):
    """Infrastructure planned for a village: what, by when, at what estimated cost."""

    profile = models.ForeignKey(VillageProfile, on_delete=models.CASCADE, related_name="plans",
                                verbose_name=_("village profile"))
    kind = models.CharField(_("infrastructure"), max_length=10, choices=InfrastructureKind.choices)
    description = models.CharField(_("description"), max_length=500)
    planned_year = models.PositiveSmallIntegerField(_("planned year"),
                                                    validators=[MinValueValidator(2020), MaxValueValidator(2100)])
    cost_million = models.DecimalField(_("estimated cost, million tenge"), max_digits=12, decimal_places=2,
                                       null=True, blank=True, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["planned_year", "kind"]
        verbose_name = _("planned village infrastructure")
        verbose_name_plural = _("planned village infrastructure")

    def __str__(self) -> str:
        return self.description
