"""Writes of indicators: rights, validation, optimistic locking, history; nothing written on refusal."""

from decimal import Decimal

import pytest

from meks.core.errors import ConcurrentEditError, ServiceError
from meks.core.testing.matrix import snapshot
from meks.indicators import selectors
from meks.indicators.models import AnalyticsWeight, Indicator, IndicatorValue, VillageProfile
from meks.indicators.periods import Period, parse_period
from meks.indicators.services import (
    analytics_weight_set,
    indicator_value_set,
    village_plan_add,
    village_profile_save,
)
from meks.indicators.territories import Territory
from meks.territory.models import Region, Settlement


def test_catalogue_is_seeded_with_the_78_monotown_indicators(db):
    monotown = Indicator.objects.filter(in_monotown_set=True)
    assert monotown.count() == 78
    assert sorted(set(monotown.values_list("domain", flat=True))) == sorted(
        ["demography", "labour", "industry", "investment", "small_business", "budget", "utilities", "housing",
         "social", "ecology"])
    assert not monotown.filter(name_kk="").exists() and not monotown.filter(name_en="").exists()
    assert Indicator.objects.filter(code__in=["utl_wear_hws", "utl_replacement_share", "bud_tax_revenue_plan",
                                              "bud_tax_revenue_fact"]).count() == 4


def test_periods():
    assert parse_period("2024-Q3") == Period("quarter", Period.year(2024).start.replace(month=7))
    assert parse_period(2024).label == "2024" and parse_period("2024-05").label == "2024-05"
    with pytest.raises(ValueError):
        parse_period("2024-13")


def test_value_set_rights_version_and_history(demo):
    karaganda = Region.objects.get(kato="35")
    indicator = Indicator.objects.get(code="utl_wear_hws")
    territory = Territory.of(karaganda)
    value = indicator_value_set(actor=demo["akimat.karaganda"], indicator=indicator, territory=territory,
                                period=Period.year(2025), value="62")
    assert (value.value, value.origin, value.version) == (Decimal("62"), "entered", 1)
    state = lambda: snapshot(IndicatorValue.objects.all())  # noqa: E731
    before = state()
    for username in ("akimat.mangystau", "ministry", "contractor", "bank"):
        with pytest.raises(ServiceError) as refused:
            indicator_value_set(actor=demo[username], indicator=indicator, territory=territory,
                                period=Period.year(2025), value="70")
        assert refused.value.code == "forbidden"
    with pytest.raises(ServiceError):
        indicator_value_set(actor=demo["office"], indicator=indicator, territory=territory,
                            period=Period.year(2025), value="170")
    with pytest.raises(ServiceError) as refused:
        indicator_value_set(actor=demo["office"], indicator=indicator, territory=territory,
                            period=Period.year(2095), value="50")
    assert refused.value.code == "period_out_of_range"
    assert state() == before
    indicator_value_set(actor=demo["office"], indicator=indicator, territory=territory, period=Period.year(2025),
                        value="63", expected_version=1)
    with pytest.raises(ConcurrentEditError):
        indicator_value_set(actor=demo["akimat.karaganda"], indicator=indicator, territory=territory,
                            period=Period.year(2025), value="64", expected_version=1)
    value.refresh_from_db()
    assert (value.value, value.version, value.history.count()) == (Decimal("63"), 2, 2)


def test_values_are_scoped_by_region(demo):
    indicator = Indicator.objects.get(code="utl_wear_hws")
    for kato in ("35", "47", "55"):
        indicator_value_set(actor=None, indicator=indicator, territory=Territory.of(Region.objects.get(kato=kato)),
                            period=Period.year(2025), value="50")
    assert selectors.indicator_value_list(user=demo["office"]).count() == 3
    assert [v.region.kato for v in selectors.indicator_value_list(user=demo["akimat.mangystau"])] == ["47"]
    assert not selectors.indicator_value_list(user=demo["contractor"]).exists()
    assert not selectors.indicator_list(user=demo["contractor"]).exists()
    assert selectors.indicator_list(user=demo["akimat.mangystau"], monotown_only=True).count() == 78


