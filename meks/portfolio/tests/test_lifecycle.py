import datetime as dt

import pytest

from meks.core.errors import ConcurrentEditError, TransitionError
from meks.portfolio import services
from meks.portfolio.models import Milestone, Project, StatusChange
from meks.portfolio.readiness import READINESS_FIELDS

from .conftest import TO_CONFIRMED, move


def state(project):
    project.refresh_from_db()
    return (project.status, project.version, StatusChange.objects.filter(project=project).count(),
            project.history.count())


def test_a_project_moves_from_draft_to_implementation(demo, make_project):
    project = make_project(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))
    move(project, demo, *TO_CONFIRMED)
    services.project_update(actor=demo["akimat.karaganda"], project=project, expected_version=project.version,
                            **dict.fromkeys(READINESS_FIELDS, True))
    move(project, demo, ("start_procurement", "utility"))
    contract = project.milestones.get(kind="contract_signed")
    services.milestone_update(actor=demo["utility"], milestone=contract, expected_version=contract.version,
                              actual_date=dt.date(2026, 6, 1))
    move(project, demo, ("start_implementation", "akimat.karaganda"))
    assert project.status == "implementation"
    path = list(StatusChange.objects.filter(project=project).order_by("changed_at", "pk").values_list("to_status", flat=True))
    assert path == ["submitted", "document_check", "technical_review", "commission_decision", "confirmed",
                    "contractor_determination", "implementation"]
    assert StatusChange.objects.filter(project=project, to_status="confirmed").get().actor == demo["office"]


def test_contractor_determination_needs_a_complete_checklist(demo, make_project):
    project = move(make_project(), demo, *TO_CONFIRMED)
    services.project_update(actor=demo["office"], project=project, expected_version=project.version,
                            ready_design=True, ready_land=True)
    project.refresh_from_db()
    before = state(project)
    with pytest.raises(TransitionError) as error:
        services.project_transition(actor=demo["office"], project=project, action="start_procurement")
    assert "readiness checklist is incomplete" in error.value.messages[0]
    assert "State expertise" in error.value.messages[0] or "state expertise" in error.value.messages[0]
    assert state(project) == before


@pytest.mark.parametrize(("username", "code"), [("akimat.mangystau", "forbidden"), ("contractor", "forbidden"),
                                                ("utility", "forbidden")])
def test_the_wrong_role_is_refused_and_nothing_changes(demo, make_project, username, code):
    project = move(make_project(), demo, ("submit", "office"))
    before = state(project)
    with pytest.raises(TransitionError) as error:
        services.project_transition(actor=demo[username], project=project, action="start_document_check")
    assert error.value.code == code
    assert state(project) == before


def test_an_illegal_move_is_refused_with_the_current_status(demo, make_project):
    project = make_project()
    before = state(project)
    with pytest.raises(TransitionError) as error:
        services.project_transition(actor=demo["office"], project=project, action="confirm")
    assert error.value.code == "wrong_status"
    assert "Draft" in error.value.messages[0]
    assert state(project) == before


def test_rejection_needs_a_reason(demo, make_project):
    project = move(make_project(), demo, *TO_CONFIRMED[:4])
    with pytest.raises(TransitionError) as error:
        services.project_transition(actor=demo["office"], project=project, action="reject", reason="  ")
    assert error.value.code == "reason_required"
    services.project_transition(actor=demo["office"], project=project, action="reject", reason="Не соответствует критериям")
    project.refresh_from_db()
    assert project.status == "rejected"


def test_suspend_and_resume_return_to_the_earlier_status(demo, make_project):
    project = move(make_project(), demo, *TO_CONFIRMED)
    services.project_transition(actor=demo["office"], project=project, action="suspend", reason="Проверка")
    project.refresh_from_db()
    assert (project.status, project.status_before_suspension) == ("suspended", "confirmed")
    services.project_transition(actor=demo["office"], project=project, action="resume", reason="Проверка завершена")
    project.refresh_from_db()
    assert (project.status, project.status_before_suspension) == ("confirmed", "")


