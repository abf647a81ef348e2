"""The monotown assessment on a small hand-made example: every figure computed by hand."""

from decimal import Decimal

from meks.indicators.assessment import (
    EXIT_CRITERIA,
    IndicatorSpec,
    check_exit,
    compute_assessment,
    group_changes,
    group_for,
    normalised_score,
)

SPECS = {
    "a1": IndicatorSpec("a1", "demography", "higher"),
    "a2": IndicatorSpec("a2", "demography", "lower"),
    "b1": IndicatorSpec("b1", "industry", "higher"),
}
# a1: 10/20/30 → 0/50/100; a2 (lower): 5/15/10 → 100/0/50; b1: 100/80/0 → 100/80/0.
# demography: T1 50, T2 25, T3 75; industry: T1 100, T2 80, T3 0.
# composite (equal weights): T1 75 → group 1, T2 52.5 → group 2, T3 37.5 → group 3.
VALUES = {
    "T1": {"a1": Decimal("10"), "a2": Decimal("5"), "b1": Decimal("100")},
    "T2": {"a1": Decimal("20"), "a2": Decimal("15"), "b1": Decimal("80")},
    "T3": {"a1": Decimal("30"), "a2": Decimal("10"), "b1": Decimal("0")},
}


def test_hand_made_example_groups_and_figures():
    result = compute_assessment(VALUES, SPECS)
    towns = result.by_key()
    assert [(town.key, town.index, town.group, town.rank) for town in result.towns] == [
        ("T1", Decimal("75.00"), 1, 1), ("T2", Decimal("52.50"), 2, 2), ("T3", Decimal("37.50"), 3, 3),
    ]
    assert towns["T1"].scores == {"a1": Decimal("0.00"), "a2": Decimal("100.00"), "b1": Decimal("100.00")}
    assert towns["T3"].sub_indices["demography"] == Decimal("75.00")
    assert towns["T3"].sub_indices["industry"] == Decimal("0.00")
    assert towns["T3"].sub_indices["housing"] is None
    assert result.domain_means["demography"] == Decimal("50.00")
    assert result.domain_means["industry"] == Decimal("60.00")
    assert result.mean_index == Decimal("55.00")


def test_explanation_adds_up_to_the_deviation_from_the_mean():
    town = compute_assessment(VALUES, SPECS).by_key()["T3"]
    demography, industry = town.domains["demography"], town.domains["industry"]
    assert (demography.deviation, demography.contribution) == (Decimal("25.00"), Decimal("12.50"))
    assert (industry.deviation, industry.contribution) == (Decimal("-60.00"), Decimal("-30.00"))
    assert [score.domain for score in town.pulling_up] == ["demography"]
    assert [score.domain for score in town.pulling_down] == ["industry"]
    assert demography.contribution + industry.contribution == town.index - town.mean_index
    assert [code for code, _ in town.measures] == ["infrastructure", "industrial_zones", "growth_drivers"]


def test_same_data_same_groups_whatever_the_order():
    reordered = {key: dict(reversed(list(VALUES[key].items()))) for key in reversed(list(VALUES))}
    first = [(t.key, t.index, t.group, t.rank) for t in compute_assessment(VALUES, SPECS).towns]
    second = [(t.key, t.index, t.group, t.rank) for t in compute_assessment(reordered, SPECS).towns]
    assert first == second


def test_weights_change_groups():
    before = compute_assessment(VALUES, SPECS)
    after = compute_assessment(VALUES, SPECS, {"industry": Decimal("0")})
    assert {town.key: town.group for town in after.towns} == {"T1": 2, "T2": 3, "T3": 1}
    changes = {change.key: (change.group_before, change.group_after) for change in group_changes(before, after)}
    assert changes == {"T3": (3, 1), "T1": (1, 2), "T2": (2, 3)}


def test_equal_values_score_fifty_and_missing_values_are_left_out():
    values = {"T1": {"a1": Decimal("7"), "b1": Decimal("1")}, "T2": {"a1": Decimal("7")}}
    result = compute_assessment(values, SPECS).by_key()
    assert result["T1"].scores["a1"] == Decimal("50")
    assert result["T2"].sub_indices["industry"] is None
    assert result["T2"].index == Decimal("50.00")


def test_group_thresholds_are_inclusive_at_the_lower_bound():
    assert [group_for(Decimal(x)) for x in ("60.00", "59.99", "40.00", "39.99")] == [1, 2, 2, 3]
    assert group_for(None) is None


def test_normalised_score_direction():
    from meks.indicators.assessment import IndicatorStats

    stats = IndicatorStats(Decimal("10"), Decimal("20"), Decimal("15"), 2)
    assert normalised_score(Decimal("12"), stats, "higher") == Decimal("20.00")
    assert normalised_score(Decimal("12"), stats, "lower") == Decimal("80.00")


def test_exit_check_reports_each_criterion():
    passing = {"ind_main_enterprise_share": Decimal("38.5"), "lab_main_enterprise_jobs_share": Decimal("14.2"),
               "sme_employment_share": Decimal("30"), "inv_non_resource_share": Decimal("57.3"),
               "lab_unemployment": Decimal("5")}
    check = check_exit("Saran", 2025, passing)
    assert check.passed and check.failed_count == 0
    failing = {**passing, "ind_main_enterprise_share": Decimal("50")}
    del failing["lab_unemployment"]
    check = check_exit("X", 2025, failing)
    assert not check.passed
    assert [(r.criterion.code, r.passed) for r in check.results if not r.passed] == [
        ("ind_main_enterprise_share", False), ("lab_unemployment", False)]
    assert len(EXIT_CRITERIA) == 5
