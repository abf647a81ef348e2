"""Selectors of domestic producers: who sees what, values and totals, certificate flags, the domestic match,
contract fulfilment; every figure computed by the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from meks.producers import selectors, services
from meks.producers.selectors import BillFilters, ContractFilters, ProductFilters

from .conftest import bill_lines

pytestmark = pytest.mark.django_db


def test_the_public_sees_verified_producers_the_owner_its_own_and_operators_all(world):
    users = world["users"]
    services.producer_transition(actor=None, producer=world["own"], action="suspend", reason="test")
    names = lambda user: sorted(p.pk for p in selectors.producer_list(user=user))  # noqa: E731
    assert names(AnonymousUser()) == [world["other"].pk]
    assert names(users["contractor"]) == [world["other"].pk]
    assert names(users["manufacturer"]) == sorted([world["other"].pk, world["own"].pk])
    assert names(users["techoperator"]) == sorted([world["own"].pk, world["other"].pk, world["pending"].pk])


def test_a_hidden_producers_product_answers_404(world):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.product_get(user=AnonymousUser(), pk=world["hidden"].pk)
    assert selectors.product_get(user=world["users"]["office"], pk=world["hidden"].pk) == world["hidden"]


def test_totals_are_the_sum_of_unit_price_times_quantity(world):
    public = selectors.producer_totals()
    assert public == {"producers": 2, "products": 3, "value": Decimal("31000000.00"), "value_trn": Decimal("0.00")}
    operator = selectors.producer_totals(user=world["users"]["techoperator"])
    assert (operator["producers"], operator["products"], operator["value"]) == (3, 4, Decimal("31001000.00"))


def test_producer_list_carries_product_count_and_catalogue_value(world):
    other = selectors.producer_get(user=AnonymousUser(), pk=world["other"].pk)
    assert (other.product_count, other.catalogue_value) == (2, Decimal("11000000.00"))


def test_certificate_state_flags_expired_and_missing_certificates(world, today):
    states = {p.pk: (p.certificate_state, p.certificate_until) for p in selectors.product_list(user=AnonymousUser())}
    assert states[world["pipe"].pk] == ("valid", today + dt.timedelta(days=400))
    assert states[world["valve"].pk] == ("expired", today - dt.timedelta(days=10))
    assert states[world["pump"].pk] == ("none", None)
    expired = selectors.product_list(user=AnonymousUser(), filters=ProductFilters(certificate="expired"))
    assert [p.pk for p in expired] == [world["valve"].pk]


@pytest.mark.parametrize(("query", "expected"), [
    ({"q": "задвижка"}, ["valve"]),
    ({"q": "Pavlodar"}, ["pipe"]),
    ({"category": "pumps"}, ["pump"]),
    ({"region": "35"}, ["pump", "valve"]),
    ({"price_min": "400000", "price_max": "600000"}, ["valve"]),
    ({"price_min": "1 000 000"}, ["pump"]),
    ({"unit": "metre"}, ["pipe"]),
    ({"price_min": "abc"}, ["pipe", "pump", "valve"]),
])
def test_catalogue_search_filters(world, query, expected):
    filters = ProductFilters.from_query(query)
    found = selectors.product_list(user=AnonymousUser(), filters=filters)
    keys = {world[key].pk: key for key in ("pipe", "valve", "pump")}
    assert sorted(keys[p.pk] for p in found) == expected


def test_dashboard_summary_by_category_region_and_certificates(world):
    summary = selectors.producer_summary(user=AnonymousUser())
    by_category = {row["code"]: (row["products"], row["value"]) for row in summary["by_category"]}
    assert by_category == {"steel_pipes": (1, Decimal("20000000")), "valves": (1, Decimal("5000000")),
                           "pumps": (1, Decimal("6000000"))}
    by_region = {row["kato"]: (row["producers"], row["products"]) for row in summary["by_region"]}
    assert by_region == {"35": (1, 2), "55": (1, 1)}
    assert (summary["certificates"]["expired"], summary["certificates"]["uncertified"]) == (1, 1)


def test_bill_lines_match_products_of_the_same_category_and_unit_with_a_valid_certificate(project, world):
    services.bill_replace(actor=None, project=project, lines=bill_lines())
    lines = list(selectors.material_lines(project=project))
    # pipes by the metre: the own producer's pipe (the pending producer's is not counted)
    assert (lines[0].covered, lines[0].matches, lines[0].best_price) == (True, 1, Decimal("20000.00"))
    # valves: the only one has an expired certificate
    assert (lines[1].covered, lines[1].matches) == (False, 0)
    # pipes by the tonne: none listed in tonnes
    assert (lines[2].covered, lines[2].matches) == (False, 0)
    share = selectors.bill_share(project=project)
    assert share["value"] == Decimal("60000000.00")
    assert share["covered_value"] == Decimal("42000000.00")
    assert share["share"] == Decimal("70.0")


def test_bill_coverage_by_project_and_region_within_the_users_scope(project, world):
    services.bill_replace(actor=None, project=project, lines=bill_lines())
    users = world["users"]
    rows = list(selectors.bill_coverage_by_project(user=users["akimat.karaganda"]))
    assert [(row["project__code"], row["lines"], row["covered_value"]) for row in rows] == [
        ("P-35-001", 3, Decimal("42000000.00"))]
    regions = selectors.bill_coverage_by_region(user=users["office"])
    assert [(row["kato"], row["projects"], row["share"]) for row in regions] == [("35", 1, Decimal("70.0"))]
    assert list(selectors.bill_coverage_by_project(user=users["akimat.mangystau"])) == []
    assert selectors.bill_totals(user=users["office"], filters=BillFilters(region="75"))["projects"] == 0


def test_contract_fulfilment_per_year_and_the_behind_flag(contract, world, today):
    users = world["users"]
    services.delivery_record(actor=users["utility"], contract=contract, delivered_on=dt.date(today.year - 1, 5, 1),
                             quantity="600")
    # Last year: 600 of 1,000 delivered, so behind plan (below 90 % of what was due).
    years = {row["year"]: row for row in selectors.contract_years(contract=contract, today=today)}
    assert (years[today.year - 1]["fulfilment"], years[today.year - 1]["behind"]) == (Decimal("60.0"), True)
    assert years[today.year + 1]["due"] == Decimal("0")
    listed = selectors.contract_get(user=users["utility"], pk=contract.pk)
    assert (listed.planned_total, listed.delivered_total, listed.behind) == (Decimal("3700"), Decimal("600"), True)
    services.delivery_record(actor=users["utility"], contract=contract, delivered_on=dt.date(today.year - 1, 11, 1),
                             quantity="400")
    services.delivery_record(actor=users["utility"], contract=contract, delivered_on=today, quantity="1200")
    listed = selectors.contract_get(user=users["utility"], pk=contract.pk)
    assert (listed.delivered_total, listed.behind) == (Decimal("2200"), False)
    behind = selectors.contract_list(user=users["office"], filters=ContractFilters(behind=True))
    assert list(behind) == []


@pytest.mark.parametrize(("username", "sees"), [
    ("utility", True), ("manufacturer", True), ("office", True), ("techoperator", True), ("ministry", True),
    ("akimat.karaganda", False), ("contractor", False), ("bank", False),
])
def test_contracts_are_seen_by_their_parties_and_the_national_roles(contract, world, username, sees):
    assert selectors.contract_list(user=world["users"][username]).filter(pk=contract.pk).exists() is sees
    assert selectors.is_offtake_reader(world["users"][username]) is (username not in
                                                                     ("akimat.karaganda", "contractor", "bank"))


def test_a_constant_number_of_queries_for_the_catalogue_whatever_its_size(world, django_assert_max_num_queries):
    def render_count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            summary = selectors.producer_summary(user=AnonymousUser())
            list(selectors.product_list(user=AnonymousUser())[:50])
        assert summary["totals"]["products"] >= 3
        return len(queries)

    before = render_count()
    services.catalogue_extend(actor=None, producer=world["other"], positions=[
        {"category": world["valve"].category, "name_ru": f"Кран {n}", "unit": "piece", "unit_price": "10",
         "quantity_listed": "1"} for n in range(30)])
    assert render_count() == before
