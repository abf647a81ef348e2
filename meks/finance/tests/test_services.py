"""Financing services: the lifecycle, decisions, tranches and every refusal of the issue's "bad input"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from meks.core.errors import ConcurrentEditError, ServiceError, TransitionError
from meks.core.testing.matrix import snapshot
from meks.finance import services
from meks.finance.models import FinancingApplication, FinancingDecision, StageChange, Tranche
from meks.finance.selectors import application_stage_times

from .conftest import approve, channel


def state():
    return snapshot(FinancingApplication.objects.all(), FinancingDecision.objects.all(), Tranche.objects.all(),
                    StageChange.objects.all())


def test_full_lifecycle_records_each_stage(users, make_application):
    application = make_application()
    assert application.status == "financial_review"
    decision = approve(users, application)
    application.refresh_from_db()
    assert (application.status, application.round, application.lender.kind) == ("approved", 2, "bank")
    assert decision.amount_approved == Decimal("1000000000.00")
    application = services.application_transition(
        actor=users["bank"], application=application, action="sign_agreement", agreement_number="A-1",
        agreement_date=dt.date(2026, 11, 5))
    services.tranche_plan(actor=users["bank"], application=application, planned_date=dt.date(2026, 12, 1),
                          planned_amount="600000000")
    first = services.tranche_pay(actor=users["bank"], application=application, amount="600000000",
                                 paid_on=dt.date(2026, 12, 1),
                                 tranche=application.tranches.get(number=1))
    application.refresh_from_db()
    assert (first.number, application.status) == (1, "disbursing")
    services.tranche_pay(actor=users["bank"], application=application, amount="400000000", paid_on=dt.date(2026, 12, 20))
    application.refresh_from_db()
    assert application.status == "disbursed"
    moves = list(application.stage_changes.values_list("from_status", "to_status"))
    assert moves == [
        ("", "draft"), ("draft", "submitted"), ("submitted", "technical_conclusion"),
        ("technical_conclusion", "financial_review"), ("financial_review", "routed"), ("routed", "approved"),
        ("approved", "agreement_signed"), ("agreement_signed", "disbursing"), ("disbursing", "disbursed"),
    ]


def test_time_in_stage_is_measured(users, make_project):
    start = timezone.now() - dt.timedelta(days=30)
    application = services.application_create(actor=users["utility"], project=make_project(),
                                               channel=channel("dbk_loan"), amount_requested="5000000", at=start)
    services.application_transition(actor=users["utility"], application=application, action="submit",
                                    at=start + dt.timedelta(days=2))
    application = services.application_transition(actor=users["techoperator"], application=application,
                                                  action="take_for_conclusion", at=start + dt.timedelta(days=10))
    change = application.stage_changes.get(to_status="technical_conclusion")
    assert change.days_in_stage == Decimal("8.00")
    times = {row.status: row for row in application_stage_times(application=application, now=start + dt.timedelta(days=30))}
    assert times["draft"].days == Decimal("2.00")
    assert times["submitted"].days == Decimal("8.00") and times["submitted"].over_target  # target 5
    assert times["technical_conclusion"].days == Decimal("20.00") and times["technical_conclusion"].current
    assert times["technical_conclusion"].over_target  # target 15
    assert not times["draft"].over_target  # no target for a draft


@pytest.mark.parametrize("amount", ["0", "-5", "abc"])
def test_non_positive_amount_refused(users, make_project, amount):
    project = make_project()
    before = state()
    with pytest.raises(ServiceError):
        services.application_create(actor=users["utility"], project=project, channel=channel("bank_loan"),
                                    amount_requested=amount)
    assert state() == before


def test_transition_out_of_order_refused(users, make_application):
    application = make_application(steps=[])
    before = state()
    with pytest.raises(TransitionError) as error:
        services.application_transition(actor=users["baiterek"], application=application, action="route",
                                        lender=users["bank"].organization)
    assert "not possible while the application is “Draft”" in str(error.value.messages[0])
    assert state() == before


def test_approval_above_request_needs_reason(users, make_application):
    application = make_application()
    application = services.application_transition(actor=users["baiterek"], application=application, action="route",
                                                  lender=users["bank"].organization)
    before = state()
    with pytest.raises(ServiceError) as error:
        services.decision_record(actor=users["bank"], application=application, expected_version=application.version,
                                 body="KK", number="1", date=dt.date(2026, 11, 1), amount_approved="1200000000",
                                 round=2)
    assert error.value.message_dict["amount_reason"] == [
        "The amount approved exceeds the amount requested: give the reason."]
    assert state() == before
    decision = services.decision_record(
        actor=users["bank"], application=application, expected_version=application.version, body="KK", number="1",
        date=dt.date(2026, 11, 1), amount_approved="800000000", round=2, amount_reason="Collateral covers 80%")
    assert decision.amount_approved == Decimal("800000000.00")


def test_two_reviewers_deciding_at_once_one_wins(users, make_application):
    application = make_application()
    application = services.application_transition(actor=users["baiterek"], application=application, action="route",
                                                  lender=users["bank"].organization)
    seen_by_both = application.version
    services.decision_record(actor=users["bank"], application=application, expected_version=seen_by_both, body="KK",
                             number="1", date=dt.date(2026, 11, 1), amount_approved=application.amount_requested, round=2)
    before = state()
    with pytest.raises(ConcurrentEditError):
        services.decision_record(actor=users["baiterek"], application=application, expected_version=seen_by_both,
                                 body="Правление", number="2", date=dt.date(2026, 11, 1),
                                 amount_approved=application.amount_requested, round=2)
    assert state() == before
    assert FinancingDecision.objects.filter(application=application).count() == 1


def test_disbursement_above_approved_refused(users, make_application):
    application = make_application()
    approve(users, application, amount="900000000", reason="Partial")
    application = services.application_transition(actor=users["bank"], application=application,
                                                  action="sign_agreement", agreement_number="A", agreement_date=dt.date(2026, 11, 2))
    services.tranche_pay(actor=users["bank"], application=application, amount="500000000", paid_on=dt.date(2026, 11, 3))
    before = state()
    with pytest.raises(ServiceError) as error:
        services.tranche_pay(actor=users["bank"], application=application, amount="400000000.01",
                             paid_on=dt.date(2026, 11, 4))
    assert "above the 900000000.00 tenge approved" in error.value.message_dict["amount"][0]
    assert state() == before
    with pytest.raises(ServiceError):
        services.tranche_plan(actor=users["bank"], application=application, planned_date=dt.date(2027, 1, 1),
                              planned_amount="900000000.01")
    assert state() == before


def test_route_checks_lender_kind(users, make_application):
    application = make_application(channel_code="khc_bonds")
    before = state()
    with pytest.raises(ServiceError) as error:
        services.application_transition(actor=users["baiterek"], application=application, action="route",
                                        lender=users["bank"].organization)
    assert "lender" in error.value.message_dict
    with pytest.raises(ServiceError):
        services.application_transition(actor=users["baiterek"], application=application, action="route")
    assert state() == before
    routed = services.application_transition(actor=users["baiterek"], application=application, action="route",
                                             lender=users["khc"].organization)
    assert routed.lender == users["khc"].organization


def test_only_the_routed_lender_decides(users, make_application):
    application = make_application()
    application = services.application_transition(actor=users["baiterek"], application=application, action="route",
                                                  lender=users["bank"].organization)
    before = state()
    for outsider in ("bank2", "khc", "utility", "akimat.karaganda", "contractor"):
        with pytest.raises(ServiceError) as error:
            services.decision_record(actor=users[outsider], application=application,
                                     expected_version=application.version, body="KK", number="1",
                                     date=dt.date(2026, 11, 1), amount_approved=application.amount_requested, round=2)
        assert error.value.code == "forbidden", outsider
    assert state() == before


def test_returned_needs_reason_and_can_be_resubmitted(users, make_application):
    application = make_application(steps=[("submit", "utility"), ("take_for_conclusion", "techoperator")])
    with pytest.raises(TransitionError):
        services.application_transition(actor=users["techoperator"], application=application, action="return")
    application = services.application_transition(actor=users["techoperator"], application=application,
                                                  action="return", reason="Нет экспертизы")
    assert (application.status, application.remarks) == ("returned", "Нет экспертизы")
    application = services.application_update(actor=users["utility"], application=application,
                                              expected_version=application.version,
                                              documents={"expertise_conclusion": True})
    application = services.application_transition(actor=users["utility"], application=application, action="submit")
    assert application.status == "submitted"


def test_application_refusals(users, make_project):
    project = make_project(cost="1000000")
    before = state()
    with pytest.raises(ServiceError) as error:
        services.application_create(actor=users["utility"], project=project, channel=channel("bank_loan"),
                                    amount_requested="1000001")
    assert error.value.message_dict == {"amount_requested": ["The amount requested exceeds the project's cost estimate."]}
    with pytest.raises(ServiceError) as error:
        services.application_create(actor=users["bank"], project=project, channel=channel("bank_loan"),
                                    amount_requested="100")
    assert error.value.code == "forbidden"
    with pytest.raises(ServiceError):
        services.application_create(actor=users["utility"], project=project, channel=channel("bank_loan"),
                                    amount_requested="100", documents={"nonsense": True})
    assert state() == before
    services.application_create(actor=users["utility"], project=project, channel=channel("bank_loan"),
                                amount_requested="100")
    with pytest.raises(ServiceError) as error:
        services.application_create(actor=users["utility"], project=project, channel=channel("bank_loan"),
                                    amount_requested="100")
    assert error.value.code == "duplicate"
