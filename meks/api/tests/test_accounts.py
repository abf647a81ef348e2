"""Organizations and the signed-in user over the API."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from meks.accounts.models import Organization

NATIONAL_PUBLIC_BODIES = {
    "Baiterek National Managing Holding JSC",
    "Contact centre of the national project (1465)",
    "Development Bank of Kazakhstan JSC",
    "Kazakhstan Housing Company JSC",
    "Ministry of Energy of the Republic of Kazakhstan",
    "Ministry of Industry and Construction of the Republic of Kazakhstan",
    "Ministry of National Economy of the Republic of Kazakhstan",
    "Project office of the national project «Modernization of the Energy and Utility Sectors»",
    "Technical operator of the national project",
}


def akimat(kato: str) -> Organization:
    return Organization.objects.get(kind="akimat", region__kato=kato)


def utility_karaganda() -> Organization:
    return Organization.objects.get(kind="utility", region__kato="35")


def ministry() -> Organization:
    return Organization.objects.get(name_en="Ministry of Energy of the Republic of Kazakhstan")


def not_found_detail() -> dict[str, str]:
    with translation.override("en"):
        return {"detail": translation.gettext("Not found.")}


def names(body: dict) -> set[str]:
    return {row["name_en"] for row in body["results"]}


def patch(client: APIClient, organization: Organization, data: dict):
    return client.patch(f"/api/v1/organizations/{organization.pk}/", data, format="json")


# Reading


def test_office_sees_every_organization(token_client_for):
    body = token_client_for("office").get("/api/v1/organizations/").json()
    assert body["count"] == 33  # 13 national and demo organizations, 20 akimats


def test_mangystau_sees_public_bodies_and_its_own_region_only(token_client_for):
    body = token_client_for("akimat.mangystau").get("/api/v1/organizations/").json()

    assert body["count"] == 10
    assert names(body) == NATIONAL_PUBLIC_BODIES | {"Akimat of Mangystau Region"}
    assert "Akimat of Karaganda Region" not in names(body)
    assert "Karaganda Energy Networks LLP (demonstration)" not in names(body)


def test_karaganda_akimat_sees_the_organizations_of_its_region(token_client_for):
    body = token_client_for("akimat.karaganda").get("/api/v1/organizations/", {"region": "35"}).json()
    assert names(body) == {
        "Akimat of Karaganda Region",
        "Karaganda Energy Networks LLP (demonstration)",
        "StroyEngineering LLP (demonstration)",
    }


@pytest.mark.parametrize("target", [lambda: akimat("35"), utility_karaganda])
def test_mangystau_gets_404_for_karaganda_organizations(token_client_for, target):
    client = token_client_for("akimat.mangystau")
    missing_id = Organization.objects.order_by("-pk").first().pk + 1

    hidden = client.get(f"/api/v1/organizations/{target().pk}/")
    missing = client.get(f"/api/v1/organizations/{missing_id}/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == not_found_detail()


def test_mangystau_cannot_find_karaganda_organizations_by_filter_or_search(token_client_for):
    client = token_client_for("akimat.mangystau")
    assert client.get("/api/v1/organizations/", {"region": "35"}).json()["count"] == 0
    assert client.get("/api/v1/organizations/", {"q": "Karaganda"}).json()["count"] == 0
    assert client.get("/api/v1/organizations/", {"kind": "utility"}).json()["count"] == 0


def test_organization_detail(token_client_for):
    utility = utility_karaganda()

    response = token_client_for("akimat.karaganda").get(f"/api/v1/organizations/{utility.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body.pop("updated_at")
    assert body == {
        "id": utility.pk,
        "name": "Karaganda Energy Networks LLP (demonstration)",
        "name_ru": "ТОО «Энергосети Караганды» (демонстрационное)",
        "name_kk": "«Қарағанды энергожелілері» ЖШС (демонстрациялық)",
        "name_en": "Karaganda Energy Networks LLP (demonstration)",
        "kind": "utility",
        "kind_label": "Natural monopoly (utility)",
        "bin": utility.bin,
        "region": "35",
        "address": "",
        "phone": "",
        "email": "",
        "is_active": True,
        "member_count": 1,
        "version": 1,
    }


def test_national_body_has_no_region(token_client_for):
    body = token_client_for("akimat.mangystau").get(f"/api/v1/organizations/{ministry().pk}/").json()
    assert body["region"] is None
    assert body["kind"] == "ministry"


@pytest.mark.parametrize(
    ("params", "count"),
    [({"kind": "akimat"}, 20), ({"region": "35"}, 3), ({"kind": "akimat", "region": "47"}, 1), ({"q": "Akimat of K"}, 3)],
)
def test_organization_filters(token_client_for, params, count):
    assert token_client_for("office").get("/api/v1/organizations/", params).json()["count"] == count


def test_bad_organization_filter_is_400(token_client_for):
    response = token_client_for("office").get("/api/v1/organizations/", {"kind": "club"})
    assert response.status_code == 400
    assert response.json() == {"kind": ['"club" is not a valid choice.']}


# Changing


def test_office_changes_an_organization_and_history_records_it(demo, token_client_for):
    utility = utility_karaganda()

    response = patch(
        token_client_for("office"), utility,
        {"version": 1, "name_en": "Karaganda Energy Networks LLP", "region": "35", "reason": "renamed"},
    )

    assert response.status_code == 200
    assert response.json()["name_en"] == "Karaganda Energy Networks LLP"
    assert response.json()["version"] == 2
    utility.refresh_from_db()
    assert (utility.name_en, utility.version) == ("Karaganda Energy Networks LLP", 2)
    latest = utility.history.order_by("-history_id").first()
    assert latest.history_user == demo["office"]
    assert latest.history_change_reason == "renamed"


def test_office_moves_an_organization_to_another_region_by_kato(token_client_for):
    contractor = Organization.objects.get(kind="contractor")
    response = patch(token_client_for("office"), contractor, {"version": 1, "region": "47"})
    assert response.status_code == 200
    assert response.json()["region"] == "47"
    contractor.refresh_from_db()
    assert contractor.region.kato == "47"


def test_unknown_region_is_400(token_client_for):
    contractor = Organization.objects.get(kind="contractor")
    response = patch(token_client_for("office"), contractor, {"version": 1, "region": "99"})
    assert response.status_code == 400
    assert response.json() == {"region": ["Object with kato=99 does not exist."]}


def test_member_changes_the_contacts_of_its_own_organization(demo, token_client_for):
    own = akimat("35")

    response = patch(token_client_for("akimat.karaganda"), own, {"version": 1, "phone": "+7 7212 00 00 00"})

    assert response.status_code == 200
    own.refresh_from_db()
    assert own.phone == "+7 7212 00 00 00"
    assert own.history.order_by("-history_id").first().history_user == demo["akimat.karaganda"]


def test_member_may_not_rename_its_own_organization(token_client_for):
    own = akimat("35")

    response = patch(token_client_for("akimat.karaganda"), own, {"version": 1, "name_ru": "Другое имя"})

    assert response.status_code == 403
    assert response.json() == {"detail": "You may not change these fields: name_ru."}
    own.refresh_from_db()
    assert (own.name_ru, own.version) == ("Акимат: Карагандинская область", 1)


def test_visible_but_not_editable_organization_is_403(token_client_for):
    target = ministry()
    response = patch(token_client_for("akimat.karaganda"), target, {"version": 1, "phone": "1"})
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not edit this organization."}
    target.refresh_from_db()
    assert (target.phone, target.version) == ("", 1)


@pytest.mark.parametrize("target", [lambda: akimat("35"), utility_karaganda])
def test_mangystau_cannot_change_karaganda_organizations(token_client_for, target):
    organization = target()

    response = patch(token_client_for("akimat.mangystau"), organization, {"version": 1, "phone": "1"})

    assert response.status_code == 404
    organization.refresh_from_db()
    assert (organization.phone, organization.version) == ("", 1)


def test_stale_organization_version_is_409(token_client_for):
    own = akimat("35")
    assert patch(token_client_for("office"), own, {"version": 1, "email": "akimat@karaganda.kz"}).status_code == 200

    response = patch(token_client_for("akimat.karaganda"), own, {"version": 1, "email": "other@karaganda.kz"})

    assert response.status_code == 409
    own.refresh_from_db()
    assert (own.email, own.version) == ("akimat@karaganda.kz", 2)


def test_invalid_bin_is_400(token_client_for):
    utility = utility_karaganda()
    response = patch(token_client_for("office"), utility, {"version": 1, "bin": "123"})
    assert response.status_code == 400
    assert list(response.json()) == ["bin"]
    utility.refresh_from_db()
    assert utility.version == 1


def test_duplicate_bin_is_400_from_the_service(token_client_for):
    utility = utility_karaganda()
    taken = ministry().bin
    response = patch(token_client_for("office"), utility, {"version": 1, "bin": taken})
    assert response.status_code == 400
    assert response.json() == {"bin": ["Organization with this BIN already exists."]}


def test_akimat_without_region_is_refused(token_client_for):
    target = akimat("47")
    response = patch(token_client_for("office"), target, {"version": 1, "region": None})
    assert response.status_code == 400
    assert response.json() == {"region": ["An akimat must be tied to its region."]}
    target.refresh_from_db()
    assert target.region.kato == "47"


# The signed-in user


def test_me_for_a_regional_user(token_client_for):
    own = akimat("35")

    response = token_client_for("akimat.karaganda").get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json() == {
        "username": "akimat.karaganda",
        "full_name": "Нуркенов Бауыржан Серикович",
        "organization": {
            "id": own.pk,
            "name": "Akimat of Karaganda Region",
            "name_ru": "Акимат: Карагандинская область",
            "name_kk": "Қарағанды облысы әкімдігі",
            "name_en": "Akimat of Karaganda Region",
            "kind": "akimat",
        },
        "language": "ru",
        "roles": [{"role": "akimat", "label": "Akimat", "national": False, "regions": ["35"]}],
    }


def test_me_for_the_project_office(token_client_for):
    body = token_client_for("office").get("/api/v1/me/").json()
    assert body["username"] == "office"
    assert body["full_name"] == "Сейткали Айгерим Маратовна"
    assert body["organization"]["kind"] == "project_office"
    assert body["roles"] == [{"role": "project_office", "label": "Project office", "national": True, "regions": []}]


def test_me_for_a_utility(token_client_for):
    body = token_client_for("utility").get("/api/v1/me/").json()
    assert body["organization"]["name_en"] == "Karaganda Energy Networks LLP (demonstration)"
    assert body["roles"] == [{"role": "utility", "label": "Natural monopoly", "national": False, "regions": ["35"]}]
