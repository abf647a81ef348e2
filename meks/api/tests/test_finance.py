"""Financing over the API: who sees what (a bank only its own), the whole flow, refusals, summary and mismatches."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization
from meks.accounts.services import organization_create, role_assign, user_create
from meks.core.access import Role
from meks.core.testing.matrix import check_matrix, snapshot
from meks.demo.identifiers import demo_bin
from meks.finance import services
from meks.finance.models import BudgetLine, FinancingApplication, FinancingChannel, FinancingDecision, Tranche
from meks.portfolio import services as portfolio_services
from meks.portfolio.models import Direction
from meks.territory.models import Region

API = "/api/v1/finance"
FINANCE_OPERATIONS = {
    ("/api/v1/finance/applications/", "get"),
    ("/api/v1/finance/applications/", "post"),
    ("/api/v1/finance/applications/{id}/", "get"),
    ("/api/v1/finance/applications/{id}/", "patch"),
    ("/api/v1/finance/applications/{id}/decision/", "post"),
    ("/api/v1/finance/applications/{id}/payments/", "post"),
    ("/api/v1/finance/applications/{id}/stages/", "get"),
    ("/api/v1/finance/applications/{id}/tranches/", "get"),
    ("/api/v1/finance/applications/{id}/tranches/", "post"),
    ("/api/v1/finance/applications/{id}/transitions/", "get"),
    ("/api/v1/finance/applications/{id}/transitions/", "post"),
    ("/api/v1/finance/budget-lines/", "get"),
    ("/api/v1/finance/budget-lines/", "post"),
    ("/api/v1/finance/budget-lines/{id}/", "get"),
    ("/api/v1/finance/budget-lines/{id}/", "patch"),
    ("/api/v1/finance/channels/", "get"),
    ("/api/v1/finance/mismatches/", "get"),
    ("/api/v1/finance/plans/", "get"),
    ("/api/v1/finance/plans/", "post"),
    ("/api/v1/finance/summary/", "get"),
}
TO_CONFIRMED = [("submit", "office"), ("start_document_check", "techoperator"), ("pass_document_check", "techoperator"),
                ("pass_technical_review", "ministry"), ("confirm", "office")]


@pytest.fixture
def users(demo):
    """The demo users and a second bank's lender, ``bank2``."""
    organization = organization_create(actor=None, kind=OrganizationKind.BANK, name_ru="Второй банк",
                                       name_en="Second Bank", bin=demo_bin(random.Random(11)))
    bank2 = user_create(actor=None, username="bank2", password=None, organization=organization, check_password=False)
    role_assign(actor=None, user=bank2, role=Role.BANK)
    return {**demo, "bank2": bank2}


@pytest.fixture
def api_for(users):
    def make(username: str) -> APIClient:
        token, _ = Token.objects.get_or_create(user=users[username])
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def client_as(api_for):
    """The ``client_for`` of the permission matrix, with tokens."""
    return api_for


@pytest.fixture
def project(users):
    direction = Direction.objects.create(code="heat", name_ru="Теплоснабжение", order=1)
    karaganda = Region.objects.get(kato="35")
    created = portfolio_services.project_create(
        actor=users["office"], code="F-35-001", title_ru="Теплосети", title_en="Heat networks", direction=direction,
        project_type="replacement", region=karaganda, owner=users["utility"].organization,
        responsible=users["utility"], cost_estimate=Decimal("5000000000"),
    )
    for action, username in TO_CONFIRMED:
        portfolio_services.project_transition(actor=users[username], project=created, action=action, reason="t")
    created.refresh_from_db()
    return created


def routed_to(users, project, lender: str) -> FinancingApplication:
    application = services.application_create(actor=users["utility"], project=project,
                                               channel=FinancingChannel.objects.get(code="bank_loan"),
                                               amount_requested="1000000000")
    for action, username in (("submit", "utility"), ("take_for_conclusion", "techoperator"),
                             ("pass_to_financial_review", "techoperator")):
        application = services.application_transition(actor=users[username], application=application, action=action)
    return services.application_transition(actor=users["baiterek"], application=application, action="route",
                                           lender=users[lender].organization)


def state():
    return snapshot(FinancingApplication.objects.all(), FinancingDecision.objects.all(), Tranche.objects.all())


