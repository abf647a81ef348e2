"""Wear zoning, funding priority and tax incentives against hand-computed examples."""

from decimal import Decimal

import pytest

from meks.core.errors import ServiceError
from meks.indicators import selectors
from meks.indicators.incentives import distribute_pool
from meks.indicators.models import WearZoneThreshold
from meks.indicators.periods import Period
from meks.indicators.services import (
    ValueEntry,
    incentive_pool_set,
    indicator_values_write,
    indicators_by_code,
    wear_threshold_set,
)
from meks.indicators.territories import Territory
from meks.indicators.zoning import zone_for
from meks.territory.models import Region

# Region: (wear of heat, water and sewer networks %, share needing replacement %); populations of regions.csv:
# Pavlodar 754,903; Karaganda 1,134,753; Kostanay 832,110; Abai 610,189.
WEAR = {"55": ("66", "70"), "35": ("62", "55"), "39": ("45", "40"), "10": ("55", "60")}


def record_wear(year=2025):
    indicators = indicators_by_code()
    entries = []
    for kato, (wear, replacement) in WEAR.items():
        territory = Territory.of(Region.objects.get(kato=kato))
        entries.append(ValueEntry(indicators["utl_wear_hws"], territory, Period.year(year), Decimal(wear)))
        entries.append(ValueEntry(indicators["utl_replacement_share"], territory, Period.year(year),
                                  Decimal(replacement)))
    indicator_values_write(actor=None, entries=entries)


def test_zone_thresholds():
    assert [zone_for(Decimal(x)) for x in ("60.01", "60", "50.01", "50", "12")] == [
        "red", "yellow", "yellow", "green", "green"]
    assert zone_for(None) is None


def test_zoning_and_priority_match_the_hand_computed_example(demo):
    record_wear()
    zoning = {item.region.kato: item for item in selectors.wear_zoning(user=demo["office"])}
    assert {kato: zoning[kato].zone for kato in WEAR} == {"55": "red", "35": "red", "39": "green", "10": "yellow"}
    assert zoning["71"].zone is None and zoning["55"].year == 2025
    # people affected = int(population × wear / 100): Pavlodar 498,235; Karaganda 703,546 (the largest);
    # Kostanay 374,449; Abai 335,603. people share = affected / 703,546.
    # score = 100 × (0.40 × wear + 0.20 × people + 0.25 × replacement + 0.15 × readiness (0: no projects)).
    # Pavlodar 100 × (0.264 + 0.2 × 0.7082 + 0.175) = 58.06; Karaganda 100 × (0.248 + 0.2 + 0.1375) = 58.55;
    # Abai 100 × (0.22 + 0.2 × 0.4770 + 0.15) = 46.54; Kostanay 100 × (0.18 + 0.2 × 0.5322 + 0.10) = 38.64.
    ranking = selectors.funding_priority(user=demo["office"])
    top = [(row.region.kato, row.rank, row.zone, row.score) for row in ranking[:4]]
    assert top == [("35", 1, "red", Decimal("58.55")), ("55", 2, "red", Decimal("58.06")),
                   ("10", 3, "yellow", Decimal("46.54")), ("39", 4, "green", Decimal("38.64"))]
    pavlodar = next(row for row in ranking if row.region.kato == "55")
    assert pavlodar.components == {"wear": Decimal("0.6600"), "people": Decimal("0.7082"),
                                   "replacement": Decimal("0.7000"), "readiness": Decimal("0.0000")}
    assert pavlodar.people_affected == 498235
    assert len(ranking) == 20 and ranking[4].zone is None
    by_region = selectors.funding_priority_by_region()
    assert by_region[pavlodar.region_id].rank == 2


def test_red_zone_comes_first_even_with_a_lower_score(demo):
    record_wear()
    ranking = selectors.funding_priority(weights={"wear": 0, "people": 1, "replacement": 0, "readiness": 0})
    # By people alone Kostanay (0.5322) outscores Abai (0.4770) and Pavlodar (0.7082) is below Karaganda (1):
    assert [row.region.kato for row in ranking[:4]] == ["35", "55", "10", "39"]