def test_rollup_in_sql_follows_the_aggregation(demo):
    towns = list(Settlement.objects.filter(is_monotown=True, region__kato="35").order_by("kato"))
    indicators = {code: Indicator.objects.get(code=code) for code in
                  ("dem_population", "lab_unemployment", "ind_main_enterprise_share", "utl_heat_wear")}
    figures = [(10000, "4", "50", "40"), (30000, "8", "70", "60")]
    for town, (population, unemployment, share, wear) in zip(towns, figures, strict=False):
        town.population = population
        town.save(update_fields=["population"])
        for code, value in zip(indicators, (population, unemployment, share, wear), strict=True):
            indicator_value_set(actor=None, indicator=indicators[code], territory=Territory.of(town),
                                period=Period.year(2024), value=value)
    region_id = towns[0].region_id
    rollup = lambda code: selectors.indicator_rollup(user=None, indicator=indicators[code],  # noqa: E731
                                                     period=Period.year(2024)).get(region_id)
    assert rollup("dem_population") == Decimal("40000")
    assert rollup("lab_unemployment") == Decimal("7")  # (4 × 10,000 + 8 × 30,000) / 40,000
    assert rollup("utl_heat_wear") == Decimal("50")  # simple average
    assert rollup("ind_main_enterprise_share") is None  # not aggregated


def test_weights_only_by_the_project_office(demo):
    with pytest.raises(ServiceError) as refused:
        analytics_weight_set(actor=demo["ministry"], scheme="monotown_domain", key="utilities", weight="2")
    assert refused.value.code == "forbidden"
    with pytest.raises(ServiceError):
        analytics_weight_set(actor=demo["office"], scheme="monotown_domain", key="nonsense", weight="2")
    assert not AnalyticsWeight.objects.exists()
    analytics_weight_set(actor=demo["office"], scheme="monotown_domain", key="utilities", weight="2")
    analytics_weight_set(actor=demo["office"], scheme="monotown_domain", key="utilities", weight="3")
    assert selectors.current_domain_weights()["utilities"] == Decimal("3")
    assert AnalyticsWeight.objects.get().history.count() == 2


def test_village_profile_rights_and_screening(demo):
    village = Settlement.objects.filter(kind="village", region__kato="35").order_by("kato").first()
    village.village_specialization = "tourism"
    village.save(update_fields=["village_specialization"])
    states = {"water": "good", "heat": "fair", "power": "good", "roads": "poor", "internet": "absent"}
    with pytest.raises(ServiceError):
        village_profile_save(actor=demo["akimat.mangystau"], settlement=village, **states)
    assert not VillageProfile.objects.exists()
    profile = village_profile_save(actor=demo["akimat.karaganda"], settlement=village, **states)
    screen = next(s for s in selectors.village_screening(user=demo["akimat.karaganda"]) if s.settlement == village)
    assert (screen.needs, screen.gaps, screen.uncovered, screen.status) == (
        ("roads", "internet", "water"), ["roads", "internet"], ["roads", "internet"], "gaps")
    village_plan_add(actor=demo["akimat.karaganda"], profile=profile, kind="roads", description="Дорога",
                     planned_year=2027)
    village_plan_add(actor=demo["office"], profile=profile, kind="internet", description="ВОЛС", planned_year=2026)
    screen = next(s for s in selectors.village_screening(user=demo["office"]) if s.settlement == village)
    assert (screen.uncovered, screen.status) == ([], "planned")
    assert all(s.settlement.region.kato == "47" for s in selectors.village_screening(user=demo["akimat.mangystau"]))
    town = Settlement.objects.filter(is_monotown=True).first()
    with pytest.raises(ServiceError):
        village_profile_save(actor=None, settlement=town, **states)


def test_monotown_weights_set_all_or_none(demo):
    from meks.indicators.services import monotown_weights_set

    with pytest.raises(ServiceError) as refused:
        monotown_weights_set(actor=demo["akimat.karaganda"], weights={"utilities": 2})
    assert refused.value.code == "forbidden"
    with pytest.raises(ServiceError) as refused:
        monotown_weights_set(actor=demo["office"], weights={"utilities": 2, "labour": -1})
    assert refused.value.code == "invalid_value"
    assert not AnalyticsWeight.objects.exists()
    weights = monotown_weights_set(actor=demo["office"], weights={"utilities": 2, "labour": "0.5"})
    assert (weights["utilities"], weights["labour"], weights["housing"]) == (Decimal("2"), Decimal("0.5"), Decimal("1"))
    with pytest.raises(ServiceError) as refused:
        monotown_weights_set(actor=demo["office"], weights=dict.fromkeys(weights, 0))
    assert refused.value.code == "all_zero"
    assert AnalyticsWeight.objects.count() == 2
