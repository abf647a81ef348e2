"""Choices of indicators and regional analytics."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Direction(models.TextChoices):
    """Whether a higher or a lower value of an indicator is better."""

    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Domain(models.TextChoices):
    """The ten domains of the monotown socio-economic analysis, in the order they are shown."""

    DEMOGRAPHY = "demography", _("Demography")
    LABOUR = "labour", _("Labour market")
    INDUSTRY = "industry", _("Industry")
    INVESTMENT = "investment", _("Investment")
    SMALL_BUSINESS = "small_business", _("Small and medium business")
    BUDGET = "budget", _("Local budget")
    UTILITIES = "utilities", _("Utilities and infrastructure")
    HOUSING = "housing", _("Housing")
    SOCIAL = "social", _("Social sphere")
    ECOLOGY = "ecology", _("Ecology")


class Aggregation(models.TextChoices):
    """How values of lower territories add up to a higher one (settlement → district → region → country)."""

    SUM = "sum", _("Sum")
    WEIGHTED_AVERAGE = "weighted_average", _("Population-weighted average")
    AVERAGE = "average", _("Simple average")
    NONE = "none", _("Not aggregated")


class PeriodType(models.TextChoices):
    """The length of the period a value describes; the period is named by its first day."""

    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", pgettext_lazy("period", "Month")


class ValueOrigin(models.TextChoices):
    """Where a value came from."""

    ENTERED = "entered", _("Entered")
    IMPORTED = "imported", _("Imported")
    COMPUTED = "computed", _("Computed")


class TerritoryLevel(models.TextChoices):
    """The level of the territory hierarchy a value is recorded for."""

    REGION = "region", _("Region")
    DISTRICT = "district", _("District")
    SETTLEMENT = "settlement", _("Settlement")


@dataclass(frozen=True)
class UnitRule:
    """What values a unit admits: whole numbers only or not, and the allowed range."""

    integer: bool
    minimum: Decimal | None
    maximum: Decimal | None


class Unit(models.TextChoices):
    """Units of measure; each admits only the values its rule (``UNIT_RULES``) allows."""

    PERSONS = "persons", _("persons")
    COUNT = "count", _("units")
    PERCENT = "percent", _("%")
    # xgettext:no-python-format
    PERCENT_CHANGE = "percent_change", _("% change")
    # xgettext:no-python-format
    PERCENT_OF_BASE = "percent_of_base", _("% of base")
    PER_1000 = "per_1000", _("per 1,000 people")
    PER_10000 = "per_10000", _("per 10,000 people")
    TENGE = "tenge", _("tenge")
    THOUSAND_TENGE = "thousand_tenge", _("thousand tenge")
    MILLION_TENGE = "million_tenge", _("million tenge")
    SQ_M_PER_PERSON = "sq_m_per_person", _("m² per person")
    THOUSAND_SQ_M = "thousand_sq_m", _("thousand m²")
    YEARS = "years", _("years")
    THOUSAND_TONNES = "thousand_tonnes", _("thousand tonnes")
    KG_PER_PERSON = "kg_per_person", _("kg per person")
    SCORE = "score", _("points")


ZERO = Decimal("0")
UNIT_RULES: dict[str, UnitRule] = {
    Unit.PERSONS: UnitRule(True, ZERO, None),
    Unit.COUNT: UnitRule(True, ZERO, None),
    Unit.PERCENT: UnitRule(False, ZERO, Decimal("100")),
    Unit.PERCENT_CHANGE: UnitRule(False, Decimal("-100"), Decimal("1000")),
    Unit.PERCENT_OF_BASE: UnitRule(False, ZERO, Decimal("1000")),
    Unit.PER_1000: UnitRule(False, Decimal("-1000"), Decimal("1000")),
    Unit.PER_10000: UnitRule(False, ZERO, Decimal("10000")),
    Unit.TENGE: UnitRule(False, ZERO, None),
    Unit.THOUSAND_TENGE: UnitRule(False, ZERO, None),
    Unit.MILLION_TENGE: UnitRule(False, ZERO, None),
    Unit.SQ_M_PER_PERSON: UnitRule(False, ZERO, Decimal("1000")),
    Unit.THOUSAND_SQ_M: UnitRule(False, ZERO, None),
    Unit.YEARS: UnitRule(False, ZERO, Decimal("120")),
    Unit.THOUSAND_TONNES: UnitRule(False, ZERO, None),
    Unit.KG_PER_PERSON: UnitRule(False, ZERO, None),
    Unit.SCORE: UnitRule(False, ZERO, None),
}


class Network(models.TextChoices):
    """The utility networks whose wear is zoned."""

    HEAT = "heat", _("Heat networks")
    POWER = "power", _("Power networks")
    WATER = "water", _("Water supply networks")
    SEWER = "sewer", _("Sewer networks")


class Zone(models.TextChoices):
    """A region's wear zone; red is funded first."""

    RED = "red", _("Red zone")
    YELLOW = "yellow", _("Yellow zone")
    GREEN = "green", _("Green zone")


