"""The producers' REST API: public reads, scoped contracts, writes through the services with the right answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from meks.producers.models import Delivery, OfftakeContract, Product

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    # English messages: a forced authentication skips the middleware that applies the user's language.
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        user.language = "en"
        user.save(update_fields=["language"])
        client.force_authenticate(user)
    return client


def test_the_catalogue_is_public_and_searchable(world):
    response = api().get("/api/v1/producers/products/", {"region": "35", "price_max": "1000000"})
    assert response.status_code == 200
    assert [(row["name_en"], row["value"], row["certificate_state"]) for row in response.json()["results"]] == [
        ("Gate valve DN 300", "5000000.00", "expired")]
    assert api().get("/api/v1/producers/products/", {"price_min": "x"}).status_code == 400


def test_producers_and_categories_are_public(world):
    producers = api().get("/api/v1/producers/producers/").json()
    assert producers["count"] == 2
    assert api().get(f"/api/v1/producers/producers/{world['pending'].pk}/").status_code == 404
    categories = api().get("/api/v1/producers/categories/").json()
    assert categories[0]["code"] == "steel_pipes"


def test_the_summary_gives_the_totals(world):
    body = api().get("/api/v1/producers/summary/").json()
    assert (body["producers"], body["products"], body["value"]) == (2, 3, "31000000.00")
    assert body["certificates"]["expired"] == 1


def test_contracts_need_a_user_and_show_only_their_parties(contract, world):
    users = world["users"]
    assert api().get("/api/v1/producers/contracts/").status_code == 401
    assert api(users["contractor"]).get("/api/v1/producers/contracts/").json()["count"] == 0
    assert api(users["contractor"]).get(f"/api/v1/producers/contracts/{contract.pk}/").status_code == 404
    body = api(users["utility"]).get(f"/api/v1/producers/contracts/{contract.pk}/").json()
    assert [year["planned"] for year in body["years"]] == ["1000.000", "1200.000", "1500.000"]


def test_the_owner_adds_and_changes_a_product_and_a_stale_version_answers_409(world):
    users = world["users"]
    client = api(users["manufacturer"])
    created = client.post("/api/v1/producers/products/", {
        "producer": world["own"].pk, "category": "steel_pipes", "name_ru": "Труба API", "unit": "metre",
        "unit_price": "15000.00", "quantity_listed": "10"}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    changed = client.patch(f"/api/v1/producers/products/{pk}/", {"version": 1, "unit_price": "16000"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["value"] == "160000.00"
    stale = client.patch(f"/api/v1/producers/products/{pk}/", {"version": 1, "unit_price": "1"}, format="json")
    assert stale.status_code == 409
    assert Product.objects.get(pk=pk).unit_price == Decimal("16000.00")


def test_another_producers_catalogue_answers_403_and_anonymous_401(world):
    body = {"producer": world["other"].pk, "category": "valves", "name_ru": "Кран", "unit": "piece",
            "unit_price": "1.00", "quantity_listed": "1"}
    assert api(world["users"]["manufacturer"]).post("/api/v1/producers/products/", body,
                                                    format="json").status_code == 403
    assert api().post("/api/v1/producers/products/", body, format="json").status_code == 401
    assert not Product.objects.filter(name_ru="Кран").exists()


def test_a_utility_records_a_contract_and_a_delivery(world, today):
    users = world["users"]
    client = api(users["utility"])
    response = client.post("/api/v1/producers/contracts/", {
        "number": "OFT-API-1", "kind": "long_term", "utility": users["utility"].organization_id,
        "producer": world["own"].pk, "product": world["pipe"].pk, "signed_on": "2025-01-10",
        "start_year": today.year, "end_year": today.year, "unit_price": "19000.00",
        "planned": {str(today.year): "100"}}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    delivered = client.post(f"/api/v1/producers/contracts/{pk}/deliveries/",
                            {"delivered_on": today.isoformat(), "quantity": "40"}, format="json")
    assert delivered.status_code == 201
    assert Delivery.objects.get().quantity == Decimal("40.000")
    bad = client.post(f"/api/v1/producers/contracts/{pk}/deliveries/",
                      {"delivered_on": (today + dt.timedelta(days=3)).isoformat(), "quantity": "1"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["delivered_on"] == ["A delivery cannot be dated in the future."]


def test_a_contract_missing_a_years_volume_answers_400_and_saves_nothing(world, today):
    users = world["users"]
    response = api(users["office"]).post("/api/v1/producers/contracts/", {
        "number": "OFT-API-2", "kind": "offtake", "utility": users["utility"].organization_id,
        "producer": world["own"].pk, "product": world["pipe"].pk, "signed_on": "2025-01-10",
        "start_year": 2025, "end_year": 2026, "unit_price": "19000.00", "planned": {"2025": "100"}}, format="json")
    assert response.status_code == 400
    assert response.json()["planned"] == ["Give the planned volume for every year: 2026 missing."]
    assert not OfftakeContract.objects.exists()
