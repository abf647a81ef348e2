"""The indicator pages: who may open them, the figures they show, their exports and the value import form."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import floatformat
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from meks.core.testing.matrix import LOGIN, check_matrix, snapshot
from meks.indicators import selectors
from meks.indicators.choices import Domain
from meks.indicators.models import AnalyticsWeight, IncentivePool, IndicatorValue, ValueImport, WearZoneThreshold
from meks.territory.models import Settlement

READERS = {"office": 200, "ministry": 200, "techoperator": 200, "akimat.karaganda": 200, "baiterek": 200,
           "bank": 200, "khc": 200}
OUTSIDERS = {None: LOGIN, "utility": 404, "contractor": 404, "manufacturer": 404, "operator": 404}
YEAR = 2025
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def english(*users):
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


def town(name_en: str) -> Settlement:
    return Settlement.objects.get(name_en=name_en)


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def upload(rows, name="values.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


@pytest.fixture
def pages(indicators_demo):
    temirtau = town("Temirtau")
    return {
        "overview": reverse("indicators:overview"),
        "catalogue": reverse("indicators:catalogue"),
        "values": reverse("indicators:values"),
        "ranking": reverse("indicators:monotown_ranking"),
        "town": reverse("indicators:monotown_detail", args=[temirtau.pk]),
        "compare": reverse("indicators:monotown_compare"),
        "weights": reverse("indicators:monotown_weights"),
        "exit": reverse("indicators:monotown_exit"),
        "zones": reverse("indicators:zones"),
        "priority": reverse("indicators:priority"),
        "incentives": reverse("indicators:incentives"),
        "villages": reverse("indicators:villages"),
    }


# Who may open what.

def test_every_page_opens_for_the_readers_only(client_for, pages):
    for url in pages.values():
        check_matrix(client_for, "get", url, expect={**READERS, **OUTSIDERS})


def test_exports_and_import_are_refused_to_outsiders(client_for, pages):
    for name in ("catalogue", "values", "ranking", "zones", "priority", "incentives", "villages"):
        check_matrix(client_for, "get", pages[name] + "?format=xlsx", expect=OUTSIDERS)
    importing = reverse("indicators:values_import")
    check_matrix(client_for, "get", importing, expect={
        **OUTSIDERS, "office": 200, "akimat.karaganda": 200, "ministry": 404, "techoperator": 404, "baiterek": 404})
    check_matrix(client_for, "get", reverse("indicators:values_template", args=["wide"]),
                 expect={"office": 200, "ministry": 404, "contractor": 404})


def test_a_town_that_is_not_a_monotown_answers_404(client_for, indicators_demo):
    village = Settlement.objects.filter(kind="village").first()
    assert client_for("office").get(reverse("indicators:monotown_detail", args=[village.pk])).status_code == 404


def test_the_navigation_entry_and_the_home_tiles(client_for, indicators_demo):
    english(indicators_demo["office"])
    home = client_for("office").get("/")
    assert "indicators" in {entry["key"] for entry in home.context["main_menu"]}
    tiles = {str(tile.label): tile for tile in home.context["tiles"]}
    red = sum(1 for row in selectors.wear_zoning() if row.zone == "red")
    assert red and tiles["Regions in the red wear zone"].value == red
    towns = selectors.monotown_assessment(user=None, year=YEAR).towns
    assert tiles["Monotowns in group 3"].value == sum(1 for t in towns if t.group == 3)
    assert "Regions in the red wear zone" in home.content.decode()
    contractor = client_for("contractor").get("/")
    assert "indicators" not in {entry["key"] for entry in contractor.context["main_menu"]}
    assert "Regions in the red wear zone" not in contractor.content.decode()


# Monotowns.

def test_ranking_shows_every_town_with_its_index_and_group(client_for, indicators_demo, pages):
    english(indicators_demo["ministry"])
    response = client_for("ministry").get(pages["ranking"] + f"?year={YEAR}")
    report = selectors.monotown_assessment(user=None, year=YEAR)
    rows = response.context["rows"]
    assert [row["settlement"].name_en for row in rows] == [t.settlement.name_en for t in report.towns]
    assert [row["index"] for row in rows] == [t.index for t in report.towns]
    page = response.content.decode()
    for assessed in report.towns:
        assert f'id="town-{assessed.settlement.pk}"' in page
        assert str(assessed.index) in page
    assert {tile["group"]: tile["count"] for tile in response.context["group_tiles"]} == {
        group: sum(1 for t in report.towns if t.group == group) for group in (1, 2, 3)}
    only_three = client_for("ministry").get(pages["ranking"] + f"?year={YEAR}&group=3").context["rows"]
    assert only_three and {row["group"] for row in only_three} == {3}


def test_ranking_export_holds_one_row_per_town(client_for, indicators_demo, pages):
    english(indicators_demo["office"])
    rows = sheet_rows(client_for("office").get(pages["ranking"] + f"?year={YEAR}&format=xlsx"))
    report = selectors.monotown_assessment(user=None, year=YEAR)
    assert rows[0][:3] == ("Rank", "Town", "KATO") and len(rows[0]) == 9 + len(Domain)
    assert [(r[0], r[2], Decimal(str(r[5])), r[7]) for r in rows[1:]] == [
        (t.rank, t.settlement.kato, t.index, t.group) for t in report.towns]


def test_a_towns_page_explains_its_group_with_checkable_figures(client_for, indicators_demo, pages):
    english(indicators_demo["akimat.karaganda"])
    temirtau = town("Temirtau")
    response = client_for("akimat.karaganda").get(pages["town"] + f"?year={YEAR}")
    assessed = selectors.monotown_assessment(user=None, year=YEAR).get(temirtau.pk)
    page = response.content.decode()
    # The index and the threshold rule that puts it in its group.
    reason = re.search(r'id="group-reason"><strong>(.*?)</strong>', page).group(1)
    assert str(assessed.index) in reason and f"group {assessed.group}" in reason
    # The composite written out: its terms reproduce the index.
    composite = response.context["composite"]
    # the page shows the formula with rounded parts: its result agrees with the index to the last shown digit
    assert abs(composite["weighted"] / composite["weight_total"] - assessed.index) <= Decimal("0.01")
    for domain in assessed.score.domains.values():
        assert f"×{domain.sub_index}" in composite["text"]
    # The domains pulling it up and down, with the deviation from the towns' mean.
    for domain in assessed.score.pulling_up + assessed.score.pulling_down:
        assert domain.label in page
        assert domain.deviation == domain.sub_index - domain.mean
    # The group's priority measures, the exit check and the 78 indicators behind it.
    for _code, label in assessed.score.measures:
        assert label in page
    assert "Criteria for leaving monotown status" in page
    assert sum(len(group["lines"]) for group in response.context["lines"]) == 78
    # The radar: one polygon for the town and one for the towns' mean, ten spokes.
    radar = response.context["radar"]
    assert [line["kind"] for line in radar["series"]] == ["town", "mean"] and len(radar["axes"]) == len(Domain)
    assert page.count('class="radar__spoke"') == len(Domain)


def test_comparison_overlays_two_to_four_towns(client_for, indicators_demo, pages):
    english(indicators_demo["office"])
    client = client_for("office")
    a, b, c = town("Temirtau"), town("Ekibastuz"), town("Karatau")
    response = client.get(pages["compare"] + f"?year={YEAR}&town={a.pk}&town={b.pk}&town={c.pk}")
    assert [t.settlement.pk for t in response.context["chosen"]] == [a.pk, b.pk, c.pk]
    assert response.content.decode().count("radar__series--") >= 4  # three towns and the mean
    report = selectors.monotown_assessment(user=None, year=YEAR)
    first_row = response.context["table"][0]
    assert first_row["values"] == [report.get(t.pk).sub_indices["demography"] for t in (a, b, c)]
    one = client.get(pages["compare"] + f"?year={YEAR}&town={a.pk}")
    assert not one.context["chosen"] and "Choose from two to four towns." in one.content.decode()


def _weights(**changed):
    return {**{domain.value: "1" for domain in Domain}, **changed}


def test_what_if_weights_list_the_towns_that_change_group(client_for, indicators_demo, pages):
    english(indicators_demo["techoperator"])
    trial = _weights(small_business="10")
    expected = selectors.monotown_what_if(user=None, year=YEAR, weights={"small_business": 10})
    assert expected.changes, "the demo should have towns that a tenfold weight moves"
    response = client_for("techoperator").get(pages["weights"], {"year": YEAR, **trial})
    assert [(s.pk, c.group_before, c.group_after) for s, c in response.context["what_if"].changes] == [
        (s.pk, c.group_before, c.group_after) for s, c in expected.changes]
    page = response.content.decode()
    assert 'id="group-changes"' in page and "Save the weights" not in page
    assert AnalyticsWeight.objects.count() == 0


def test_saving_weights_needs_the_project_office_and_a_confirmation(client_for, indicators_demo, pages):
    english(indicators_demo["office"])
    data = {"year": YEAR, **_weights(small_business="10"), "reason": "test"}
    state = lambda: snapshot(AnalyticsWeight.objects.all())  # noqa: E731
    check_matrix(client_for, "post", pages["weights"], {**data, "confirm": "on"}, state=state,
                 expect={None: LOGIN, "ministry": 404, "akimat.karaganda": 404, "baiterek": 404, "contractor": 404})
    office = client_for("office")
    unconfirmed = office.post(pages["weights"], data)
    assert unconfirmed.status_code == 200 and AnalyticsWeight.objects.count() == 0
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    assert unconfirmed.context["what_if"] is not None  # the trial stays on the page
    saved = office.post(pages["weights"], {**data, "confirm": "on"})
    assert saved.status_code == 302
    assert list(AnalyticsWeight.objects.values_list("key", "weight")) == [("small_business", Decimal("10.000"))]
    assert selectors.current_domain_weights()["small_business"] == Decimal("10")


def test_exit_page_shows_saran_passing_with_its_figures(client_for, indicators_demo, pages):
    english(indicators_demo["office"])
    response = client_for("office").get(pages["exit"] + f"?year={YEAR}")
    rows = {row["town"].name_en: row for row in response.context["rows"]}
    assert rows["Saran"]["check"].passed
    assert response.context["passing"] == sum(1 for row in rows.values() if row["check"].passed)
    page = response.content.decode()
    saran = re.search(rf'id="exit-{rows["Saran"]["town"].pk}">(.*?)</tr>', page, re.S).group(1)
    assert "former monotown" in saran and "may leave the status" in saran
    for result in rows["Saran"]["results"]:
        assert f"{floatformat(result.value, '-2')} ✓" in saran


# Wear zones and funding priority.

def test_zones_page_colours_the_map_and_lists_wear_by_network(client_for, indicators_demo, pages):
    english(indicators_demo["baiterek"])
    response = client_for("baiterek").get(pages["zones"])
    page = response.content.decode()
    assert page.count('class="region-map__region"') == 20
    pavlodar = re.search(r'id="region-55">(.*?)</tr>', page, re.S).group(1)
    assert "66.0" in pavlodar and "Red zone" in pavlodar
    karaganda = next(row for row in response.context["rows"] if row["region"].kato == "35")
    assert karaganda["networks"] == [Decimal("66"), Decimal("65"), Decimal("68"), Decimal("80")]
    assert {tile["zone"]: tile["count"] for tile in response.context["zone_tiles"]} == {
        zone: sum(1 for row in selectors.wear_zoning() if row.zone == zone) for zone in ("red", "yellow", "green")}
    assert response.context["form"] is None  # only the project office moves the thresholds


def test_thresholds_are_moved_by_the_project_office_only(client_for, indicators_demo, pages):
    state = lambda: snapshot(WearZoneThreshold.objects.all())  # noqa: E731
    check_matrix(client_for, "post", pages["zones"], {"red": "55", "yellow": "45"}, state=state,
                 expect={None: LOGIN, "ministry": 404, "akimat.karaganda": 404, "contractor": 404})
    assert client_for("office").post(pages["zones"], {"red": "55", "yellow": "45"}).status_code == 302
    assert dict(WearZoneThreshold.objects.values_list("zone", "above_percent")) == {
        "red": Decimal("55.00"), "yellow": Decimal("45.00")}
    red = {row.region.kato for row in selectors.wear_zoning() if row.zone == "red"}
    assert {"55", "35", "10"} <= red  # Pavlodar 66, Karaganda 62, Abai 59 are all above 55 now


def test_priority_ranking_shows_its_components_and_exports(client_for, indicators_demo, pages):
    english(indicators_demo["office"])
    client = client_for("office")
    response = client.get(pages["priority"])
    ranking = selectors.funding_priority()
    assert [item["row"].region_id for item in response.context["rows"]] == [row.region_id for row in ranking]
    first = response.context["rows"][0]
    assert sum(c["points"] for c in first["components"]) == pytest.approx(first["row"].score, abs=Decimal("0.03"))
    rows = sheet_rows(client.get(pages["priority"] + "?format=xlsx"))
    assert len(rows) == 21
    assert [(r[0], r[1], Decimal(str(r[4]))) for r in rows[1:]] == [(row.rank, row.region.kato, row.score)
                                                                    for row in ranking]


# Tax incentives.

def test_incentives_page_and_export_hold_every_region(client_for, indicators_demo, pages):
    english(indicators_demo["office"])
    client = client_for("office")
    year = selectors.tax_years()[0]
    report = selectors.tax_incentives(user=None, year=year)
    response = client.get(pages["incentives"] + f"?year={year}")
    assert [item["row"].region.kato for item in response.context["rows"]] == [r.region.kato for r in report.rows]
    assert response.context["report"].distributed == report.distributed
    rows = sheet_rows(client.get(pages["incentives"] + f"?year={year}&format=xlsx"))
    assert len(rows) == 1 + len(report.rows) + 1  # header, regions, total
    assert Decimal(str(rows[-1][6])) == report.distributed
    assert sum(Decimal(str(r[6] or 0)) for r in rows[1:-1]) == report.distributed
    # A trial pool recomputes the rewards without saving anything.
    trial = client.get(pages["incentives"], {"year": year, "pool": "1000", "cap_share": "0.5"})
    assert trial.context["trial"] and trial.context["report"].pool == Decimal("1000")
    assert trial.context["report"].distributed <= Decimal("1000")
    assert IncentivePool.objects.filter(year=year, amount=Decimal("1000")).count() == 0


def test_only_the_project_office_saves_a_pool(client_for, indicators_demo, pages):
    year = selectors.tax_years()[0]
    data = {"year": year, "pool": "1234.50", "cap_share": "0.300"}
    state = lambda: snapshot(IncentivePool.objects.all())  # noqa: E731
    check_matrix(client_for, "post", pages["incentives"], data, state=state,
                 expect={None: LOGIN, "ministry": 404, "baiterek": 404, "akimat.karaganda": 404})
    assert client_for("office").post(pages["incentives"], data).status_code == 302
    pool = IncentivePool.objects.get(year=year)
    assert (pool.amount, pool.cap_share) == (Decimal("1234.50"), Decimal("0.300"))


# Villages.

def test_villages_are_screened_within_the_users_regions(client_for, indicators_demo, pages):
    english(indicators_demo["akimat.karaganda"])
    akimat = client_for("akimat.karaganda").get(pages["villages"])
    kato = {row["item"].settlement.region.kato for row in akimat.context["rows"]}
    assert kato == {"35"}
    office = client_for("office")
    everything = office.get(pages["villages"])
    assert len(everything.context["rows"]) == len(selectors.village_screening(user=None))
    gaps = office.get(pages["villages"] + "?status=gaps").context["rows"]
    assert all(row["item"].status == "gaps" for row in gaps)
    rows = sheet_rows(office.get(pages["villages"] + "?region=35&format=xlsx"))
    assert len(rows) == 1 + len(selectors.village_screening(user=None, region=town("Temirtau").region))


# Catalogue, values and the import.

def test_catalogue_groups_the_indicators_by_domain_and_exports(client_for, indicators_demo, pages):
    english(indicators_demo["office"])
    client = client_for("office")
    response = client.get(pages["catalogue"] + "?monotown=1")
    assert response.context["count"] == 78
    assert [section["code"] for section in response.context["sections"]] == [domain.value for domain in Domain]
    rows = sheet_rows(client.get(pages["catalogue"] + "?domain=utilities&format=xlsx"))
    codes = {r[0] for r in rows[1:]}
    assert "utl_heat_wear" in codes and all(code.startswith("utl_") for code in codes)


def test_values_filter_and_export(client_for, indicators_demo, pages):
    english(indicators_demo["akimat.karaganda"])
    client = client_for("akimat.karaganda")
    response = client.get(pages["values"], {"indicator": "utl_heat_wear", "year": YEAR})
    regions = {row["region"] for row in response.context["rows"]}
    assert regions == {"Karaganda Region"}  # an akimat sees its own region's values
    rows = sheet_rows(client.get(pages["values"], {"indicator": "utl_heat_wear", "year": YEAR, "format": "xlsx"}))
    expected = IndicatorValue.objects.filter(indicator__code="utl_heat_wear", period_start__year=YEAR,
                                             region__kato="35").count()
    assert len(rows) == 1 + expected and {r[0] for r in rows[1:]} == {"utl_heat_wear"}


def test_the_import_form_reports_every_bad_row_and_writes_nothing(client_for, indicators_demo):
    english(indicators_demo["office"])
    temirtau = town("Temirtau")
    before = snapshot(IndicatorValue.objects.all(), ValueImport.objects.all())
    response = client_for("office").post(reverse("indicators:values_import"), {"layout": "long", "file": upload([
        ("code", "kato", "period", "value"),
        ("no_such_indicator", temirtau.kato, "2025", "1"),
        ("lab_unemployment", "999999999", "2025", "4"),
        ("lab_unemployment", temirtau.kato, "2025-13", "4"),
        ("lab_unemployment", temirtau.kato, "2025", "many"),
        ("lab_unemployment", temirtau.kato, "2025", "4.2"),
    ])})
    assert response.status_code == 200
    problems = response.context["problems"]
    assert [problem.row for problem in problems] == [2, 3, 4, 5]
    page = response.content.decode()
    assert "The file was not imported: 4 problems were found" in page
    assert "no_such_indicator" in page
    assert snapshot(IndicatorValue.objects.all(), ValueImport.objects.all()) == before


def test_the_import_form_writes_a_good_wide_file(client_for, indicators_demo):
    english(indicators_demo["akimat.karaganda"])
    temirtau = town("Temirtau")
    client = client_for("akimat.karaganda")
    missing_period = client.post(reverse("indicators:values_import"), {"layout": "wide", "file": upload([
        ("kato", "lab_unemployment")])})
    assert "Give the period the wide sheet" in missing_period.content.decode()
    response = client.post(reverse("indicators:values_import"), {"layout": "wide", "period": "2024-Q3", "file": upload([
        ("kato", "lab_unemployment", "lab_new_jobs"), ("unit", "percent", "count"), (temirtau.kato, "4.4", 35)])})
    assert response.status_code == 302
    written = IndicatorValue.objects.filter(settlement=temirtau, period_type="quarter")
    assert {(v.indicator.code, v.value) for v in written} == {("lab_unemployment", Decimal("4.4")),
                                                            ("lab_new_jobs", Decimal("35"))}
    # Another region's town is refused, with the row, and nothing is written.
    ekibastuz = town("Ekibastuz")
    before = IndicatorValue.objects.count()
    refused = client.post(reverse("indicators:values_import"), {"layout": "wide", "period": "2024-Q3", "file": upload([
        ("kato", "lab_unemployment"), (ekibastuz.kato, "4.4")])})
    assert refused.status_code == 200 and [p.row for p in refused.context["problems"]] == [2]
    assert IndicatorValue.objects.count() == before


def test_thresholds_form_refuses_red_not_above_yellow(client_for, indicators_demo, pages):
    english(indicators_demo["office"])
    before = snapshot(WearZoneThreshold.objects.all())
    response = client_for("office").post(pages["zones"], {"red": "45", "yellow": "50"})
    assert response.status_code == 200
    assert "The red zone threshold must be above the yellow one." in response.content.decode()
    assert snapshot(WearZoneThreshold.objects.all()) == before


def test_pages_render_in_kazakh(client_for, indicators_demo, pages):
    user = indicators_demo["akimat.karaganda"]
    user.language = "kk"
    user.save(update_fields=["language"])
    temirtau = town("Temirtau")
    response = client_for("akimat.karaganda").get(pages["town"])
    assert response.status_code == 200
    assert 'lang="kk"' in response.content.decode()[:300]
    assert temirtau.name_kk and temirtau.name_kk in response.content.decode()


def test_values_page_adds_settlements_up_per_region(client_for, indicators_demo, pages):
    response = client_for("office").get(pages["values"], {"indicator": "dem_population", "year": YEAR,
                                                          "level": "settlement"})
    rollup = response.context["rollup"]
    assert rollup is not None and rollup["rows"]
    karaganda = next(row for row in rollup["rows"] if row["region"].kato == "35")
    expected = sum(IndicatorValue.objects.filter(indicator__code="dem_population", level="settlement",
                                                 region__kato="35", period_type="year",
                                                 period_start__year=YEAR).values_list("value", flat=True))
    assert karaganda["value"] == expected


INLINE_STYLE = re.compile(r"""<[^>]+\sstyle\s*=""", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
OUTSIDE = re.compile(r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//(?!testserver)""", re.I)


def test_pages_carry_no_inline_style_or_script_and_nothing_from_outside(client_for, indicators_demo, pages):
    client = client_for("office")
    temirtau, karatau = town("Temirtau"), town("Karatau")
    extra = [pages["compare"] + f"?town={temirtau.pk}&town={karatau.pk}", pages["weights"] + "?" + "&".join(
        f"{code}={weight}" for code, weight in _weights(ecology="4").items()), reverse("indicators:values_import")]
    for url in [*pages.values(), *extra]:
        body = client.get(url).content.decode()
        assert not INLINE_STYLE.search(body), (url, INLINE_STYLE.search(body).group(0))
        assert not INLINE_SCRIPT.search(body), (url, INLINE_SCRIPT.search(body).group(0))
        assert not OUTSIDE.search(body), (url, OUTSIDE.search(body).group(0))
