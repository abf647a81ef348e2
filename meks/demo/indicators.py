"""Demo indicators, built through the indicators' services, deterministically from ``rng``.

The monotowns' 78 indicators for 2023–2025, wear by region and network, tax plans and facts, incentive
pools and village profiles.

What is a DEMO ASSUMPTION (docs/indicators.md, "Demo data"): every monotown figure (drawn within the typical
ranges of the catalogue around a profile per town, so that the three groups are meaningful); Saran's figures
(it left monotown status, so they pass the exit check); the wear of the regions the published figures do not name
(drawn around the 49% national average) and every share of networks needing replacement; the tax plans and
facts and the pools; the village profiles and plans.
"""

from __future__ import annotations

import csv
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from meks.indicators.choices import UNIT_RULES, Direction, InfrastructureKind, InfrastructureState
from meks.indicators.periods import Period
from meks.indicators.services import (
    ValueEntry,
    incentive_pool_set,
    indicator_values_write,
    indicators_by_code,
    village_plan_add,
    village_profile_save,
)
from meks.indicators.territories import Territory
from meks.indicators.villages import SPECIALIZATION_NEEDS
from meks.territory.models import Region, Settlement
from meks.territory.services import settlement_create

from .reference import DEMO_REASON

CATALOGUE = Path(__file__).resolve().parent.parent / "indicators" / "data" / "indicators.csv"
YEARS = (2023, 2024, 2025)
WEAR_YEAR = 2025
TAX_YEARS = (2024, 2025)

#: The profile of each monotown: its level (0 weakest, 1 strongest) in 2023 and its yearly drift.
#: Grouped on purpose (strong diversified towns, stable single-industry towns, struggling mining towns).
TOWN_PROFILES = {
    "Ekibastuz": (0.86, 0.02), "Aksu": (0.80, 0.01), "Rudny": (0.78, 0.00), "Kulsary": (0.80, 0.01),
    "Stepnogorsk": (0.74, 0.02), "Ridder": (0.72, 0.01),
    "Temirtau": (0.56, -0.02), "Balkhash": (0.50, 0.03), "Khromtau": (0.56, 0.02), "Satpayev": (0.48, 0.03),
    "Lisakovsk": (0.50, -0.01), "Zhanaozen": (0.52, 0.00), "Altai": (0.46, 0.01),
    "Zhanatas": (0.22, 0.01), "Karatau": (0.18, 0.00), "Arkalyk": (0.27, 0.01), "Zhitikara": (0.25, -0.01),
    "Serebryansk": (0.20, -0.01), "Karazhal": (0.24, 0.00), "Shakhtinsk": (0.30, -0.02),
}
SARAN = {"name_ru": "Сарань", "name_kk": "Саран", "name_en": "Saran", "kato": "352000021", "population": 47800,
         "industry": ("добыча угля", "көмір өндіру", "coal")}
SARAN_PROFILE = (0.66, 0.02)
#: Saran's figures on the criteria for leaving monotown status (all pass; see EXIT_CRITERIA).
SARAN_EXIT = {"ind_main_enterprise_share": Decimal("38.5"), "lab_main_enterprise_jobs_share": Decimal("14.2"),
              "sme_employment_share": Decimal("34.1"), "inv_non_resource_share": Decimal("57.3"),
              "lab_unemployment": Decimal("4.3")}
#: A current monotown still depends on its enterprises: at least this share of jobs there.
MONOTOWN_MIN_JOBS_SHARE = Decimal("21")

#: Wear of heat, water and sewer networks (published figures) by region KATO; others are DEMO ASSUMPTIONS.
WEAR_FACTS = {"55": Decimal("66"), "35": Decimal("62"), "10": Decimal("59"), "63": Decimal("58"),
              "62": Decimal("58"), "59": Decimal("56")}
#: Wear by network (published figures): Karaganda; West Kazakhstan (2023 figures, carried to the demo year).
NETWORK_FACTS = {
    "35": {"heat": Decimal("66"), "power": Decimal("65"), "water": Decimal("68"), "sewer": Decimal("80")},
    "27": {"heat": Decimal("50.4"), "power": Decimal("82"), "water": Decimal("60.5"), "sewer": Decimal("61.3")},
}
NETWORK_CODES = {"heat": "utl_heat_wear", "power": "utl_power_wear", "water": "utl_water_wear",
                 "sewer": "utl_sewer_wear"}
