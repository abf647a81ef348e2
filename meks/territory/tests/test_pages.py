import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from meks.core.testing.matrix import LOGIN, check_matrix, snapshot
from meks.territory.models import Settlement


@pytest.fixture
def karaganda_town(demo):
    return Settlement.objects.get(name_en="Temirtau")


def edit_data(settlement, **changes):
    data = {
        "name_ru": settlement.name_ru, "name_kk": settlement.name_kk, "name_en": settlement.name_en,
        "kind": settlement.kind, "population": settlement.population or "", "main_industry_ru": settlement.main_industry_ru,
        "main_industry_kk": settlement.main_industry_kk, "main_industry_en": settlement.main_industry_en,
        "village_specialization": settlement.village_specialization, "version": settlement.version, "reason": "",
    }
    if settlement.is_monotown:
        data["is_monotown"] = "on"
    data.update(changes)
    return data


def test_settlement_page_matrix(client_for, karaganda_town):
    url = reverse("territory:settlement_detail", args=[karaganda_town.pk])
    check_matrix(client_for, "get", url, expect={
        None: LOGIN, "office": 200, "ministry": 200, "akimat.karaganda": 200, "utility": 200,
        "akimat.mangystau": 404,
    })


def test_region_page_matrix(client_for, demo):
    url = reverse("territory:region_detail", args=["35"])
    check_matrix(client_for, "get", url, expect={
        None: LOGIN, "office": 200, "akimat.karaganda": 200, "akimat.mangystau": 404,
    })
    assert client_for("office").get(reverse("territory:region_detail", args=["00"])).status_code == 404


def test_settlement_edit_matrix_changes_nothing_when_refused(client_for, karaganda_town):
    url = reverse("territory:settlement_edit", args=[karaganda_town.pk])
    data = edit_data(karaganda_town, population=200000)
    state = lambda: snapshot(Settlement.objects.filter(pk=karaganda_town.pk))  # noqa: E731
    check_matrix(client_for, "post", url, data, state=state, expect={
        None: LOGIN, "akimat.mangystau": 404, "utility": 404, "contractor": 404, "ministry": 404,
    })
    check_matrix(client_for, "post", url, data, expect={"akimat.karaganda": 302})
    karaganda_town.refresh_from_db()
    assert karaganda_town.population == 200000


def test_edit_shows_change_author_and_time_in_history(client_for, demo, karaganda_town):
    client = client_for("akimat.karaganda")
    old_population = karaganda_town.population
    response = client.post(
        reverse("territory:settlement_edit", args=[karaganda_town.pk]),
        edit_data(karaganda_town, population=171900, reason="Census 2025"),
    )
    assert response.status_code == 302
    page = client.get(reverse("territory:settlement_detail", args=[karaganda_town.pk])).content.decode()
    author = demo["akimat.karaganda"].get_full_name()
    assert author == "Нуркенов Бауыржан Серикович"
    assert author in page
    assert "Census 2025" in page
    assert old_population == 171893
    assert '<span class="old">171893</span> → <span class="new">171900</span>' in page
    record = karaganda_town.history.order_by("-history_id").first()
    assert record.history_user == demo["akimat.karaganda"]
    assert record.population == 171900
    assert record.version == 2
    with translation.override("ru"):
        shown = date_format(localtime(record.history_date), "DATETIME_FORMAT")
    assert f"{shown}</time>" in page


def test_second_save_from_a_stale_form_is_refused_with_what_changed(client_for, demo, karaganda_town):
    first, second = client_for("akimat.karaganda"), client_for("office")
    stale = edit_data(karaganda_town)
    assert first.post(reverse("territory:settlement_edit", args=[karaganda_town.pk]),
                      {**stale, "population": 180000}).status_code == 302
    response = second.post(reverse("territory:settlement_edit", args=[karaganda_town.pk]),
                           {**stale, "main_industry_ru": "сталь и кокс"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Нуркенов Бауыржан Серикович" in body
    karaganda_town.refresh_from_db()
    assert karaganda_town.population == 180000
    assert karaganda_town.main_industry_ru == "чёрная металлургия"
    assert karaganda_town.version == 2


def test_invalid_edit_lists_the_error_and_changes_nothing(client_for, karaganda_town):
    response = client_for("office").post(
        reverse("territory:settlement_edit", args=[karaganda_town.pk]),
        edit_data(karaganda_town, village_specialization="tourism"),
    )
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    karaganda_town.refresh_from_db()
    assert karaganda_town.village_specialization == ""
    assert karaganda_town.version == 1


def test_lists_are_scoped(client_for, demo):
    page = client_for("akimat.mangystau").get(reverse("territory:settlement_list")).content.decode()
    assert "Жанаозен" in page
    assert "Темиртау" not in page
    regions = client_for("akimat.mangystau").get(reverse("territory:region_list")).context["regions"]
    assert [region.kato for region in regions] == ["47"]
    assert client_for("office").get(reverse("territory:region_list")).context["regions"].count() == 20


def test_settlement_list_filters_and_htmx_partial(client_for, demo):
    client = client_for("office")
    response = client.get(reverse("territory:settlement_list"), {"monotown": "1"})
    assert response.context["page"].paginator.count == 20
    partial = client.get(reverse("territory:settlement_list"), {"region": "35", "monotown": "1"}, HTTP_HX_REQUEST="true")
    assert partial.templates[0].name == "territory/_settlement_table.html"
    names = {settlement.name_en for settlement in partial.context["page"]}
    assert names == {"Balkhash", "Temirtau", "Shakhtinsk"}


def test_list_pages_cost_a_constant_number_of_queries(client_for, demo, django_assert_max_num_queries):
    client = client_for("office")
    url = reverse("territory:settlement_list")
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_max_num_queries(12):
        client.get(url)
