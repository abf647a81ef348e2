"""REST API of indicators: the catalogue, the monotown classification and the wear zoning."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meks.core.testing.matrix import check_matrix

API = "/api/v1/indicators"
INDICATOR_OPERATIONS = {
    (f"{API}/catalogue/", "get"), (f"{API}/catalogue/{{code}}/", "get"), (f"{API}/monotowns/", "get"),
    (f"{API}/zones/", "get"),
}


@pytest.fixture(autouse=True)
def english_messages():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_who_may_read(client_for, indicators_demo):
    for url in (f"{API}/catalogue/", f"{API}/catalogue/lab_unemployment/", f"{API}/monotowns/", f"{API}/zones/"):
        check_matrix(client_for, "get", url, expect={
            None: 401, "contractor": 403, "utility": 403, "operator": 403, "office": 200, "ministry": 200,
            "akimat.mangystau": 200, "baiterek": 200, "bank": 200})


def test_catalogue(client_for, indicators_demo):
    client = client_for("ministry")
    response = client.get(f"{API}/catalogue/", {"monotown": "true"})
    assert response.status_code == 200 and len(response.json()) == 78
    assert Counter(item["domain"] for item in response.json())["utilities"] == 10
    item = client.get(f"{API}/catalogue/lab_unemployment/").json()
    assert (item["unit"], item["direction"], item["aggregation"], item["name_en"]) == (
        "percent", "lower", "weighted_average", "Unemployment rate")
    assert client.get(f"{API}/catalogue/nothing/").status_code == 404
    assert client.get(f"{API}/catalogue/", {"domain": "nonsense"}).status_code == 400


def test_monotown_classification(client_for, indicators_demo):
    client = client_for("office")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}/monotowns/")
    assert response.status_code == 200
    assert len(queries) < 25
    body = response.json()
    assert body["year"] == 2025 and body["group_thresholds"] == {"1": "60.00", "2": "40.00"}
    assert len(body["towns"]) == 20
    town = body["towns"][0]
    assert set(town["sub_indices"]) == {"demography", "labour", "industry", "investment", "small_business", "budget",
                                        "utilities", "housing", "social", "ecology"}
    assert town["rank"] == 1 and town["group"] == 1 and town["measures"]
    assert [t["rank"] for t in body["towns"]] == list(range(1, 21))
    assert {t["group"] for t in body["towns"]} == {1, 2, 3}
    earlier = client.get(f"{API}/monotowns/", {"year": 2023}).json()
    assert earlier["year"] == 2023 and all(t["previous_index"] is None for t in earlier["towns"])
    assert client.get(f"{API}/monotowns/", {"year": 2010}).json()["towns"] == []
    assert client.get(f"{API}/monotowns/", {"year": "abc"}).status_code == 400


def test_zones(client_for, indicators_demo):
    body = client_for("akimat.karaganda").get(f"{API}/zones/").json()
    assert body["year"] == 2025 and body["thresholds"] == {"red": "60.00", "yellow": "50.00"}
    regions = {row["kato"]: row for row in body["regions"]}
    assert len(regions) == 20
    karaganda = regions["35"]
    assert (karaganda["zone"], karaganda["wear"]) == ("red", "62.00")
    assert karaganda["wear_by_network"] == {"heat": "66.00", "power": "65.00", "water": "68.00", "sewer": "80.00"}
    assert [row["priority_rank"] for row in body["regions"]] == list(range(1, 21))
    assert {body["regions"][0]["zone"], body["regions"][1]["zone"]} == {"red"}
    assert set(karaganda["priority_components"]) == {"wear", "people", "replacement", "readiness"}