#: Incentive pools (million tenge) and the largest share of a pool one region may get.
POOLS = {2024: (Decimal("15000"), Decimal("0.25")), 2025: (Decimal("20000"), Decimal("0.25"))}

PLAN_ACTIONS = {
    InfrastructureKind.WATER: "Реконструкция водопровода и водозаборных сооружений",
    InfrastructureKind.HEAT: "Строительство модульной котельной и тепловых сетей",
    InfrastructureKind.POWER: "Реконструкция ВЛ-10 кВ и трансформаторных подстанций",
    InfrastructureKind.ROADS: "Средний ремонт подъездной автодороги",
    InfrastructureKind.INTERNET: "Подключение к волоконно-оптической линии связи",
}


def _q(value: float, places: str) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _catalogue() -> list[dict[str, str]]:
    with CATALOGUE.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["monotown"] == "1"]


def _town_value(row: dict[str, str], indicator, level: float, population: int, rng: random.Random) -> Decimal:
    """A plausible value of one indicator for a town at ``level`` (0 weakest, 1 strongest)."""
    low, high = float(row["typical_low"]), float(row["typical_high"])
    quality = min(max(level + rng.gauss(0, 0.10), 0.0), 1.0)
    position = quality if indicator.direction == Direction.HIGHER else 1 - quality
    value = low + (high - low) * position
    if row["aggregation"] == "sum" and row["code"] not in ("dem_population", "lab_employed"):
        value *= min(max(population / 80000, 0.3), 2.0)
    rule = UNIT_RULES[indicator.unit]
    if rule.maximum is not None:
        value = min(value, float(rule.maximum))
    if rule.minimum is not None:
        value = max(value, float(rule.minimum))
    return _q(round(value), "1") if rule.integer else _q(value, "0.1")


def _town_entries(town: Settlement, profile: tuple[float, float], catalogue, indicators, rng: random.Random,
                  *, monotown: bool) -> list[ValueEntry]:
    start, drift = profile
    domain_offsets = {domain: rng.uniform(-0.12, 0.12) for domain in {row["domain"] for row in catalogue}}
    territory = Territory.of(town)
    entries = []
    for step, year in enumerate(YEARS):
        level = start + drift * step
        population = int(town.population * (1 + (level - 0.5) * 0.01 * step))
        for row in catalogue:
            indicator = indicators[row["code"]]
            offset = domain_offsets[row["domain"]]
            if row["code"] == "dem_population":
                value = Decimal(population)
            elif row["code"] == "lab_employed":
                value = Decimal(int(population * (0.40 + 0.08 * level)))
            else:
                value = _town_value(row, indicator, level + offset, population, rng)
            if monotown and row["code"] == "lab_main_enterprise_jobs_share":
                value = max(value, MONOTOWN_MIN_JOBS_SHARE)
            if not monotown and row["code"] in SARAN_EXIT and year == YEARS[-1]:
                value = SARAN_EXIT[row["code"]]
            entries.append(ValueEntry(indicator, territory, Period.year(year), value))
    return entries


def build_monotown_values(rng: random.Random, indicators) -> None:
    """Three years of the 78 indicators for the 20 monotowns and for Saran, which left the status."""
    catalogue = _catalogue()
    karaganda = Region.objects.get(kato="35")
    saran = Settlement.objects.filter(kato=SARAN["kato"]).first() or settlement_create(
        actor=None, region=karaganda, kato=SARAN["kato"], kind="town", name_ru=SARAN["name_ru"],
        name_kk=SARAN["name_kk"], name_en=SARAN["name_en"], is_monotown=False, population=SARAN["population"],
        main_industry_ru=SARAN["industry"][0], main_industry_kk=SARAN["industry"][1],
        main_industry_en=SARAN["industry"][2], reason=DEMO_REASON,
    )
    entries = []
    for town in Settlement.objects.filter(is_monotown=True).select_related("region", "district").order_by("kato"):
        profile = TOWN_PROFILES.get(town.name_en, (0.5, 0.0))
        entries += _town_entries(town, profile, catalogue, indicators, rng, monotown=True)
    entries += _town_entries(saran, SARAN_PROFILE, catalogue, indicators, rng, monotown=False)
    indicator_values_write(actor=None, entries=entries, reason=DEMO_REASON)


