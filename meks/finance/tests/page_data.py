"""A small financing data set for the page tests, built through the services on top of the demo portfolio.

- ``draft``: a Karaganda utility project's application, a draft;
- ``submitted``: another of its applications, submitted;
- ``bank_paid``: routed to the demo bank, approved in round 2, agreement signed, one tranche paid;
- ``khc``: a Mangystau project's KHC bond buyback, approved in round 2;
- ``other_bank``: routed to a second bank (not the demo one), in the lender's review;
- ``review``: in the financial operator's review (not yet routed).

Budget lines and plans: one of each kind of mismatch.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization
from meks.accounts.services import organization_create
from meks.finance import services
from meks.finance.models import FinancingChannel
from meks.portfolio.models import Project

D = dt.date


def channel(code: str) -> FinancingChannel:
    return FinancingChannel.objects.get(code=code)


def to_review(application, users: dict, *, submitter=None):
    """Submit (as ``submitter``; the system when None), conclude and pass to the financial operator."""
    services.application_transition(actor=submitter, application=application, action="submit")
    services.application_transition(actor=users["techoperator"], application=application, action="take_for_conclusion")
    services.application_transition(actor=users["techoperator"], application=application,
                                    action="pass_to_financial_review")
    return application


def build_page_data(users: dict) -> dict:
    """The applications by name, and the second bank."""
    utility = users["utility"]
    bank = Organization.objects.get(kind=OrganizationKind.BANK, name_en__startswith="Demo Bank")
    khc = Organization.objects.get(kind=OrganizationKind.HOUSING_COMPANY)
    other_bank = organization_create(actor=None, kind=OrganizationKind.BANK, name_ru="АО «Другой банк»",
                                     name_kk="«Басқа банк» АҚ", name_en="Other Bank JSC", bin="990340000004")
    p1, p2, p3, p4 = (Project.objects.get(code=code) for code in ("MEKS-35-001", "MEKS-35-002", "MEKS-35-005",
                                                                     "MEKS-35-006"))
    mangystau = Project.objects.get(code="MEKS-47-001")
    made = {}
    made["draft"] = services.application_create(actor=utility, project=p1, channel=channel("bank_loan"),
                                                amount_requested=Decimal("800000000"), term_months=120,
                                                rate=Decimal("6"), documents={"feasibility_study": True})
    made["submitted"] = services.application_create(actor=utility, project=p2, channel=channel("dbk_loan"),
                                                    amount_requested=Decimal("500000000"))
    services.application_transition(actor=utility, application=made["submitted"], action="submit")

    paid = services.application_create(actor=utility, project=p3, channel=channel("bank_loan"),
                                       amount_requested=Decimal("2000000000"), term_months=180)
    to_review(paid, users, submitter=utility)
    services.application_transition(actor=users["baiterek"], application=paid, action="route", lender=bank)
    paid.refresh_from_db()
    services.decision_record(actor=users["bank"], application=paid, expected_version=paid.version,
                             body="Кредитный комитет", number="KK-12", date=D(2026, 3, 1),
                             amount_approved=Decimal("1800000000"), amount_reason="Collateral limit", round=2)
    services.application_transition(actor=users["bank"], application=paid, action="sign_agreement",
                                    agreement_number="AG-7", agreement_date=D(2026, 3, 10))
    services.tranche_plan(actor=users["bank"], application=paid, planned_date=D(2026, 4, 1),
                          planned_amount=Decimal("900000000"))
    services.tranche_pay(actor=users["bank"], application=paid, amount=Decimal("900000000"), paid_on=D(2026, 4, 2))
    made["bank_paid"] = paid

    khc_app = services.application_create(actor=None, project=mangystau, channel=channel("khc_bonds"),
                                          amount_requested=Decimal("700000000"))
    to_review(khc_app, users)
    services.application_transition(actor=users["baiterek"], application=khc_app, action="route", lender=khc)
    khc_app.refresh_from_db()
    services.decision_record(actor=users["khc"], application=khc_app, expected_version=khc_app.version,
                             body="Правление КЖК", number="P-3", date=D(2026, 3, 5),
                             amount_approved=Decimal("700000000"), round=2)
    made["khc"] = khc_app

    other = services.application_create(actor=utility, project=p4, channel=channel("bank_loan"),
                                        amount_requested=Decimal("1000000000"))
    to_review(other, users, submitter=utility)
    services.application_transition(actor=users["baiterek"], application=other, action="route", lender=other_bank)
    made["other_bank"] = other

    review = services.application_create(actor=utility, project=p1, channel=channel("dbk_loan"),
                                         amount_requested=Decimal("300000000"))
    to_review(review, users, submitter=utility)
    made["review"] = review
    for application in made.values():
        application.refresh_from_db()
    made["other_bank_org"] = other_bank
    made["projects"] = {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "mangystau": mangystau}
    return made


def build_budget_data() -> dict:
    """One mismatch of each kind (and one line that agrees with its plan), in 2026."""
    from meks.portfolio.readiness import READINESS_FIELDS
    from meks.territory.models import Region

    karaganda = Region.objects.get(kato="35")
    ready = Project.objects.filter(region=karaganda, **dict.fromkeys(READINESS_FIELDS, True)).order_by("code")
    not_ready = Project.objects.filter(region=karaganda).exclude(pk__in=ready.values("pk")).order_by("code")
    ok_project, unlined_project, disagree_project = ready[0], ready[1], ready[2]
    unready_project = not_ready[0]
    budget = channel("republican_budget")
    lines = {}
    lines["ok"] = services.budget_line_create(actor=None, administrator_code="231", programme_code="029",
                                              subprogramme_code="015", year=2026, project=ok_project,
                                              allocated=Decimal("400000000"))
    services.financing_plan_set(actor=None, project=ok_project, year=2026, source=budget,
                                amount=Decimal("400000000"), budget_line=lines["ok"])
    services.financing_plan_set(actor=None, project=unlined_project, year=2026, source=budget,
                                amount=Decimal("250000000"))
    lines["orphan"] = services.budget_line_create(actor=None, administrator_code="231", programme_code="029",
                                                  subprogramme_code="016", year=2026, region=karaganda,
                                                  allocated=Decimal("90000000"))
    lines["disagree"] = services.budget_line_create(actor=None, administrator_code="231", programme_code="029",
                                                    subprogramme_code="017", year=2026, project=disagree_project,
                                                    allocated=Decimal("500000000"))
    services.financing_plan_set(actor=None, project=disagree_project, year=2026, source=budget,
                                amount=Decimal("450000000"), budget_line=lines["disagree"])
    lines["unready"] = services.budget_line_create(actor=None, administrator_code="231", programme_code="029",
                                                   subprogramme_code="018", year=2026, project=unready_project,
                                                   allocated=Decimal("120000000"))
    services.financing_plan_set(actor=None, project=unready_project, year=2026, source=budget,
                                amount=Decimal("120000000"), budget_line=lines["unready"])
    return {"lines": lines, "projects": {"ok": ok_project, "unlined": unlined_project,
                                         "disagree": disagree_project, "unready": unready_project}}
