"""Pages of domestic producers as the demo roles: allowed 200, others 404 (or the sign-in page), exports open."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from meks.producers import services
from meks.producers.models import Delivery, Product

from .conftest import bill_lines

pytestmark = pytest.mark.django_db


def _rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


@pytest.mark.parametrize("url", ["/producers/", "/producers/register/", "/producers/catalogue/",
                                 "/producers/catalogue/?q=труба&category=steel_pipes&price_min=100"])
def test_the_public_pages_answer_the_anonymous(world, url):
    assert Client().get(url).status_code == 200


def test_the_anonymous_browse_a_producer_and_a_product_but_not_a_pending_one(world):
    client = Client()
    assert client.get(f"/producers/register/{world['own'].pk}/").status_code == 200
    assert client.get(f"/producers/catalogue/{world['pipe'].pk}/").status_code == 200
    assert client.get(f"/producers/register/{world['pending'].pk}/").status_code == 404
    assert client.get(f"/producers/catalogue/{world['hidden'].pk}/").status_code == 404


@pytest.mark.parametrize("url", ["/producers/bills/", "/producers/offtake/", "/producers/bills/template.xlsx"])
def test_the_signed_in_pages_send_the_anonymous_to_sign_in(world, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize(("username", "status"), [
    ("manufacturer", 200), ("techoperator", 200), ("office", 200),
    ("contractor", 404), ("utility", 404), ("ministry", 404),
])
def test_who_may_edit_the_own_registration(world, client_for, username, status):
    assert client_for(username).get(f"/producers/register/{world['own'].pk}/edit/").status_code == status
    assert client_for(username).get(f"/producers/catalogue/{world['pipe'].pk}/edit/").status_code == status


def test_the_manufacturer_may_not_edit_another_producer(world, client_for):
    client = client_for("manufacturer")
    assert client.get(f"/producers/register/{world['other'].pk}/edit/").status_code == 404
    response = client.post(f"/producers/register/{world['other'].pk}/products/new/",
                           {"name_ru": "x", "category": world["valve"].category_id, "unit": "piece",
                            "unit_price": "1", "quantity_listed": "1"})
    assert response.status_code == 404
    assert not Product.objects.filter(name_ru="x").exists()


def test_the_manufacturer_adds_a_product_through_the_page(world, client_for):
    response = client_for("manufacturer").post(
        f"/producers/register/{world['own'].pk}/products/new/",
        {"name_ru": "Труба Ду 400", "category": world["pipe"].category_id, "unit": "metre", "unit_price": "30000",
         "quantity_listed": "100"})
    product = Product.objects.get(name_ru="Труба Ду 400")
    assert response.status_code == 302
    assert (product.producer_id, product.unit_price) == (world["own"].pk, Decimal("30000.00"))


def test_the_technical_operator_verifies_from_the_producers_page(world, client_for):
    response = client_for("techoperator").post(f"/producers/register/{world['pending'].pk}/transition/",
                                               {"action": "verify"})
    assert response.status_code == 302
    world["pending"].refresh_from_db()
    assert world["pending"].status == "verified"
    client_for("manufacturer").post(f"/producers/register/{world['own'].pk}/transition/",
                                    {"action": "suspend", "reason": "x"})
    world["own"].refresh_from_db()
    assert world["own"].status == "verified"


@pytest.mark.parametrize(("username", "status"), [
    ("office", 200), ("techoperator", 200), ("akimat.karaganda", 200), ("utility", 200), ("ministry", 200),
    ("akimat.mangystau", 404), ("contractor", 404), ("manufacturer", 404), ("bank", 404),
])
def test_a_projects_bill_follows_the_portfolio_visibility(project, world, client_for, username, status):
    services.bill_replace(actor=None, project=project, lines=bill_lines())
    assert client_for(username).get(f"/producers/bills/{project.pk}/").status_code == status


def test_the_bill_page_shows_the_domestic_share(project, world, client_for):
    services.bill_replace(actor=None, project=project, lines=bill_lines())
    response = client_for("office").get(f"/producers/bills/{project.pk}/")
    assert response.context["share"]["share"] == Decimal("70.0")
    assert response.content.decode().count('data-covered="1"') == 1
    listing = client_for("office").get("/producers/bills/")
    assert [(row["code"], row["share"]) for row in listing.context["rows"]] == [("P-35-001", Decimal("70.0"))]


@pytest.mark.parametrize(("username", "status"), [
    ("utility", 200), ("manufacturer", 200), ("office", 200), ("techoperator", 200),
    ("contractor", 404), ("akimat.karaganda", 404), ("bank", 404),
])
def test_offtake_pages_follow_the_parties(contract, world, client_for, username, status):
    client = client_for(username)
    assert client.get("/producers/offtake/").status_code == status
    assert client.get(f"/producers/offtake/{contract.pk}/").status_code == status


def test_the_utility_records_a_delivery_and_others_may_not(contract, world, client_for, today):
    form = {"delivered_on": dt.date(today.year - 1, 3, 1).isoformat(), "quantity": "250", "document": "TTN-1"}
    assert client_for("manufacturer").post(f"/producers/offtake/{contract.pk}/", form).status_code == 404
    assert client_for("contractor").post(f"/producers/offtake/{contract.pk}/", form).status_code == 404
    assert not Delivery.objects.exists()
    response = client_for("utility").post(f"/producers/offtake/{contract.pk}/", form)
    assert response.status_code == 302
    assert Delivery.objects.get().quantity == Decimal("250.000")
    bad = client_for("utility").post(f"/producers/offtake/{contract.pk}/", {**form, "delivered_on": "2001-01-01"})
    assert bad.status_code == 400
    assert Delivery.objects.count() == 1


def test_the_catalogue_exports_what_the_filters_keep(world):
    response = Client().get("/producers/catalogue/export.xlsx?category=steel_pipes")
    rows = _rows(response)
    assert len(rows) == 2
    # name, article, category, producer, region, unit, unit price, quantity, value, certificate, valid until
    assert (rows[1][0], rows[1][6], rows[1][7], rows[1][8]) == ("Труба стальная 530×8 мм", 20000, 1000, 20000000)
    assert rows[1][9] and rows[1][10] is not None


def test_every_table_exports_a_workbook(project, contract, world, client_for):
    services.bill_replace(actor=None, project=project, lines=bill_lines())
    client = client_for("office")
    assert len(_rows(client.get("/producers/register/export.xlsx"))) == 1 + 3
    assert len(_rows(client.get("/producers/catalogue/export.xlsx"))) == 1 + 4
    assert _rows(client.get("/producers/bills/export.xlsx"))[1][0] == "P-35-001"
    contracts = _rows(client.get("/producers/offtake/export.xlsx"))
    assert (contracts[1][0], contracts[1][7]) == ("OFT-T-1", 3700)


def test_the_dashboard_figures_link_to_their_records(world):
    response = Client().get("/producers/")
    html = response.content.decode()
    assert 'data-figure="producers">2<' in html
    assert 'data-figure="products">3<' in html
    assert 'data-figure="expired">1<' in html
    assert "/producers/catalogue/?certificate=expired" in html


def test_the_catalogue_page_costs_a_constant_number_of_queries(world, django_assert_max_num_queries):
    services.catalogue_extend(actor=None, producer=world["other"], positions=[
        {"category": world["valve"].category, "name_ru": f"Кран {n}", "unit": "piece", "unit_price": "10",
         "quantity_listed": "1"} for n in range(60)])
    with django_assert_max_num_queries(8):
        assert Client().get("/producers/catalogue/").status_code == 200