def build_wear(rng: random.Random, indicators) -> None:
    """Wear by region and network, and the share of networks needing replacement, for the demo year."""
    entries = []
    period = Period.year(WEAR_YEAR)
    for region in Region.objects.order_by("kato"):
        networks = NETWORK_FACTS.get(region.kato)
        if region.kato in WEAR_FACTS:
            wear = WEAR_FACTS[region.kato]
        elif networks:
            wear = _q(float(networks["heat"] + networks["water"] + networks["sewer"]) / 3, "0.1")
        else:
            wear = _q(rng.uniform(43.0, 54.0), "0.1")
        if not networks:
            base = float(wear)
            networks = {"heat": _q(base + rng.uniform(-4, 6), "0.1"), "power": _q(base + rng.uniform(-8, 8), "0.1"),
                        "water": _q(base + rng.uniform(-5, 5), "0.1"), "sewer": _q(base + rng.uniform(-3, 9), "0.1")}
        territory = Territory.of(region)
        entries.append(ValueEntry(indicators["utl_wear_hws"], territory, period, wear))
        entries.append(ValueEntry(indicators["utl_replacement_share"], territory, period,
                                  _q(float(wear) + rng.uniform(-6, 4), "0.1")))
        for network, code in NETWORK_CODES.items():
            entries.append(ValueEntry(indicators[code], territory, period, networks[network]))
    indicator_values_write(actor=None, entries=entries, reason=DEMO_REASON)


def build_tax(rng: random.Random, indicators) -> None:
    """Tax revenue plans and facts of the 20 regions (million tenge) and the incentive pools."""
    entries = []
    for region in Region.objects.order_by("kato"):
        per_person = rng.uniform(90, 170) if region.kind == "oblast" else rng.uniform(260, 420)
        plan = Decimal(region.population or 1_000_000) * Decimal(str(per_person)) / 1000
        territory = Territory.of(region)
        for year in TAX_YEARS:
            plan_year = _q(float(plan) * (1 + 0.08 * (year - TAX_YEARS[0])), "0.1")
            fact = _q(float(plan_year) * rng.uniform(0.94, 1.09), "0.1")
            entries.append(ValueEntry(indicators["bud_tax_revenue_plan"], territory, Period.year(year), plan_year))
            entries.append(ValueEntry(indicators["bud_tax_revenue_fact"], territory, Period.year(year), fact))
    indicator_values_write(actor=None, entries=entries, reason=DEMO_REASON)
    for year, (amount, cap) in POOLS.items():
        incentive_pool_set(actor=None, year=year, amount=amount, cap_share=cap, reason=DEMO_REASON)


def build_villages(rng: random.Random) -> None:
    """A screening profile for every demo village, with plans for about half of its gaps."""
    states = [InfrastructureState.GOOD, InfrastructureState.FAIR, InfrastructureState.POOR, InfrastructureState.ABSENT]
    for village in Settlement.objects.filter(kind="village").select_related("region").order_by("kato"):
        profile_states = {kind.value: rng.choices(states, weights=(3, 4, 3, 1))[0] for kind in InfrastructureKind}
        profile = village_profile_save(actor=None, settlement=village, reason=DEMO_REASON, **profile_states)
        for kind in SPECIALIZATION_NEEDS.get(village.village_specialization, ()):
            if profile_states[kind] in (InfrastructureState.POOR, InfrastructureState.ABSENT) and rng.random() < 0.5:
                village_plan_add(actor=None, profile=profile, kind=kind, description=PLAN_ACTIONS[kind],
                                 planned_year=rng.choice((2026, 2027, 2028)),
                                 cost_million=_q(rng.uniform(60, 900), "0.1"), reason=DEMO_REASON)


def build_indicators(*, rng: random.Random) -> None:
    """The demo indicators: monotowns, wear zoning, tax plans and facts with pools, village profiles."""
    indicators = indicators_by_code()
    build_monotown_values(rng, indicators)
    build_wear(rng, indicators)
    build_tax(rng, indicators)
    build_villages(rng)
