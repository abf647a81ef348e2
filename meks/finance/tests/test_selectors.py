"""Financing selectors: who sees which applications, the mismatch report on purpose-built data, the summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from meks.finance import selectors, services
from meks.finance.choices import MismatchKind
from meks.portfolio import services as portfolio_services

from .conftest import approve, channel


@pytest.fixture
def spread(users, make_application, make_project):
    """Applications in Karaganda and Mangystau, at several stages, routed to two banks and KHC."""
    draft = make_application(steps=[])
    in_review = make_application()
    to_bank = make_application()
    approve(users, to_bank, lender="bank")
    to_bank2 = make_application()
    approve(users, to_bank2, lender="bank2")
    mangystau = make_application(project=make_project(region="47"), channel_code="khc_bonds",
                                 steps=[("submit", "akimat.mangystau"), ("take_for_conclusion", "techoperator"),
                                        ("pass_to_financial_review", "techoperator")])
    approve(users, mangystau, lender="khc", reviewer="khc", round_number=1)
    return {"draft": draft, "in_review": in_review, "bank": to_bank, "bank2": to_bank2, "mangystau": mangystau}


def visible(user):
    return set(selectors.application_list(user=user).values_list("pk", flat=True))


def test_scope_by_role(users, spread):
    every = {application.pk for application in spread.values()}
    assert visible(users["office"]) == every
    assert visible(users["techoperator"]) == every
    assert visible(users["ministry"]) == every
    assert visible(users["baiterek"]) == every - {spread["draft"].pk}
    assert visible(users["bank"]) == {spread["bank"].pk}
    assert visible(users["bank2"]) == {spread["bank2"].pk}
    assert visible(users["khc"]) == {spread["mangystau"].pk}
    assert visible(users["akimat.mangystau"]) == {spread["mangystau"].pk}
    assert visible(users["akimat.karaganda"]) == every - {spread["mangystau"].pk}
    assert visible(users["utility"]) == every - {spread["mangystau"].pk}
    assert visible(users["contractor"]) == set()
    assert visible(users["operator"]) == set()


def test_bank_cannot_open_another_banks_application(users, spread):
    with pytest.raises(Http404):
        selectors.application_get(user=users["bank"], pk=spread["bank2"].pk)
    assert selectors.application_get(user=users["bank2"], pk=spread["bank2"].pk).pk == spread["bank2"].pk


def test_financial_operator_keeps_seeing_what_it_returned(users, make_application):
    application = make_application()
    services.application_transition(actor=users["baiterek"], application=application, action="return",
                                    reason="Нет залога")
    assert visible(users["baiterek"]) == {application.pk}
    early = make_application(steps=[("submit", "utility"), ("take_for_conclusion", "techoperator")])
    services.application_transition(actor=users["techoperator"], application=early, action="return", reason="x")
    assert early.pk not in visible(users["baiterek"])


def test_available_actions(users, spread):
    routed = spread["in_review"]
    names = lambda username, app: [a.action for a in selectors.application_available_actions(  # noqa: E731
        user=users[username], application=app)]
    assert names("baiterek", routed) == ["route", "return", "reject"]
    assert names("bank", routed) == []
    assert names("utility", routed) == ["withdraw"]
    approved = selectors.application_get(user=users["bank"], pk=spread["bank"].pk)
    assert names("bank", approved) == ["sign_agreement", "plan_tranche"]
    assert names("bank2", approved) == []


def test_summary_counts_rounds_groups_and_changes_with_one_more_approval(users, spread, make_application):
    summary = selectors.finance_summary(user=users["office"])
    rounds = {row["round"]: row for row in summary["rounds"]}
    assert (rounds[2]["count"], rounds[2]["amount"]) == (2, Decimal("2000000000.00"))
    groups = {row["group"]: (row["count"], row["filter"]) for row in rounds[2]["groups"]}
    assert groups["banks"][0] == 2 and groups["khc"][0] == 0
    assert groups["banks"][1] == {"status": "approved,agreement_signed,disbursing,disbursed", "round": "2",
                                  "lender_kind": "development_bank,bank"}
    assert rounds[1]["count"] == 1 and {r["group"]: r["count"] for r in rounds[1]["groups"]}["khc"] == 1
    # the drill-down lists exactly the records counted
    filters = selectors.ApplicationFilters.from_query(groups["banks"][1])
    assert selectors.application_list(user=users["office"], filters=filters).count() == 2
    pipeline = {row["status"]: row["count"] for row in summary["pipeline"]}
    assert (pipeline["draft"], pipeline["financial_review"], pipeline["approved"]) == (1, 1, 3)

    another = make_application()
    approve(users, another, lender="bank")
    rounds = {row["round"]: row for row in selectors.finance_summary(user=users["office"])["rounds"]}
    assert rounds[2]["count"] == 3

    bank_view = {row["round"]: row["count"] for row in selectors.finance_summary(user=users["bank"])["rounds"]}
    assert bank_view == {2: 2}


def test_review_time_and_bottlenecks(users, make_application):
    from django.utils import timezone

    now = timezone.now()
    application = make_application(steps=[], at=now - dt.timedelta(days=12))
    services.application_transition(actor=users["utility"], application=application, action="submit",
                                    at=now - dt.timedelta(days=9))
    summary = selectors.finance_summary(user=users["office"], now=now)
    submitted = next(row for row in summary["review_time"] if row["status"] == "submitted")
    assert (submitted["in_stage"], submitted["over_target"], submitted["target_days"]) == (1, 1, 5)
    assert summary["bottlenecks"][0]["number"] == application.number
    assert summary["bottlenecks"][0]["days_waiting"] == 9
    overdue = selectors.ApplicationFilters.from_query(submitted["over_target_filter"])
    assert list(selectors.application_list(user=users["office"], filters=overdue, now=now)) == [application]


def test_disbursement_flag_against_physical_progress(users, make_application, make_project_in_implementation):
    project = make_project_in_implementation()
    application = make_application(project=project)
    approve(users, application)
    application = services.application_transition(actor=users["bank"], application=application, action="sign_agreement",
                                                  agreement_number="A", agreement_date=dt.date(2026, 11, 2))
    services.tranche_pay(actor=users["bank"], application=application, amount="500000000", paid_on=dt.date(2026, 11, 3))
    flag = lambda: selectors.application_get(user=users["office"], pk=application.pk).disbursement_flag  # noqa: E731
    assert flag() == "ahead"  # 50% paid, no physical progress reported
    portfolio_services.progress_report_submit(actor=users["utility"], project=project, period=dt.date(2026, 10, 1),
                                              completion_percent=Decimal("45"))
    assert flag() == "in_line"
    portfolio_services.progress_report_submit(actor=users["utility"], project=project, period=dt.date(2026, 11, 1),
                                              completion_percent=Decimal("95"))
    assert flag() == "behind"  # 50% paid, 95% built: 45 points behind (margin 25)


def test_mismatch_report_finds_each_kind(users, make_project):
    ready_fields = dict.fromkeys(("ready_design", "ready_expertise", "ready_land", "ready_akimat_decision", "ready_financing", "ready_tender_documents"), True)
    ready = make_project(**ready_fields)
    not_ready = make_project()
    budget = channel("republican_budget")
    office = users["office"]
    # a plan with no budget line
    lonely_plan = services.financing_plan_set(actor=office, project=ready, year=2026, source=budget, amount="100")
    # a line with no project
    orphan = services.budget_line_create(actor=office, administrator_code="217", programme_code="055",
                                         subprogramme_code="000", year=2026, allocated=Decimal("500"))
    # amounts that disagree: a line of 300 with plans of 250
    line = services.budget_line_create(actor=office, administrator_code="217", programme_code="055",
                                       subprogramme_code="015", year=2027, project=ready, allocated=Decimal("300"))
    services.financing_plan_set(actor=office, project=ready, year=2027, source=budget, amount="250", budget_line=line)
    # money allocated to a project that is not ready
    not_ready_line = services.budget_line_create(actor=office, administrator_code="217", programme_code="055",
                                                 subprogramme_code="016", year=2026, project=not_ready,
                                                 allocated=Decimal("700"))
    services.financing_plan_set(actor=office, project=not_ready, year=2026, source=budget, amount="700",
                                budget_line=not_ready_line)
    # in sync: a matching line and plan for a ready project, and a loan-funded plan (needs no budget line)
    synced = services.budget_line_create(actor=office, administrator_code="217", programme_code="055",
                                         subprogramme_code="017", year=2028, project=ready, allocated=Decimal("90"))
    services.financing_plan_set(actor=office, project=ready, year=2028, source=budget, amount="90", budget_line=synced)
    services.financing_plan_set(actor=office, project=ready, year=2026, source=channel("dbk_loan"), amount="1000")

    found = {(m.kind, m.budget_line.pk if m.budget_line else None, m.plan.pk if m.plan else None)
             for m in selectors.budget_mismatches(user=office)}
    assert found == {
        (MismatchKind.PLAN_WITHOUT_LINE, None, lonely_plan.pk),
        (MismatchKind.LINE_WITHOUT_PROJECT, orphan.pk, None),
        (MismatchKind.AMOUNTS_DISAGREE, line.pk, None),
        (MismatchKind.NOT_READY, not_ready_line.pk, None),
    }
    disagree = next(m for m in selectors.budget_mismatches(user=office) if m.kind == MismatchKind.AMOUNTS_DISAGREE)
    assert disagree.difference == Decimal("-50")
    only = selectors.budget_mismatches(user=office, filters=selectors.BudgetFilters(kind="not_ready"))
    assert [m.project for m in only] == [not_ready]
    assert selectors.budget_mismatches(user=users["bank"]) == []
    assert {m.kind for m in selectors.budget_mismatches(user=users["akimat.mangystau"])} == set()


def test_summary_and_list_cost_a_constant_number_of_queries(users, spread, make_application, make_project):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost():
        with CaptureQueriesContext(connection) as summary:
            selectors.finance_summary(user=users["office"])
        with CaptureQueriesContext(connection) as listing:
            list(selectors.application_list(user=users["office"]))
        return len(summary.captured_queries), len(listing.captured_queries)

    before = cost()
    for _ in range(3):
        approve(users, make_application(project=make_project(region="47"), channel_code="khc_bonds", steps=[
            ("submit", "akimat.mangystau"), ("take_for_conclusion", "techoperator"),
            ("pass_to_financial_review", "techoperator")]), lender="khc")
    assert cost() == before
