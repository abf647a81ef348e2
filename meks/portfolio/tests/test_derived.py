"""Lag, delivery confidence and the region rating, computed from records (fixed dates)."""

import datetime as dt
from decimal import Decimal

from meks.portfolio import selectors, services
from meks.portfolio.confidence import level_for_points
from meks.portfolio.models import Milestone, Project, RatingWeight
from meks.portfolio.rating import compute_rating
from meks.portfolio.readiness import READINESS_FIELDS
from meks.portfolio.schedule import milestone_lag

from .conftest import TODAY


def test_milestone_lag_rules():
    m = Milestone(baseline_date=dt.date(2026, 11, 1))
    assert milestone_lag(m, TODAY) == 20  # overdue, not done
    m.forecast_date = dt.date(2026, 12, 15)
    assert milestone_lag(m, TODAY) == 44  # forecast late
    m.actual_date = dt.date(2026, 11, 5)
    assert milestone_lag(m, TODAY) == 4  # done late
    m.actual_date = dt.date(2026, 10, 20)
    assert milestone_lag(m, TODAY) == 0  # done early
    future = Milestone(baseline_date=dt.date(2027, 3, 1))
    assert milestone_lag(future, TODAY) == 0


def test_database_lag_matches_the_python_rule(demo, make_project):
    project = make_project(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))
    design = project.milestones.get(kind="design")
    services.milestone_update(actor=demo["office"], milestone=design, expected_version=1, actual_date=dt.date(2026, 2, 20))
    rows = list(selectors.milestone_schedule(project=project, on=TODAY))
    assert [(m.kind, m.lag_days) for m in rows] == [(m.kind, milestone_lag(m, TODAY)) for m in rows]
    assert rows[0].lag_days == 14
    listed = selectors.project_list(user=demo["office"], on=TODAY).get(pk=project.pk)
    assert listed.lag_days == max(m.lag_days for m in rows)


def test_confidence_points_to_levels():
    assert [level_for_points(p) for p in range(6)] == ["green", "amber_green", "amber", "amber_red", "red", "red"]


def test_a_late_milestone_moves_lag_confidence_and_the_late_list(demo, make_project):
    project = make_project(start=TODAY - dt.timedelta(days=30), end=TODAY + dt.timedelta(days=600))
    services.project_transition(actor=demo["office"], project=project, action="submit")
    fresh = selectors.project_get(user=demo["office"], pk=project.pk)
    assert (fresh.lag_days, fresh.confidence) == (0, "green")
    index_before = {s.region.kato: s for s in compute_rating()}["35"]
    assert index_before.components["schedule"] == Decimal("1.0000")
    assert project.pk not in [p.pk for p in selectors.late_projects(user=demo["office"])]
    design = project.milestones.get(kind="design")
    services.milestone_update(actor=demo["office"], milestone=design, expected_version=design.version,
                              forecast_date=design.baseline_date + dt.timedelta(days=100))
    late = selectors.project_get(user=demo["office"], pk=project.pk)
    assert late.lag_days == 100
    assert late.confidence == "amber_red"  # 91–180 days: 3 points
    listed = selectors.late_projects(user=demo["office"])
    assert [p.pk for p in listed] == [project.pk]
    assert listed[0].responsible.get_full_name() == "Ким Виктор Алексеевич"
    index_after = {s.region.kato: s for s in compute_rating()}["35"]
    assert index_after.components["schedule"] == Decimal("0.0000")
    assert index_after.index < index_before.index


def test_the_office_overrides_confidence_with_a_reason_kept_in_history(demo, make_project):
    project = make_project()
    services.confidence_override_set(actor=demo["office"], project=project, level="red", reason="Риск подрядчика",
                                     expected_version=project.version)
    assert selectors.project_get(user=demo["office"], pk=project.pk).confidence == "red"
    assert project.history.first().confidence_override_reason == "Риск подрядчика"


def _advance(project, users, ready=True):
    from .conftest import TO_CONFIRMED, move

    move(project, users, *TO_CONFIRMED)
    if ready:
        services.project_update(actor=users["office"], project=project, expected_version=project.version,
                                **dict.fromkeys(READINESS_FIELDS, True))


def test_rating_of_a_hand_made_example(demo, make_project):
    # Karaganda: one confirmed, fully ready project on schedule; Mangystau: one submitted, nothing ready.
    karaganda = make_project(region="35", start=TODAY + dt.timedelta(days=10), end=TODAY + dt.timedelta(days=700))
    _advance(karaganda, demo)
    mangystau = make_project(region="47", start=TODAY + dt.timedelta(days=10), end=TODAY + dt.timedelta(days=700))
    services.project_transition(actor=demo["office"], project=mangystau, action="submit")
    scores = {score.region.kato: score for score in compute_rating(on=TODAY)}
    k, m = scores["35"], scores["47"]
    # No tender due yet: the component is left out, the other weights (0.85) are scaled up.
    assert k.components == {"past_selection": Decimal("1.0000"), "readiness": Decimal("1.0000"),
                            "tenders_on_time": None, "schedule": Decimal("1.0000"), "financing": Decimal("1.0000")}
    assert k.index == Decimal("100.00")
    assert m.components["past_selection"] == Decimal("0.0000")
    assert m.index == Decimal("23.53")  # schedule 1.0 x 0.20 / 0.85
    assert (k.rank, m.rank) == (1, 2)
    RatingWeight.objects.create(component="schedule", weight=Decimal("0"))
    assert {s.region.kato: s.index for s in compute_rating(on=TODAY)}["47"] == Decimal("0.00")


def test_adding_moving_and_deleting_projects_changes_the_funnel(demo, make_project):
    def stages():
        return {row["stage"]: (row["count"], row["total"]) for row in selectors.pipeline_funnel(user=demo["office"])}

    project = make_project(cost="500000000")
    assert stages()["application"] == (1, Decimal("500000000.00"))
    services.project_transition(actor=demo["office"], project=project, action="submit")
    assert stages()["application"] == (0, Decimal("0"))
    assert stages()["selection"] == (1, Decimal("500000000.00"))
    other = make_project(cost="250000000")
    services.project_delete(actor=demo["office"], project=other, reason="Дубликат")
    assert stages()["application"] == (0, Decimal("0"))
    assert Project.objects.count() == 1
