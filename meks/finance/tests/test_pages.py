"""The financing pages: who may open what, the actions through the pages end to end, and what they refuse."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from meks.core.testing.matrix import LOGIN, check_matrix, snapshot
from meks.finance.choices import APPROVED_STATUSES, ApplicationStatus
from meks.finance.models import FinancingApplication, FinancingDecision, StageChange, Tranche

from .page_data import build_budget_data, build_page_data

A = ApplicationStatus
OUTSIDERS = {None: LOGIN, "contractor": 404, "manufacturer": 404, "operator": 404}
READERS = {"office": 200, "ministry": 200, "techoperator": 200, "akimat.karaganda": 200, "akimat.mangystau": 200,
           "utility": 200, "baiterek": 200, "bank": 200, "khc": 200}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def pages(portfolio_demo):
    """The demo portfolio with the page tests' applications; returns them by name, and the users."""
    made = build_page_data(portfolio_demo)
    made["users"] = portfolio_demo
    for user in portfolio_demo.values():
        user.language = "en"
        user.save(update_fields=["language"])
    return made


def detail(application) -> str:
    return reverse("finance:application_detail", args=[application.pk])


def state():
    return snapshot(FinancingApplication.objects.all(), FinancingDecision.objects.all(), Tranche.objects.all(),
                    StageChange.objects.all())


def post(client: Client, url: str, data: dict) -> list[str]:
    """POST, follow the redirect back to the page and return the messages it shows."""
    response = client.post(url, data, follow=True)
    assert response.redirect_chain and response.redirect_chain[0][1] == 302, response.status_code
    return [str(message) for message in response.context["messages"]]


def move(client: Client, application, action: str, **extra) -> list[str]:
    application.refresh_from_db()
    data = {"action": action, "version": application.version, **extra}
    return post(client, reverse("finance:application_transition", args=[application.pk]), data)


