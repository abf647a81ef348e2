"""Regions and settlements over the API: what each user sees, filters, languages, and changes with versions."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from meks.territory.models import Settlement

ALL_REGIONS = [
    "10", "11", "15", "19", "23", "27", "31", "33", "35", "39",
    "43", "47", "55", "59", "61", "62", "63", "71", "75", "79",
]
KARAGANDA_SETTLEMENTS = ["351000001", "352000010", "352000012", "352000019", "353000001", "353000002", "353000003"]
TEMIRTAU = "352000012"


def settlement(kato: str) -> Settlement:
    return Settlement.objects.get(kato=kato)


def not_found_detail(language: str = "en") -> dict[str, str]:
    with translation.override(language):
        return {"detail": translation.gettext("Not found.")}


# Regions


def test_office_sees_all_20_regions(token_client_for):
    response = token_client_for("office").get("/api/v1/regions/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 20
    assert [region["kato"] for region in body["results"]] == ALL_REGIONS


def test_akimat_sees_only_its_region(token_client_for):
    body = token_client_for("akimat.mangystau").get("/api/v1/regions/").json()
    assert body["count"] == 1
    assert [region["kato"] for region in body["results"]] == ["47"]


def test_region_detail(token_client_for):
    response = token_client_for("akimat.karaganda").get("/api/v1/regions/35/")

    assert response.status_code == 200
    assert response.json() == {
        "kato": "35",
        "iso_code": "KZ-35",
        "kind": "oblast",
        "kind_label": "Region",
        "name": "Karaganda Region",
        "name_ru": "Карагандинская область",
        "name_kk": "Қарағанды облысы",
        "name_en": "Karaganda Region",
        "centre_ru": "Караганда",
        "centre": "Karaganda",
        "centre_kk": "Қарағанды",
        "centre_en": "Karaganda",
        "population": 1134753,
        "latitude": "49.80200",
        "longitude": "73.10200",
        "settlement_count": 7,
        "monotown_count": 3,
    }


def test_another_regions_detail_answers_like_a_missing_one(token_client_for):
    client = token_client_for("akimat.mangystau")

    hidden = client.get("/api/v1/regions/35/")
    missing = client.get("/api/v1/regions/99/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == not_found_detail()


def test_region_name_follows_the_requested_language(demo):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=demo["office"])
    client = APIClient(HTTP_ACCEPT_LANGUAGE="kk", HTTP_AUTHORIZATION=f"Token {token.key}")

    body = client.get("/api/v1/regions/35/").json()

    assert body["name"] == "Қарағанды облысы"
    assert body["name_ru"] == "Карагандинская область"


def test_session_user_gets_names_in_their_own_language(client_for):
    body = client_for("office").get("/api/v1/regions/35/").json()
    assert body["name"] == "Карагандинская область"  # the demo users chose Russian


# Settlements: reading


def test_office_sees_every_settlement_paginated(token_client_for):
    body = token_client_for("office").get("/api/v1/settlements/").json()

    assert body["count"] == 91  # 20 regional centres, 20 monotowns, 3 villages in each of the 17 oblasts
    assert len(body["results"]) == 50
    assert body["next"] == "http://testserver/api/v1/settlements/?limit=50&offset=50"
    assert body["previous"] is None


def test_akimat_lists_only_settlements_of_its_region(token_client_for):
    body = token_client_for("akimat.karaganda").get("/api/v1/settlements/").json()

    assert body["count"] == 7
    assert [row["kato"] for row in body["results"]] == KARAGANDA_SETTLEMENTS
    assert {row["region"] for row in body["results"]} == {"35"}


def test_mangystau_does_not_see_karaganda_settlements(token_client_for):
    client = token_client_for("akimat.mangystau")

    listed = client.get("/api/v1/settlements/", {"limit": 100}).json()
    filtered = client.get("/api/v1/settlements/", {"region": "35"}).json()
    searched = client.get("/api/v1/settlements/", {"q": "Темир"}).json()

    assert listed["count"] == 5
    assert {row["region"] for row in listed["results"]} == {"47"}
    assert filtered == {"count": 0, "next": None, "previous": None, "results": []}
    assert searched["count"] == 0


def test_mangystau_gets_404_for_a_karaganda_settlement(token_client_for):
    client = token_client_for("akimat.mangystau")
    missing_id = Settlement.objects.order_by("-pk").first().pk + 1

    hidden = client.get(f"/api/v1/settlements/{settlement(TEMIRTAU).pk}/")
    missing = client.get(f"/api/v1/settlements/{missing_id}/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == not_found_detail()


def test_settlement_detail(token_client_for):
    temirtau = settlement(TEMIRTAU)

    response = token_client_for("akimat.karaganda").get(f"/api/v1/settlements/{temirtau.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body.pop("updated_at")
    assert body == {
        "id": temirtau.pk,
        "kato": TEMIRTAU,
        "name": "Temirtau",
        "name_ru": "Темиртау",
        "name_kk": "Теміртау",
        "name_en": "Temirtau",
        "kind": "town",
        "kind_label": "Town",
        "region": "35",
        "district": None,
        "population": temirtau.population,
        "is_regional_centre": False,
        "is_monotown": True,
        "main_industry": "steel",
        "main_industry_ru": "чёрная металлургия",
        "main_industry_kk": "қара металлургия",
        "main_industry_en": "steel",
        "village_specialization": "",
        "version": 1,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "35"}, KARAGANDA_SETTLEMENTS),
        ({"region": "35", "kind": "village"}, ["353000001", "353000002", "353000003"]),
        ({"region": "35", "monotown": "true"}, ["352000010", "352000012", "352000019"]),
        ({"region": "35", "monotown": "false"}, ["351000001", "353000001", "353000002", "353000003"]),
        ({"q": "Темир"}, [TEMIRTAU]),
        ({"q": "temirtau"}, [TEMIRTAU]),
        ({"q": "3520000"}, ["352000010", "352000012", "352000019"]),
        ({"region": "35", "kind": "town", "ordering": "-kato"}, ["352000019", "352000012", "352000010"]),
    ],
)
def test_settlement_filters(token_client_for, params, expected):
    body = token_client_for("office").get("/api/v1/settlements/", {**params, "limit": 100}).json()
    assert [row["kato"] for row in body["results"]] == expected
    assert body["count"] == len(expected)


def test_monotown_filter_over_the_country(token_client_for):
    body = token_client_for("office").get("/api/v1/settlements/", {"monotown": "1"}).json()
    assert body["count"] == 20


def test_bad_filters_are_400_and_named(token_client_for):
    response = token_client_for("office").get("/api/v1/settlements/", {"region": "Karaganda", "kind": "hamlet"})

    assert response.status_code == 400
    assert set(response.json()) == {"region", "kind"}
    assert response.json()["kind"] == ['"hamlet" is not a valid choice.']


# Settlements: changing


def patch(client: APIClient, target: Settlement, data: dict):
    return client.patch(f"/api/v1/settlements/{target.pk}/", data, format="json")


def test_akimat_changes_a_settlement_of_its_region_and_history_records_it(demo, token_client_for):
    temirtau = settlement(TEMIRTAU)
    user = demo["akimat.karaganda"]

    response = patch(
        token_client_for("akimat.karaganda"), temirtau,
        {"version": 1, "population": 170000, "main_industry_en": "steel and coke", "reason": "2024 census"},
    )

    assert response.status_code == 200
    assert response.json()["population"] == 170000
    assert response.json()["main_industry_en"] == "steel and coke"
    assert response.json()["version"] == 2
    temirtau.refresh_from_db()
    assert (temirtau.population, temirtau.main_industry_en, temirtau.version) == (170000, "steel and coke", 2)
    latest = temirtau.history.order_by("-history_id").first()
    assert latest.history_type == "~"
    assert latest.history_user == user
    assert latest.history_change_reason == "2024 census"
    assert latest.population == 170000
    assert latest.version == 2
    assert temirtau.history.count() == 2


def test_a_change_over_a_browser_session_works_too(demo, client_for):
    temirtau = settlement(TEMIRTAU)
    response = client_for("akimat.karaganda").patch(
        f"/api/v1/settlements/{temirtau.pk}/", {"version": 1, "population": 170001}, content_type="application/json"
    )
    assert response.status_code == 200
    temirtau.refresh_from_db()
    assert temirtau.population == 170001
    assert temirtau.history.order_by("-history_id").first().history_user == demo["akimat.karaganda"]


def test_stale_version_is_409_and_changes_nothing(demo, token_client_for):
    temirtau = settlement(TEMIRTAU)
    assert patch(token_client_for("office"), temirtau, {"version": 1, "population": 171000}).status_code == 200

    response = patch(token_client_for("akimat.karaganda"), temirtau, {"version": 1, "population": 150000})

    assert response.status_code == 409
    detail = response.json()["detail"]
    assert detail.startswith("This record was changed by someone else after you opened it. Your changes were not saved.")
    assert demo["office"].get_full_name() in detail
    temirtau.refresh_from_db()
    assert (temirtau.population, temirtau.version) == (171000, 2)
    assert temirtau.history.count() == 2


def test_mangystau_cannot_change_a_karaganda_settlement(token_client_for):
    temirtau = settlement(TEMIRTAU)
    before = (temirtau.population, temirtau.version, temirtau.history.count())

    response = patch(token_client_for("akimat.mangystau"), temirtau, {"version": 1, "population": 1})

    assert response.status_code == 404
    assert response.json() == not_found_detail()
    temirtau.refresh_from_db()
    assert (temirtau.population, temirtau.version, temirtau.history.count()) == before


def test_a_user_who_sees_but_may_not_edit_gets_403(token_client_for):
    temirtau = settlement(TEMIRTAU)
    before = (temirtau.population, temirtau.version)

    response = patch(token_client_for("utility"), temirtau, {"version": 1, "population": 1})

    assert response.status_code == 403
    assert response.json() == {"detail": "You may not edit settlements of this region."}
    temirtau.refresh_from_db()
    assert (temirtau.population, temirtau.version) == before


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"population": 5}, {"version": ["This field is required."]}),
        ({"version": 1, "kato": "359999999"}, {"kato": ["This field does not exist or cannot be changed."]}),
        ({"version": 1, "population": -1}, {"population": ["Ensure this value is greater than or equal to 0."]}),
        ({"version": 1, "kind": "hamlet"}, {"kind": ['"hamlet" is not a valid choice.']}),
        ({"version": 1, "village_specialization": "crops"},
         {"village_specialization": ["Only a village has a specialization."]}),
    ],
)
def test_bad_changes_are_400_and_change_nothing(token_client_for, data, errors):
    temirtau = settlement(TEMIRTAU)

    response = patch(token_client_for("akimat.karaganda"), temirtau, data)

    assert response.status_code == 400
    assert response.json() == errors
    temirtau.refresh_from_db()
    assert (temirtau.version, temirtau.village_specialization, temirtau.kind) == (1, "", "town")
    assert temirtau.history.count() == 1


def test_a_change_must_be_json(token_client_for):
    temirtau = settlement(TEMIRTAU)
    response = token_client_for("akimat.karaganda").patch(
        f"/api/v1/settlements/{temirtau.pk}/", {"version": "1", "population": "7"}, format="multipart"
    )
    assert response.status_code == 415
    temirtau.refresh_from_db()
    assert temirtau.version == 1


def test_settlements_cannot_be_replaced_or_deleted(token_client_for):
    client = token_client_for("office")
    temirtau = settlement(TEMIRTAU)
    assert client.put(f"/api/v1/settlements/{temirtau.pk}/", {"version": 1}, format="json").status_code == 405
    assert client.delete(f"/api/v1/settlements/{temirtau.pk}/").status_code == 405
    assert client.post("/api/v1/settlements/", {"version": 1}, format="json").status_code == 405
    assert Settlement.objects.filter(pk=temirtau.pk).exists()


def test_list_costs_a_constant_number_of_queries(token_client_for, django_assert_max_num_queries):
    client = token_client_for("office")
    client.get("/api/v1/settlements/")  # warm up anything cached per process
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/settlements/", {"limit": 100})
    assert len(response.json()["results"]) == 91
