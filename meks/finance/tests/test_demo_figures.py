"""The demo financing makes the dashboard say what the texts say, from the records; one more approval moves it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from meks.finance import selectors, services
from meks.finance.choices import MismatchKind
from meks.finance.models import FinancingApplication

BN = Decimal("1000000000")


def round_figures(summary):
    rounds = {row["round"]: row for row in summary["rounds"]}
    second = rounds[2]
    groups = {group["group"]: group for group in second["groups"]}
    return second["count"], second["amount"], groups["banks"]["count"], groups["khc"]["count"]


def test_round_two_tells_the_texts_and_moves_with_one_more_approval(finance_demo):
    office = finance_demo["office"]
    count, amount, banks, khc = round_figures(selectors.finance_summary(user=office))
    assert (count, banks, khc) == (144, 89, 55)
    assert amount > 300 * BN
    # the same figures over the API, derived from the records
    token, _ = Token.objects.get_or_create(user=office)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = client.get("/api/v1/finance/summary/").json()
    second = next(row for row in body["rounds"] if row["round"] == 2)
    assert (second["count"], {g["group"]: g["count"] for g in second["groups"]}) == (
        144, {"banks": 89, "khc": 55, "other": 0})
    drill = client.get("/api/v1/finance/applications/", {**second["groups"][1]["filter"], "limit": 1}).json()
    assert drill["count"] == 55
    # a round-1 approval, a pipeline in every stage, deliberate flags and mismatches
    assert {row["round"] for row in body["rounds"]} == {1, 2}
    pipeline = {row["status"]: row["count"] for row in body["pipeline"]}
    assert all(pipeline[status] > 0 for status in ("draft", "submitted", "technical_conclusion", "financial_review",
                                                  "routed", "approved", "agreement_signed", "disbursing", "disbursed",
                                                  "returned", "rejected", "withdrawn"))
    flags = {row["flag"]: row["count"] for row in body["flags"]}
    assert flags["ahead"] > 0 and flags["behind"] > 0
    assert any(row["over_target"] > 0 for row in body["review_time"])
    kinds = [mismatch.kind for mismatch in selectors.budget_mismatches(user=office)]
    assert {kind: kinds.count(kind) for kind in MismatchKind.values} == {
        "plan_without_line": 2, "line_without_project": 2, "amounts_disagree": 2, "not_ready": 2}

    # sortable and filterable by the regions' funding priority (from the indicators)
    by_priority = list(selectors.application_list(
        user=office, filters=selectors.ApplicationFilters(sort="priority")).values_list("priority_rank", flat=True))
    assert by_priority == sorted(by_priority) and by_priority[0] < 9999
    red = selectors.application_list(user=office, filters=selectors.ApplicationFilters(zone="red"))
    assert red.exists() and set(red.values_list("priority_zone", flat=True)) == {"red"}

    # a bank sees only what was routed to it
    bank = finance_demo["bank"]
    own = selectors.application_list(user=bank)
    assert own.count() > 0 and set(own.values_list("lender_id", flat=True)) == {bank.organization_id}

    # approving one more application in round 2 moves the figures
    routed = FinancingApplication.objects.filter(status="routed", channel__code__in=["dbk_loan", "bank_loan"]).first()
    services.decision_record(actor=finance_demo["baiterek"], application=routed, expected_version=routed.version,
                             body="Кредитный комитет", number="2/999", date=dt.date.today(),
                             amount_approved=routed.amount_requested, round=2)
    after = round_figures(selectors.finance_summary(user=office))
    assert after == (145, amount + routed.amount_requested, 90, 55)