def test_the_whole_flow_over_the_api(users, api_for, project):
    utility = api_for("utility")
    created = utility.post(f"{API}/applications/", {
        "project": project.pk, "channel": "bank_loan", "amount_requested": "1500000000.00", "term_months": 120,
        "rate": "5.00", "documents": {"feasibility_study": True},
    }, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["status_label"], body["decision"]) == ("draft", "Draft", None)
    pk = body["id"]

    def move(client, version, action, **extra):
        answer = client.post(f"{API}/applications/{pk}/transitions/", {"action": action, "version": version, **extra},
                             format="json")
        assert answer.status_code == 200, answer.json()
        return answer.json()["version"]

    version = move(utility, body["version"], "submit")
    version = move(api_for("techoperator"), version, "take_for_conclusion")
    version = move(api_for("techoperator"), version, "pass_to_financial_review")
    actions = api_for("baiterek").get(f"{API}/applications/{pk}/transitions/").json()
    assert [a["action"] for a in actions] == ["route", "return", "reject"]
    assert actions[0]["needs_lender"] is True
    version = move(api_for("baiterek"), version, "route", lender=users["bank"].organization_id)

    decided = api_for("bank").post(f"{API}/applications/{pk}/decision/", {
        "version": version, "body": "Credit committee", "number": "17", "date": "2026-11-10",
        "amount_approved": "1200000000.00", "round": 2, "amount_reason": "Own participation 20%",
    }, format="json")
    assert decided.status_code == 201, decided.json()
    body = decided.json()
    assert (body["status"], body["round"], body["decision"]["amount_approved"]) == ("approved", 2, "1200000000.00")

    move(api_for("bank"), body["version"], "sign_agreement", agreement_number="A-17", agreement_date="2026-11-12")
    planned = api_for("bank").post(f"{API}/applications/{pk}/tranches/",
                                   {"planned_date": "2026-12-01", "planned_amount": "700000000.00"}, format="json")
    assert planned.status_code == 201
    paid = api_for("bank").post(f"{API}/applications/{pk}/payments/",
                                {"amount": "700000000.00", "paid_on": "2026-12-01", "tranche": planned.json()["id"]},
                                format="json")
    assert paid.status_code == 201, paid.json()
    over = api_for("bank").post(f"{API}/applications/{pk}/payments/",
                                {"amount": "500000000.01", "paid_on": "2026-12-02"}, format="json")
    assert over.status_code == 400
    assert "above the 1200000000.00 tenge approved" in over.json()["amount"][0]
    detail = api_for("bank").get(f"{API}/applications/{pk}/").json()
    assert (detail["status"], detail["paid_total"], detail["paid_percent"]) == ("disbursing", "700000000.00", "58.33")
    stages = api_for("office").get(f"{API}/applications/{pk}/stages/").json()
    assert [row["to_status"] for row in stages["log"]] == [
        "draft", "submitted", "technical_conclusion", "financial_review", "routed", "approved", "agreement_signed",
        "disbursing"]
    assert stages["times"][-1] == {**stages["times"][-1], "status": "disbursing", "current": True}


def test_a_bank_cannot_see_another_banks_application(users, api_for, project, client_as):
    own = routed_to(users, project, "bank")
    url = f"{API}/applications/{own.pk}/"
    check_matrix(client_as, "get", url, expect={
        "bank": 200, "bank2": 404, "khc": 404, "office": 200, "baiterek": 200, "utility": 200,
        "akimat.karaganda": 200, "akimat.mangystau": 404, "contractor": 404, "operator": 404,
    })
    anonymous = APIClient().get(url)
    assert anonymous.status_code == 401
    assert api_for("bank2").get(f"{API}/applications/").json()["count"] == 0
    assert [row["number"] for row in api_for("bank").get(f"{API}/applications/").json()["results"]] == [own.number]
    for sub in ("stages/", "tranches/", "transitions/"):
        assert api_for("bank2").get(f"{url}{sub}").status_code == 404


def test_another_bank_cannot_decide_pay_or_move(users, api_for, project, client_as):
    application = routed_to(users, project, "bank")
    decision = {"version": application.version, "body": "KK", "number": "1", "date": "2026-11-10",
                "amount_approved": "1000000000.00", "round": 2}
    check_matrix(client_as, "post", f"{API}/applications/{application.pk}/decision/", decision, content_type="application/json",
                 expect={"bank2": 404, "khc": 404, "utility": 403, "contractor": 404}, state=state)
    check_matrix(client_as, "post", f"{API}/applications/{application.pk}/transitions/",
                 {"action": "reject", "version": application.version, "reason": "x"}, content_type="application/json",
                 expect={"bank2": 404, "akimat.mangystau": 404, "utility": 403}, state=state)


def test_two_reviewers_deciding_at_once_one_wins(users, api_for, project):
    application = routed_to(users, project, "bank")
    body = {"version": application.version, "body": "KK", "number": "1", "date": "2026-11-10",
            "amount_approved": "1000000000.00", "round": 2}
    first = api_for("bank").post(f"{API}/applications/{application.pk}/decision/", body, format="json")
    before = state()
    second = api_for("baiterek").post(f"{API}/applications/{application.pk}/decision/", {**body, "number": "2"},
                                      format="json")
    assert (first.status_code, second.status_code) == (201, 409)
    assert state() == before
    assert FinancingDecision.objects.filter(application=application).count() == 1


