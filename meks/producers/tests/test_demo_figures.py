"""The demo data set: 220 producers and 2,786 products worth 2.14 trn tenge, derived from the records."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from meks.core.testing.gates import require_postgres
from meks.producers import selectors
from meks.producers.models import OfftakeContract, OfftakeVolume, Producer, Product

pytestmark = pytest.mark.django_db


def _check_demo_figures():
    totals = selectors.producer_totals()
    assert totals == {"producers": 220, "products": 2786, "value": Decimal("2140000000000.00"),
                      "value_trn": Decimal("2.14")}
    assert Producer.objects.values("region").distinct().count() == 20
    # The dashboard shows the same figures, computed from the records.
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/producers/").content.decode()
    figures = dict(re.findall(r'data-figure="([a-z-]+)">([^<]+)<', html))
    assert figures["producers"] == "220"
    assert figures["products"].replace("\xa0", "").replace(" ", "").replace(",", "") == "2786"
    assert figures["value"] in ("2,14", "2.14")


def test_the_demo_dashboard_shows_220_producers_and_2786_products_worth_2_14_trn(producers_demo):
    _check_demo_figures()
    manufacturer = producers_demo["manufacturer"]
    own = Producer.objects.get(organization=manufacturer.organization)
    assert own.products.count() == 24
    # About 30 offtake contracts over three years, some behind plan.
    contracts = selectors.contract_list(user=producers_demo["office"])
    assert contracts.count() == 30
    assert OfftakeVolume.objects.count() == 90
    assert 3 <= contracts.filter(behind=True).count() <= 12
    assert contracts.filter(utility=producers_demo["utility"].organization).exists()
    # Some certificates expired, some ending soon: the dashboard has something to flag.
    summary = selectors.producer_summary(user=None)
    assert summary["certificates"]["expired"] > 50
    assert summary["certificates"]["expiring"] > 50
    assert OfftakeContract.objects.filter(producer=own).exists()


def test_changing_a_price_changes_the_dashboard_total(producers_demo):
    product = Product.objects.order_by("pk").first()
    before = selectors.producer_totals()["value"]
    Product.objects.filter(pk=product.pk).update(unit_price=product.unit_price + 1)
    assert selectors.producer_totals()["value"] == before + product.quantity_listed


@pytest.mark.postgres
def test_the_demo_figures_on_postgresql(producers_demo):
    require_postgres()
    _check_demo_figures()


def test_the_demo_bills_cover_the_projects_in_implementation_and_some_at_contractor_determination(portfolio_demo):
    from meks.portfolio.models import Project

    if not Producer.objects.exists():  # the whole demo builds the producers after the portfolio
        from meks.demo.builder import build_demo_producers

        build_demo_producers()
    with_bills = Project.objects.filter(material_lines__isnull=False).distinct()
    assert with_bills.filter(status="implementation").count() == Project.objects.filter(status="implementation").count() == 34
    assert with_bills.filter(status="contractor_determination").count() == 20
    totals = selectors.bill_totals(user=portfolio_demo["office"])
    assert totals["projects"] == 54
    assert Decimal("50") < totals["share"] < Decimal("100")
    regions = selectors.bill_coverage_by_region(user=portfolio_demo["office"])
    assert sum(row["projects"] for row in regions) == 54
