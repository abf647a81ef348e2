"""Selectors: who sees which tenders, bids and contracts, and the procurement figures aggregated in the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from meks.procurement import selectors, services

from .conftest import AWARDED, SIGNED, evaluate_all, submit


@pytest.fixture
def landscape(users, contractors, make_project, make_tender, published_tender):
    """A draft and a published tender in Karaganda, a published one in Mangystau, and a signed contract."""
    draft = make_tender()
    karaganda = published_tender()
    mangystau = published_tender(project=make_project(region="47", confirmed_days_ago=70))
    signed = published_tender()
    submit(users, signed, "contractor", "900000000", "50")
    submit(users, signed, "bidder2", "950000000", "0")
    own_sealed = submit(users, karaganda, "contractor", "1", "0")
    signed = evaluate_all(users, signed)
    award = services.tender_award(actor=users["utility"], tender=signed, at=AWARDED)[0]
    services.tender_start_standstill(actor=users["utility"], tender=signed, at=AWARDED)
    contract = services.contract_sign(actor=users["utility"], award=award, number="C-1",
                                      start_date=dt.date(2025, 1, 1), end_date=dt.date(2027, 1, 1), at=SIGNED)
    return {"draft": draft, "karaganda": karaganda, "mangystau": mangystau, "signed": signed, "contract": contract,
            "own_sealed": own_sealed}


def visible(user, landscape):
    pks = set(selectors.tender_queryset(user=user).values_list("pk", flat=True))
    return sorted(name for name in ("draft", "karaganda", "mangystau", "signed") if landscape[name].pk in pks)


@pytest.mark.parametrize(("username", "expected"), [
    ("office", ["draft", "karaganda", "mangystau", "signed"]),
    ("ministry", ["draft", "karaganda", "mangystau", "signed"]),
    ("techoperator", ["draft", "karaganda", "mangystau", "signed"]),
    ("akimat.karaganda", ["draft", "karaganda", "mangystau", "signed"]),  # its drafts, and every public tender
    ("akimat.mangystau", ["karaganda", "mangystau", "signed"]),
    ("utility", ["draft", "karaganda", "mangystau", "signed"]),
    ("contractor", ["karaganda", "mangystau", "signed"]),
    ("bank", ["karaganda", "mangystau", "signed"]),
    (None, ["karaganda", "mangystau", "signed"]),
])
def test_tender_visibility(username, expected, users, landscape):
    user = users[username] if username else AnonymousUser()
    assert visible(user, landscape) == expected


def test_a_draft_answers_404_to_outsiders(users, landscape):
    with pytest.raises(Http404):
        selectors.tender_get(user=users["akimat.mangystau"], pk=landscape["draft"].pk)
    with pytest.raises(Http404):
        selectors.tender_get(user=AnonymousUser(), pk=landscape["draft"].pk)
    assert selectors.tender_get(user=users["utility"], pk=landscape["draft"].pk) == landscape["draft"]


def test_bids_before_the_opening_are_seen_only_by_their_bidder(users, landscape):
    tender, own = landscape["karaganda"], landscape["own_sealed"]
    assert [bid.pk for bid in selectors.own_bids(user=users["contractor"]) if bid.lot.tender_id == tender.pk] == [own.pk]
    assert list(selectors.opened_bids(user=users["office"], tender=tender)) == []
    for username in ("office", "utility", "bidder2"):
        with pytest.raises(Http404):
            selectors.bid_get(user=users[username], pk=own.pk)
    assert selectors.bid_get(user=users["contractor"], pk=own.pk) == own
    assert selectors.bid_counts(user=users["utility"], tender=tender) == {"live": 1, "withdrawn": 0, "replaced": 0}
    assert selectors.bid_counts(user=users["bidder2"], tender=tender) == {}


def test_opened_bids_are_seen_with_their_tender(users, landscape):
    rows = [(bid.price, bid.rank) for bid in selectors.opened_bids(user=AnonymousUser(), tender=landscape["signed"])]
    assert rows == [(Decimal("900000000.00"), 1), (Decimal("950000000.00"), 2)]
    table = selectors.evaluation_table(user=users["utility"], lot=landscape["signed"].lots.get())
    assert [[check.passed for check in row["checks"]] for row in table] == [[True, True], [True, True]]
    with pytest.raises(Http404):
        selectors.evaluation_table(user=users["bidder2"], lot=landscape["signed"].lots.get())


@pytest.mark.parametrize(("username", "sees"), [
    ("office", True), ("akimat.karaganda", True), ("akimat.mangystau", False), ("utility", True),
    ("contractor", True), ("bidder2", False), ("bank", False), (None, False),
])
def test_contract_visibility(username, sees, users, landscape):
    user = users[username] if username else AnonymousUser()
    assert selectors.contract_list(user=user).filter(pk=landscape["contract"].pk).exists() is sees


def test_figures_are_aggregated(users, landscape):
    stages = {row["status"]: row["count"] for row in selectors.tenders_by_stage(user=users["office"])}
    assert (stages["draft"], stages["published"], stages["contract_signed"]) == (1, 2, 1)
    assert selectors.savings_total(user=users["office"]) == {
        "estimate": Decimal("1000000000.00"), "signed": Decimal("900000000.00"), "saving": Decimal("100000000.00")}
    by_region = selectors.savings(user=users["office"], by="region")
    assert [(row["project__region__kato"], row["saving_percent"]) for row in by_region] == [("35", Decimal("10.0"))]
    shares = selectors.local_content_by(user=users["office"], by="region")
    assert [(row["project__region__kato"], row["share"]) for row in shares] == [("35", Decimal("50.00"))]
    competition = selectors.competition(user=users["office"])
    assert (competition["lots"], competition["average_bids_per_lot"], competition["single_bid_lots"]) == (1, 2, 0)
    assert [t.bid_count for t in selectors.bids_per_tender(user=users["office"])] == [2]


def test_the_tender_list_costs_a_constant_number_of_queries(users, landscape, published_tender):
    with CaptureQueriesContext(connection) as few:
        list(selectors.tender_list(user=users["office"]))
    published_tender()
    published_tender()
    with CaptureQueriesContext(connection) as more:
        rows = list(selectors.tender_list(user=users["office"]))
    assert len(rows) == 6
    assert len(more) == len(few)


def test_tenderable_projects_follow_the_rule_of_tender_create(users, make_project, make_tender):
    """Each user's tenderable projects are exactly those ``tender_create`` lets them tender, by code."""
    from meks.core.errors import ServiceError
    from meks.portfolio.models import Project

    karaganda, mangystau, closed = make_project(), make_project(region="47"), make_project()
    Project.objects.filter(pk=closed.pk).update(status="implementation")  # past tendering
    expected = {"utility": [karaganda], "akimat.karaganda": [karaganda], "akimat.mangystau": [mangystau],
                "office": [karaganda, mangystau], "ministry": [], "techoperator": [], "contractor": []}
    for username, projects in expected.items():
        found = selectors.tenderable_projects(user=users[username])
        assert [p.code for p in found] == [p.code for p in projects], username
        for project in (karaganda, mangystau):
            try:
                services.tender_create(actor=users[username], project=project, title_ru="Т", lots=[
                    {"title_ru": "Лот", "category": "heat_networks", "estimated_value": "1000000"}])
                allowed = True
            except ServiceError:
                allowed = False
            assert allowed == (project in projects), (username, project.code)
    assert selectors.tenderable_projects(user=AnonymousUser()).count() == 0