def test_bad_input_is_refused_and_changes_nothing(users, api_for, project):
    utility = api_for("utility")
    before = state()
    for amount in ("0.00", "-1.00"):
        answer = utility.post(f"{API}/applications/", {"project": project.pk, "channel": "bank_loan",
                                                        "amount_requested": amount}, format="json")
        assert answer.status_code == 400
        assert answer.json() == {"amount_requested": ["The amount must be positive."]}
    unknown = utility.post(f"{API}/applications/", {"project": project.pk, "channel": "bank_loan",
                                                     "amount_requested": "10.00", "status": "approved"}, format="json")
    assert unknown.status_code == 400 and "status" in unknown.json()
    assert state() == before
    application = routed_to(users, project, "bank")
    out_of_order = api_for("bank").post(f"{API}/applications/{application.pk}/transitions/",
                                        {"action": "sign_agreement", "version": application.version,
                                         "agreement_number": "A", "agreement_date": "2026-11-01"}, format="json")
    assert out_of_order.status_code == 409
    assert "not possible while the application is “Routed to the lender”" in out_of_order.json()["detail"]
    above = api_for("bank").post(f"{API}/applications/{application.pk}/decision/", {
        "version": application.version, "body": "KK", "number": "1", "date": "2026-11-10",
        "amount_approved": "1000000000.01", "round": 2}, format="json")
    assert above.status_code == 400
    assert above.json() == {"amount_reason": ["The amount approved exceeds the amount requested: give the reason."]}
    stale = api_for("bank").post(f"{API}/applications/{application.pk}/decision/", {
        "version": application.version - 1, "body": "KK", "number": "1", "date": "2026-11-10",
        "amount_approved": "1000000000.00", "round": 2}, format="json")
    assert stale.status_code == 409


def test_summary_budget_lines_and_mismatches(users, api_for, project):
    application = routed_to(users, project, "bank")
    services.decision_record(actor=users["bank"], application=application, expected_version=application.version,
                             body="KK", number="1", date=dt.date(2026, 11, 1), amount_approved="1000000000", round=2)
    summary = api_for("office").get(f"{API}/summary/").json()
    assert summary["rounds"] == [{
        "round": 2, "count": 1, "amount": "1000000000.00",
        "filter": {"status": "approved,agreement_signed,disbursing,disbursed", "round": "2"},
        "groups": [
            {"group": "banks", "count": 1, "amount": "1000000000.00",
             "filter": {"status": "approved,agreement_signed,disbursing,disbursed", "round": "2",
                        "lender_kind": "development_bank,bank"}},
            {"group": "khc", "count": 0, "amount": "0.00",
             "filter": {"status": "approved,agreement_signed,disbursing,disbursed", "round": "2",
                        "lender_kind": "housing_company"}},
            {"group": "other", "count": 0, "amount": "0.00",
             "filter": {"status": "approved,agreement_signed,disbursing,disbursed", "round": "2",
                        "lender_kind": "budget,none"}},
        ],
    }]
    drill = api_for("office").get(f"{API}/applications/", summary["rounds"][0]["groups"][0]["filter"]).json()
    assert drill["count"] == 1
    assert api_for("bank2").get(f"{API}/summary/").json()["totals"]["applications"] == 0

    office = api_for("office")
    line = office.post(f"{API}/budget-lines/", {"administrator_code": "217", "programme_code": "055",
                                                 "subprogramme_code": "", "year": 2026, "allocated": "500.00"},
                       format="json")
    assert line.status_code == 201, line.json()
    bad = office.post(f"{API}/budget-lines/", {"administrator_code": "21", "programme_code": "055", "year": 2026,
                                                "allocated": "5.00", "spent": "6.00"}, format="json")
    assert bad.status_code == 400
    plan = office.post(f"{API}/plans/", {"project": project.pk, "year": 2026, "source": "republican_budget",
                                          "amount": "300.00"}, format="json")
    assert plan.status_code == 200, plan.json()
    mismatches = office.get(f"{API}/mismatches/").json()
    assert sorted(row["kind"] for row in mismatches) == ["line_without_project", "plan_without_line"]
    assert api_for("bank").get(f"{API}/mismatches/").json() == []
    assert api_for("bank").get(f"{API}/budget-lines/{line.json()['id']}/").status_code == 404
    changed = office.patch(f"{API}/budget-lines/{line.json()['id']}/", {"version": 1, "allocated": "300.00",
                                                                        "project": project.pk}, format="json")
    assert changed.status_code == 200, changed.json()
    assert BudgetLine.objects.get().allocated == Decimal("300.00")
    assert Organization.objects.filter(name_en="Second Bank").exists()