def listed(client: Client, query: dict | str = "") -> list[str]:
    query = urlencode(query) if isinstance(query, dict) else query
    response = client.get(reverse("finance:application_list") + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return sorted(row["application"].number for row in response.context["rows"])


# Who may open what.

def test_reading_pages_matrix(client_for, pages):
    for name in ("finance:dashboard", "finance:application_list", "finance:application_export"):
        check_matrix(client_for, "get", reverse(name), expect={**OUTSIDERS, **READERS})
    budget = {**OUTSIDERS, **READERS, "bank": 404, "khc": 404}
    for name in ("finance:budget_lines", "finance:financing_plans", "finance:mismatches"):
        check_matrix(client_for, "get", reverse(name), expect=budget)


def test_each_application_is_seen_only_by_its_roles(client_for, pages):
    check_matrix(client_for, "get", detail(pages["bank_paid"]), expect={
        **OUTSIDERS, "office": 200, "ministry": 200, "techoperator": 200, "akimat.karaganda": 200, "utility": 200,
        "baiterek": 200, "bank": 200, "akimat.mangystau": 404, "khc": 404})
    check_matrix(client_for, "get", detail(pages["khc"]), expect={
        **OUTSIDERS, "office": 200, "akimat.mangystau": 200, "khc": 200, "baiterek": 200,
        "akimat.karaganda": 404, "utility": 404, "bank": 404})
    check_matrix(client_for, "get", detail(pages["draft"]), expect={
        **OUTSIDERS, "office": 200, "utility": 200, "akimat.karaganda": 200, "baiterek": 404, "bank": 404, "khc": 404})
    check_matrix(client_for, "get", detail(pages["review"]), expect={"baiterek": 200, "bank": 404, "khc": 404})


def test_a_bank_never_sees_another_banks_application(client_for, pages):
    bank = client_for("bank")
    assert listed(bank) == [pages["bank_paid"].number]
    assert listed(bank, {"q": pages["other_bank"].number}) == []
    assert bank.get(detail(pages["other_bank"])).status_code == 404
    workbook = load_workbook(io.BytesIO(b"".join(bank.get(reverse("finance:application_export")).streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [pages["bank_paid"].number]
    summary = bank.get(reverse("finance:dashboard")).context["summary"]
    assert summary["totals"]["applications"] == 1
    # A second bank's user sees its own and not the demo bank's.
    from meks.accounts.services import role_assign, user_create
    from meks.core.access import Role

    other = user_create(actor=None, username="otherbank", password="Very-long-pass-123",
                        organization=pages["other_bank_org"], check_password=False)
    role_assign(actor=None, user=other, role=Role.BANK, regions=[])
    client = Client()
    client.force_login(other)
    assert listed(client) == [pages["other_bank"].number]
    assert client.get(detail(pages["bank_paid"])).status_code == 404


def test_lists_by_role(client_for, pages):
    everything = sorted(application.number for key, application in pages.items()
                        if isinstance(application, FinancingApplication))
    assert listed(client_for("office")) == everything
    assert listed(client_for("baiterek")) == sorted(pages[key].number for key in ("bank_paid", "khc", "other_bank",
                                                                                 "review"))
    assert listed(client_for("khc")) == [pages["khc"].number]
    assert listed(client_for("akimat.mangystau")) == [pages["khc"].number]
    assert pages["khc"].number not in listed(client_for("utility"))


# The list: filters, sort, export.

def test_list_filters(client_for, pages):
    office = client_for("office")
    assert listed(office, {"status": ",".join(APPROVED_STATUSES), "round": 2}) == sorted(
        [pages["bank_paid"].number, pages["khc"].number])
    assert listed(office, {"channel": "khc_bonds"}) == [pages["khc"].number]
    assert listed(office, {"region": "47"}) == [pages["khc"].number]
    assert listed(office, {"lender": pages["other_bank_org"].pk}) == [pages["other_bank"].number]
    assert listed(office, {"status": "draft"}) == [pages["draft"].number]
    assert listed(office, {"overdue": 1}) == []
    assert len(listed(office, {"overdue": 0})) == 6
    assert listed(office, {"lender_kind": "housing_company"}) == [pages["khc"].number]
    response = office.get(reverse("finance:application_list") + "?sort=-amount")
    amounts = [row["application"].amount_requested for row in response.context["rows"]]
    assert amounts == sorted(amounts, reverse=True)
    assert office.get(reverse("finance:application_list") + "?sort=priority").status_code == 200


def test_stage_overdue_filter_and_flag(client_for, pages):
    submitted = pages["submitted"]
    FinancingApplication.objects.filter(pk=submitted.pk).update(
        status_changed_at=submitted.status_changed_at - dt.timedelta(days=6))
    office = client_for("office")
    assert listed(office, {"overdue": 1}) == [submitted.number]
    response = office.get(reverse("finance:application_list") + "?overdue=1")
    assert response.context["rows"][0]["over_target"] is True
    assert 'class="row--late"' in response.content.decode()


def test_list_htmx_returns_the_table_and_the_export_link(client_for, pages):
    response = client_for("office").get(reverse("finance:application_list") + "?channel=khc_bonds",
                                        HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "finance/_application_table.html"
    page = response.content.decode()
    assert 'hx-swap-oob="true"' in page and "export.xlsx?channel=khc_bonds" in page


def test_export_follows_the_filters(client_for, pages):
    response = client_for("office").get(reverse("finance:application_export") + "?round=2&sort=number")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[0] == "Application"
    assert sorted(row[0] for row in body) == sorted([pages["bank_paid"].number, pages["khc"].number])
    paid = next(row for row in body if row[0] == pages["bank_paid"].number)
    columns = dict(zip(header, paid, strict=True))
    assert columns["Approved, tenge"] == 1800000000
    assert columns["Paid, tenge"] == 900000000
    assert columns["Round"] == 2


# The dashboard.

def test_dashboard_figures_drill_down_to_the_list(client_for, pages):
    office = client_for("office")
    response = office.get(reverse("finance:dashboard"))
    context = response.context
    assert context["summary"]["totals"]["approved_count"] == 2
    [round_two] = context["rounds"]["bars"]
    assert (round_two["round"], round_two["count"], round_two["amount"]) == (2, 2, Decimal("2500000000.00"))
    groups = {segment["group"]: segment for segment in round_two["segments"]}
    assert (groups["banks"]["count"], groups["khc"]["count"], groups["other"]["count"]) == (1, 1, 0)
    for segment in (groups["banks"], groups["khc"]):
        drilled = office.get(segment["url"])
        assert drilled.context["page"].paginator.count == segment["count"]
    for bar in context["pipeline"]["bars"]:
        assert office.get(bar["url"]).context["page"].paginator.count == bar["count"]
    for row in context["by_region"]:
        assert office.get(row["url"]).context["page"].paginator.count == row["applications"]
    page = response.content.decode()
    assert 'data-round="2"' in page and "Approvals by financing round" in page


def test_dashboard_changes_when_one_more_application_is_approved(client_for, pages):
    office = client_for("office")
    before = office.get(reverse("finance:dashboard")).context["rounds"]["bars"][0]
    other = pages["other_bank"]
    messages = post(office, reverse("finance:application_decide", args=[other.pk]), {
        "decision-version": other.version, "decision-body": "Credit committee", "decision-number": "CC-1",
        "decision-date": "2026-05-01", "decision-amount_approved": "1000000000", "decision-round": "2"})
    assert messages == ["The decision was recorded; the application is approved."]
    after = office.get(reverse("finance:dashboard")).context["rounds"]["bars"][0]
    assert after["count"] == before["count"] + 1
    assert after["amount"] == before["amount"] + Decimal("1000000000")


def test_dashboard_filter_by_region_with_htmx(client_for, pages):
    response = client_for("office").get(reverse("finance:dashboard") + "?region=47", HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "finance/_dashboard_body.html"
    assert response.context["summary"]["totals"]["applications"] == 1


# An application: its page and its actions end to end.

def test_application_page_shows_its_figures(client_for, pages):
    response = client_for("bank").get(detail(pages["bank_paid"]))
    context = response.context
    assert context["decision"].amount_approved == Decimal("1800000000.00")
    assert context["paid_total"] == Decimal("900000000.00")
    assert [row["row"].status for row in context["stage_times"]][:3] == [A.DRAFT, A.SUBMITTED, A.TECHNICAL_CONCLUSION]
    assert {entry["action"].kind for entry in context["actions"]} == {"plan_tranche", "pay_tranche"}
    page = response.content.decode()
    assert "Collateral limit" in page and "AG-7" in page and "History of changes" in page
    assert 'data-flag="' in page


def test_the_whole_path_through_the_pages(client_for, pages):
    application = pages["draft"]
    utility, techoperator, baiterek, bank = (client_for(name) for name in ("utility", "techoperator", "baiterek",
                                                                          "bank"))
    assert move(utility, application, "submit") == ["The application moved on."]
    assert move(techoperator, application, "take_for_conclusion") == ["The application moved on."]
    assert move(techoperator, application, "pass_to_financial_review") == ["The application moved on."]
    assert baiterek.get(detail(application)).status_code == 200
    from meks.accounts.models import Organization

    demo_bank = Organization.objects.get(name_en__startswith="Demo Bank")
    assert move(baiterek, application, "route", lender=demo_bank.pk) == ["The application moved on."]
    page = bank.get(detail(application))
    assert [entry["action"].action for entry in page.context["actions"]] == ["decide", "return", "reject"]
    application.refresh_from_db()
    assert post(bank, reverse("finance:application_decide", args=[application.pk]), {
        "decision-version": application.version, "decision-body": "Credit committee", "decision-number": "CC-9",
        "decision-date": "2026-05-01", "decision-amount_approved": "800000000", "decision-round": "3",
    }) == ["The decision was recorded; the application is approved."]
    assert move(bank, application, "sign_agreement", agreement_number="AG-9",
                agreement_date="2026-05-10") == ["The application moved on."]
    assert post(bank, reverse("finance:tranche_plan", args=[application.pk]), {
        "plan-planned_date": "2026-06-01", "plan-planned_amount": "500000000"}) == [
        "The tranche was added to the schedule."]
    tranche = application.tranches.get()
    assert post(bank, reverse("finance:tranche_pay", args=[application.pk]), {
        "pay-tranche": tranche.pk, "pay-paid_on": "2026-06-02", "pay-amount": "500000000"}) == [
        "The payment was recorded."]
    assert post(bank, reverse("finance:tranche_pay", args=[application.pk]), {
        "pay-paid_on": "2026-07-02", "pay-amount": "300000000"}) == ["The payment was recorded."]
    application.refresh_from_db()
    assert (application.status, application.round, application.lender_id) == (A.DISBURSED, 3, demo_bank.pk)
    assert application.decision.number == "CC-9"
    assert [change.to_status for change in application.stage_changes.order_by("changed_at", "pk")] == [
        A.DRAFT, A.SUBMITTED, A.TECHNICAL_CONCLUSION, A.FINANCIAL_REVIEW, A.ROUTED, A.APPROVED,
        A.AGREEMENT_SIGNED, A.DISBURSING, A.DISBURSED]
    assert application.history.first().history_user.username == "bank"


def test_return_reject_and_withdraw_need_a_reason(client_for, pages):
    techoperator, utility = client_for("techoperator"), client_for("utility")
    submitted = pages["submitted"]
    move(techoperator, submitted, "take_for_conclusion")
    before = state()
    assert move(techoperator, submitted, "return", reason="  ") == ["Give the reason for “Return with remarks”."]
    assert state() == before
    assert move(techoperator, submitted, "return", reason="No expertise") == ["The application moved on."]
    submitted.refresh_from_db()
    assert (submitted.status, submitted.remarks) == (A.RETURNED, "No expertise")
    assert "No expertise" in utility.get(detail(submitted)).content.decode()
    assert move(utility, submitted, "withdraw", reason="Financed from own funds") == ["The application moved on."]
    review = pages["review"]
    assert move(client_for("baiterek"), review, "reject", reason="Not bankable") == ["The application moved on."]
    review.refresh_from_db()
    assert review.status == A.REJECTED


def test_refusals_change_nothing(client_for, pages):
    draft = pages["draft"]
    url = reverse("finance:application_transition", args=[draft.pk])
    data = {"action": "submit", "version": draft.version}
    check_matrix(client_for, "post", url, data, state=state, expect={
        **OUTSIDERS, "akimat.mangystau": 404, "baiterek": 404, "bank": 404, "khc": 404})
    before = state()
    # Seen but not allowed: the technical operator may not submit a utility's draft.
    assert post(client_for("techoperator"), url, data) == ["Your role may not do “Submit”."]
    # Out of order: a draft cannot be taken for the technical conclusion.
    assert move(client_for("office"), draft, "take_for_conclusion") == [
        "“Take for the technical conclusion” is not possible while the application is “Draft”."]
    assert state() == before


def test_a_stale_version_is_refused(client_for, pages):
    draft = pages["draft"]
    stale = draft.version
    move(client_for("utility"), draft, "submit")
    before = state()
    messages = post(client_for("office"), reverse("finance:application_transition", args=[draft.pk]),
                    {"action": "withdraw", "version": stale, "reason": "duplicate"})
    assert messages == ["The application was changed by someone else after you opened it. Reload it and try again."]
    assert state() == before


def test_decision_and_tranche_refusals(client_for, pages):
    other = pages["other_bank"]
    url = reverse("finance:application_decide", args=[other.pk])
    data = {"decision-version": other.version, "decision-body": "Committee", "decision-number": "1",
            "decision-date": "2026-05-01", "decision-amount_approved": "1200000000", "decision-round": "2"}
    check_matrix(client_for, "post", url, data, state=state, expect={
        **OUTSIDERS, "bank": 404, "khc": 404, "akimat.mangystau": 404})
    before = state()
    assert post(client_for("office"), url, data) == [
        "The amount approved exceeds the amount requested: give the reason."]
    assert post(client_for("office"), url, {**data, "decision-amount_approved": "-5"}) == [
        "The amount must be positive."]
    assert post(client_for("techoperator"), url, {**data, "decision-amount_approved": "1000000000"}) == [
        "Your role may not do “Approve”."]
    assert state() == before
    paid = pages["bank_paid"]
    pay_url = reverse("finance:tranche_pay", args=[paid.pk])
    pay = {"pay-paid_on": "2026-06-01", "pay-amount": "900000001"}
    check_matrix(client_for, "post", pay_url, pay, state=state, expect={**OUTSIDERS, "khc": 404, "akimat.mangystau": 404})
    messages = post(client_for("bank"), pay_url, pay)
    assert len(messages) == 1 and "above the" in messages[0]
    assert post(client_for("utility"), pay_url, {**pay, "pay-amount": "1"}) == [
        "Only the lender, the financial operator or the project office records payments."]
    assert state() == before


def test_two_reviewers_deciding_at_once_make_one_decision(client_for, pages):
    other = pages["other_bank"]
    url = reverse("finance:application_decide", args=[other.pk])
    data = {"decision-version": other.version, "decision-body": "Committee", "decision-number": "1",
            "decision-date": "2026-05-01", "decision-amount_approved": "1000000000", "decision-round": "2"}
    assert post(client_for("office"), url, data) == ["The decision was recorded; the application is approved."]
    second = post(client_for("baiterek"), url, {**data, "decision-number": "2"})
    assert second == ["The application was changed by someone else after you opened it. Reload it and try again."]
    assert FinancingDecision.objects.filter(application=other).count() == 1


# A new application.

def test_new_application_through_the_page(client_for, pages):
    check_matrix(client_for, "get", reverse("finance:application_create"), expect={
        **OUTSIDERS, "utility": 200, "akimat.karaganda": 200, "office": 200, "techoperator": 404, "baiterek": 404,
        "bank": 404, "khc": 404, "ministry": 404})
    project = pages["projects"]["p2"]
    utility = client_for("utility")
    form_page = utility.get(reverse("finance:application_create") + f"?project={project.code}")
    assert form_page.context["form"].initial["project"] == project
    data = {"project": project.pk, "channel": pages["khc"].channel.pk, "amount_requested": "0",
            "documents": ["feasibility_study", "akimat_decision"]}
    before = state()
    refused = utility.post(reverse("finance:application_create"), data)
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"amount_requested": ["The amount must be positive."]}
    assert state() == before
    response = utility.post(reverse("finance:application_create"), {**data, "amount_requested": "250000000.50",
                                                                    "term_months": "60"})
    created = FinancingApplication.objects.get(project=project, channel__code="khc_bonds")
    assert response.status_code == 302 and response["Location"] == detail(created)
    assert (created.status, created.amount_requested, created.term_months) == (A.DRAFT, Decimal("250000000.50"), 60)
    assert created.documents["akimat_decision"] is True and created.documents["collateral"] is False
    # A project of another region is not offered to the Karaganda utility.
    mangystau = pages["projects"]["mangystau"]
    refused = utility.post(reverse("finance:application_create"), {**data, "project": mangystau.pk,
                                                                    "amount_requested": "1000"})
    assert "project" in refused.context["form"].errors


# Budget synchronisation.

def test_mismatch_report_finds_each_kind_and_links_to_its_records(client_for, pages):
    budget = build_budget_data()
    office = client_for("office")
    response = office.get(reverse("finance:mismatches") + "?year=2026")
    counts = {kind["kind"]: kind["count"] for kind in response.context["kinds"]}
    assert counts == {"plan_without_line": 1, "line_without_project": 1, "amounts_disagree": 1, "not_ready": 1}
    page = response.content.decode()
    for name in ("orphan", "disagree", "unready"):
        assert reverse("finance:budget_line_detail", args=[budget["lines"][name].pk]) in page
    assert reverse("finance:budget_line_detail", args=[budget["lines"]["ok"].pk]) not in page
    assert f'?project={budget["projects"]["unlined"].code}&amp;year=2026' in page
    only = office.get(reverse("finance:mismatches") + "?year=2026&kind=amounts_disagree").context["mismatches"]
    assert [(m.kind, m.difference) for m in only] == [("amounts_disagree", Decimal("-50000000.00"))]
    line_page = office.get(reverse("finance:budget_line_detail", args=[budget["lines"]["disagree"].pk]))
    assert [m.kind for m in line_page.context["mismatches"]] == ["amounts_disagree"]
    plans = office.get(reverse("finance:financing_plans") + f"?project={budget['projects']['unlined'].code}")
    assert plans.context["page"].paginator.count == 1
    assert "no budget line" in plans.content.decode()
    lines = office.get(reverse("finance:budget_lines") + "?year=2026")
    assert lines.context["page"].paginator.count == 4


def test_budget_pages_by_region(client_for, pages):
    budget = build_budget_data()
    check_matrix(client_for, "get", reverse("finance:budget_line_detail", args=[budget["lines"]["orphan"].pk]),
                 expect={**OUTSIDERS, "office": 200, "akimat.karaganda": 200, "baiterek": 200,
                         "akimat.mangystau": 404, "utility": 404, "bank": 404})
    mangystau = client_for("akimat.mangystau").get(reverse("finance:mismatches") + "?year=2026")
    assert mangystau.context["total"] == 0


# Navigation and home.

def test_navigation_and_home_tiles(client_for, pages):
    home = client_for("office").get("/")
    assert "finance" in {entry["key"] for entry in home.context["main_menu"]}
    page = home.content.decode()
    assert "Financing applications in review" in page
    assert "finance" not in {entry["key"] for entry in client_for("contractor").get("/").context["main_menu"]}


def test_a_returned_application_is_changed_and_resubmitted(client_for, pages):
    submitted = pages["submitted"]
    edit = reverse("finance:application_edit", args=[submitted.pk])
    check_matrix(client_for, "get", edit, expect={**OUTSIDERS, "utility": 404, "office": 404})
    move(client_for("techoperator"), submitted, "take_for_conclusion")
    move(client_for("techoperator"), submitted, "return", reason="Attach the expertise conclusion")
    check_matrix(client_for, "get", edit, expect={**OUTSIDERS, "utility": 200, "akimat.karaganda": 200,
                                                  "techoperator": 404, "baiterek": 404, "bank": 404})
    utility = client_for("utility")
    submitted.refresh_from_db()
    data = {"channel": submitted.channel_id, "amount_requested": "450000000", "version": submitted.version,
            "documents": ["expertise_conclusion"], "reason": "Expertise attached"}
    response = utility.post(edit, data)
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.amount_requested == Decimal("450000000.00")
    assert submitted.documents["expertise_conclusion"] is True
    stale = utility.post(edit, {**data, "amount_requested": "460000000"})
    assert stale.status_code == 200
    assert "changed by someone else" in str(stale.context["form"].non_field_errors())
    assert move(utility, submitted, "submit") == ["The application moved on."]


def test_list_and_dashboard_cost_a_constant_number_of_queries(client_for, pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meks.finance import services

    office = client_for("office")

    def queries(url: str) -> int:
        office.get(url)  # warm the per-request caches alike
        with CaptureQueriesContext(connection) as captured:
            assert office.get(url).status_code == 200
        return len(captured)

    urls = [reverse("finance:application_list"), reverse("finance:dashboard"), reverse("finance:application_export")]
    before = [queries(url) for url in urls]
    projects = pages["projects"]
    for project in (projects["p2"], projects["p3"], projects["p4"]):
        application = services.application_create(actor=None, project=project, channel=pages["khc"].channel,
                                                   amount_requested=Decimal("1000000"))
        services.application_transition(actor=None, application=application, action="submit")
    assert [queries(url) for url in urls] == before