def test_readiness_of_the_portfolio_raises_the_priority(demo):
    from meks.accounts.models import Organization
    from meks.portfolio import services as portfolio
    from meks.portfolio.models import Direction

    record_wear()
    direction = Direction.objects.create(code="heat", name_ru="Теплоснабжение", order=1)
    pavlodar = Region.objects.get(kato="55")
    owner = Organization.objects.get(kind="akimat", region=pavlodar)
    flags = [dict.fromkeys(("ready_design", "ready_expertise", "ready_land", "ready_akimat_decision",
                            "ready_financing", "ready_tender_documents"), True),
             {"ready_design": True, "ready_land": True, "ready_financing": True}]
    for number, ready in enumerate(flags, start=1):
        project = portfolio.project_create(
            actor=None, code=f"P-55-{number}", title_ru="Проект", direction=direction, project_type="replacement",
            region=pavlodar, owner=owner, responsible=demo["office"], cost_estimate=Decimal("1000000"), **ready)
        portfolio.project_transition(actor=demo["office"], project=project, action="submit", reason="test")
    # readiness = (6 + 3) / 12 = 0.75 → Pavlodar 58.06 + 100 × 0.15 × 0.75 = 69.31 (58.064 + 11.25), first.
    ranking = selectors.funding_priority()
    assert (ranking[0].region.kato, ranking[0].score, ranking[0].components["readiness"]) == (
        "55", Decimal("69.31"), Decimal("0.7500"))


def test_thresholds_are_configurable_and_ordered(demo):
    record_wear()
    wear_threshold_set(actor=demo["office"], zone="red", above_percent="63")
    zoning = {item.region.kato: item.zone for item in selectors.wear_zoning()}
    assert (zoning["55"], zoning["35"]) == ("red", "yellow")
    with pytest.raises(ServiceError) as refused:
        wear_threshold_set(actor=demo["office"], zone="yellow", above_percent="70")
    assert refused.value.code == "threshold_order"
    with pytest.raises(ServiceError) as refused:
        wear_threshold_set(actor=demo["akimat.karaganda"], zone="red", above_percent="55")
    assert refused.value.code == "forbidden"
    assert list(WearZoneThreshold.objects.values_list("zone", "above_percent")) == [("red", Decimal("63.00"))]


def test_zoning_hidden_from_users_without_an_analytics_role(demo):
    record_wear()
    assert selectors.wear_zoning(user=demo["contractor"]) == []
    assert selectors.funding_priority(user=demo["utility"]) == []
    assert len(selectors.funding_priority(user=demo["bank"])) == 20


def test_pool_shared_in_proportion_with_a_cap():
    # A would get 600 of 1000 > cap 500: capped; the other 500 shared 3:1 between B and C.
    rewards = distribute_pool({"A": Decimal(600), "B": Decimal(300), "C": Decimal(100), "D": Decimal(0)},
                              Decimal(1000), Decimal("0.5"))
    assert rewards == {"A": Decimal("500.00"), "B": Decimal("375.00"), "C": Decimal("125.00")}
    # Everyone capped: what is above the caps stays undistributed.
    assert distribute_pool({"A": Decimal(1)}, Decimal(1000), Decimal("0.25")) == {"A": Decimal("250.00")}


def test_tax_incentives_report(demo):
    indicators = indicators_by_code()
    figures = {"55": ("1000", "1150"), "35": ("2000", "2100"), "39": ("500", "480")}
    entries = []
    for kato, (plan, fact) in figures.items():
        territory = Territory.of(Region.objects.get(kato=kato))
        entries.append(ValueEntry(indicators["bud_tax_revenue_plan"], territory, Period.year(2025), Decimal(plan)))
        entries.append(ValueEntry(indicators["bud_tax_revenue_fact"], territory, Period.year(2025), Decimal(fact)))
    indicator_values_write(actor=None, entries=entries)
    incentive_pool_set(actor=demo["office"], year=2025, amount="100", cap_share="0.5")
    report = selectors.tax_incentives(user=demo["ministry"], year=2025)
    rows = {row.region.kato: row for row in report.rows}
    # Overperformance 150 (Pavlodar) and 100 (Karaganda): shares 60 and 40 of the pool of 100, but the cap is 50:
    # Pavlodar gets 50, the 50 left go to Karaganda (its own share of them, 50, is not above the cap).
    # Kostanay fell short of its plan.
    assert (rows["55"].overperformance, rows["55"].reward, rows["55"].execution_percent) == (
        Decimal("150"), Decimal("50.00"), Decimal("115.0"))
    assert rows["55"].capped and rows["35"].reward == Decimal("50.00")
    assert (rows["39"].overperformance, rows["39"].reward) == (Decimal("0"), Decimal("0.00"))
    assert report.undistributed == Decimal("0.00")
    trial = selectors.tax_incentives(user=demo["ministry"], year=2025, pool=100, cap_share="0.8")
    assert {row.region.kato: row.reward for row in trial.rows if row.reward} == {
        "55": Decimal("60.00"), "35": Decimal("40.00")}
    with pytest.raises(ServiceError):
        incentive_pool_set(actor=demo["akimat.karaganda"], year=2025, amount="1000")
