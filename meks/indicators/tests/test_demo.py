"""The demo indicators: the figures the texts give, and an assessment whose groups mean something."""

from collections import Counter
from decimal import Decimal

from meks.indicators import selectors
from meks.indicators.models import IndicatorValue
from meks.territory.models import Settlement


def test_demo_monotowns(indicators_demo):
    office = indicators_demo["office"]
    assert selectors.monotown_years(user=office) == [2025, 2024, 2023]
    towns = Settlement.objects.filter(is_monotown=True)
    assert towns.count() == 20
    per_town = Counter(IndicatorValue.objects.filter(settlement__in=towns, indicator__in_monotown_set=True)
                       .values_list("settlement_id", flat=True))
    assert set(per_town.values()) == {78 * 3}
    report = selectors.monotown_assessment(user=office, year=2025)
    groups = Counter(town.group for town in report.towns)
    assert len(report.towns) == 20 and all(groups[group] >= 4 for group in (1, 2, 3))
    ekibastuz = next(town for town in report.towns if town.settlement.name_en == "Ekibastuz")
    assert ekibastuz.group == 1 and ekibastuz.previous is not None
    karatau = next(town for town in report.towns if town.settlement.name_en == "Karatau")
    assert karatau.group == 3 and karatau.score.pulling_down
    lines = selectors.monotown_indicator_lines(report=report, settlement_id=karatau.settlement_id)
    assert len(lines) == 78 and all(line.value is not None and line.score is not None for line in lines)
    # Same data, same groups.
    again = selectors.monotown_assessment(user=office, year=2025)
    assert [(t.settlement_id, t.index, t.group) for t in again.towns] == [
        (t.settlement_id, t.index, t.group) for t in report.towns]


def test_demo_exit_check_saran_passes_monotowns_do_not(indicators_demo):
    checks = {town.name_en: check for town, check in selectors.monotown_exit_checks(user=None, year=2025)}
    assert checks["Saran"].passed
    assert not any(check.passed for name, check in checks.items() if name != "Saran")
    assert len(checks) == 21


def test_demo_wear_follows_the_facts(indicators_demo):
    zoning = {item.region.name_en: item for item in selectors.wear_zoning()}
    assert {name: zoning[name].wear for name in ("Pavlodar Region", "Karaganda Region", "Abai Region")} == {
        "Pavlodar Region": Decimal("66"), "Karaganda Region": Decimal("62"), "Abai Region": Decimal("59")}
    assert zoning["Karaganda Region"].by_network == {"heat": Decimal("66"), "power": Decimal("65"),
                                                     "water": Decimal("68"), "sewer": Decimal("80")}
    assert zoning["West Kazakhstan Region"].by_network["power"] == Decimal("82")
    assert {name for name, item in zoning.items() if item.zone == "red"} == {"Pavlodar Region", "Karaganda Region"}
    ranking = selectors.funding_priority()
    assert {row.region.name_en for row in ranking[:2]} == {"Pavlodar Region", "Karaganda Region"}


def test_demo_tax_and_villages(indicators_demo):
    report = selectors.tax_incentives(user=None, year=2025)
    assert report.pool == Decimal("20000") and len(report.rows) == 20
    assert report.distributed + report.undistributed == report.pool
    assert all(row.reward <= Decimal("5000") for row in report.rows)
    screens = selectors.village_screening(user=None)
    assert len(screens) == 51 and all(screen.profile is not None for screen in screens)