def test_a_stale_version_is_refused(demo, make_project):
    project = make_project()
    stale = project.version
    services.project_update(actor=demo["office"], project=project, expected_version=stale, title_ru="Новое название")
    with pytest.raises(ConcurrentEditError) as error:
        services.project_update(actor=demo["akimat.karaganda"], project=Project.objects.get(pk=project.pk),
                                expected_version=stale, cost_estimate=5)
    assert "Сейткали Айгерим Маратовна" in error.value.messages[0]
    project.refresh_from_db()
    assert project.title_ru == "Новое название"
    assert project.cost_estimate == 1000000000


def test_a_project_gets_the_standard_milestones_and_a_first_baseline(make_project):
    project = make_project(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))
    kinds = list(project.milestones.order_by("order").values_list("kind", "baseline_date"))
    assert kinds[0] == ("design", dt.date(2026, 2, 6))
    assert kinds[-1] == ("commissioned", dt.date(2027, 12, 31))
    assert len(kinds) == 7
    baseline = project.baselines.get()
    assert (baseline.number, baseline.status, baseline.dates["commissioned"]) == (1, "approved", "2027-12-31")


def test_rebaselining_needs_the_office_and_keeps_every_baseline(demo, make_project):
    project = make_project(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))
    proposal = services.baseline_propose(actor=demo["utility"], project=project,
                                         dates={"commissioned": dt.date(2028, 6, 30)}, reason="Сдвиг поставки")
    with pytest.raises(Exception, match="project office"):
        services.baseline_decide(actor=demo["akimat.karaganda"], baseline=proposal, approve=True)
    assert project.milestones.get(kind="commissioned").baseline_date == dt.date(2027, 12, 31)
    services.baseline_decide(actor=demo["office"], baseline=proposal, approve=True, reason="Согласовано")
    assert project.milestones.get(kind="commissioned").baseline_date == dt.date(2028, 6, 30)
    assert list(project.baselines.order_by("number").values_list("number", "status")) == [(1, "approved"), (2, "approved")]
    assert project.baselines.get(number=1).dates["commissioned"] == "2027-12-31"


def test_a_baseline_date_cannot_be_typed_over(demo, make_project):
    project = make_project(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))
    milestone = project.milestones.get(kind="design")
    with pytest.raises(Exception, match="re-baselining"):
        services.milestone_update(actor=demo["office"], milestone=milestone, expected_version=milestone.version,
                                  baseline_date=dt.date(2030, 1, 1))
    assert Milestone.objects.get(pk=milestone.pk).baseline_date == dt.date(2026, 2, 6)


def test_progress_that_goes_down_needs_an_explanation(demo, make_project):
    project = make_project(start=dt.date(2025, 1, 1), end=dt.date(2026, 12, 31), planned_km_heat=10)
    Project.objects.filter(pk=project.pk).update(status="implementation")
    project.refresh_from_db()
    services.progress_report_submit(actor=demo["utility"], project=project, period=dt.date(2026, 8, 1),
                                    completion_percent=40, km_heat=4)
    with pytest.raises(Exception, match="went down"):
        services.progress_report_submit(actor=demo["utility"], project=project, period=dt.date(2026, 9, 1),
                                        completion_percent=35, km_heat=4)
    with pytest.raises(Exception, match="exceeds the plan"):
        services.progress_report_submit(actor=demo["utility"], project=project, period=dt.date(2026, 9, 1),
                                        completion_percent=50, km_heat=12)
    services.progress_report_submit(actor=demo["utility"], project=project, period=dt.date(2026, 9, 1),
                                    completion_percent=35, km_heat=4, explanation="Пересчёт объёмов по акту")
    assert project.progress_reports.count() == 2


def test_deleting_a_draft_and_refusing_to_delete_later(demo, make_project):
    draft = make_project()
    services.project_delete(actor=demo["office"], project=draft, reason="Ошибочная регистрация")
    assert not Project.objects.filter(pk=draft.pk).exists()
    submitted = move(make_project(), demo, ("submit", "office"))
    with pytest.raises(Exception, match="Only a draft"):
        services.project_delete(actor=demo["office"], project=submitted, reason="x")