#: Zones in funding order: red first.
ZONE_ORDER = {Zone.RED: 0, Zone.YELLOW: 1, Zone.GREEN: 2}


class MonotownGroup(models.IntegerChoices):
    """The three groups of the monotown classification (group 1 strongest)."""

    GROWTH = 1, _("Group 1: towns with growth potential")
    STABLE = 2, _("Group 2: towns with stable development")
    LAGGING = 3, _("Group 3: towns with low development potential")


class PriorityMeasure(models.TextChoices):
    """Priority measures for monotowns named in the government's texts."""

    INFRASTRUCTURE = "infrastructure", _("Modernisation of engineering and social infrastructure")
    GROWTH_DRIVERS = "growth_drivers", _("New growth drivers beyond the town-forming enterprise")
    INVESTMENT_PROJECTS = "investment_projects", _("Investment projects in IT, agriculture, tourism and science")
    TRANSPORT_SERVICES = "transport_services", _("Services along transport corridors")
    INDUSTRIAL_ZONES = "industrial_zones", _("Industrial and small industrial zones with ready production sites")


#: Which measures each group gets first (see docs/indicators.md, "Priority measures").
GROUP_MEASURES: dict[int, tuple[str, ...]] = {
    MonotownGroup.GROWTH: (
        PriorityMeasure.INVESTMENT_PROJECTS,
        PriorityMeasure.TRANSPORT_SERVICES,
        PriorityMeasure.GROWTH_DRIVERS,
    ),
    MonotownGroup.STABLE: (
        PriorityMeasure.GROWTH_DRIVERS,
        PriorityMeasure.INDUSTRIAL_ZONES,
        PriorityMeasure.TRANSPORT_SERVICES,
        PriorityMeasure.INFRASTRUCTURE,
    ),
    MonotownGroup.LAGGING: (
        PriorityMeasure.INFRASTRUCTURE,
        PriorityMeasure.INDUSTRIAL_ZONES,
        PriorityMeasure.GROWTH_DRIVERS,
    ),
}


class InfrastructureKind(models.TextChoices):
    """Infrastructure a village profile records."""

    WATER = "water", _("Water supply")
    HEAT = "heat", _("Heat supply")
    POWER = "power", _("Power supply")
    ROADS = "roads", _("Roads")
    INTERNET = "internet", _("Internet")


class InfrastructureState(models.TextChoices):
    """The state of one kind of infrastructure in a village."""

    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
    ABSENT = "absent", _("Absent")


#: States that count as a gap when a village's specialization needs that infrastructure.
GAP_STATES = frozenset({InfrastructureState.POOR, InfrastructureState.ABSENT})


class Source(models.TextChoices):
    """Who supplies an indicator's values."""

    STATISTICS = "statistics", _("Bureau of National Statistics")
    AKIMAT = "akimat", _("Local executive body (akimat)")
    STATE_REVENUE = "state_revenue", _("State Revenue Committee")
    LABOUR = "labour", _("Ministry of Labour and Social Protection")
    HEALTH = "health", _("Ministry of Health")
    EDUCATION = "education", _("Ministry of Education")
    ENERGY = "energy", _("Ministry of Energy")
    INDUSTRY = "industry", _("Ministry of Industry and Construction")
    ECOLOGY = "ecology", _("Ministry of Ecology and Natural Resources")
    UTILITIES = "utilities", _("Natural monopolies' reports")
    ENTERPRISES = "enterprises", _("Town-forming enterprises' reports")
