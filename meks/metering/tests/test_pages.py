"""The metering pages: who sees them, the registers and their filters, a meter, a building's balance checked by
hand, the dashboards, the exports, the upload and the batch report."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization
from meks.accounts.services import organization_create
from meks.core.testing.matrix import LOGIN, check_matrix, snapshot
from meks.metering import services
from meks.metering.choices import BatchMode, BatchStatus, Interface, Medium, MeterRole
from meks.metering.models import Reading, ReadingBatch, RejectedReading
from meks.territory.models import Settlement

#: Readings are ingested as of this moment; the pages are asked for the twelve months up to MONTH.
NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)
MONTH = "2026-05"
READERS = ("office", "ministry", "techoperator", "akimat.karaganda", "utility")
OUTSIDERS = ("contractor", "bank", "operator", "manufacturer", "baiterek")


def _type(approval: str, **extra):
    fields = {"approval_number": approval, "approved_on": dt.date(2020, 1, 1), "name": f"T-{approval}",
              "manufacturer_name": "Test Meters LLP", "medium": Medium.COLD_WATER, "nominal_diameter": 15,
              "q3": "2.50", "r_ratio": 160, "accuracy_class": "2", "verification_interval_years": 5,
              "interface": Interface.LORAWAN, **extra}
    return services.meter_type_create(actor=None, **fields)


def _csv(rows) -> bytes:
    return ("meter;taken_at;value\n" + "".join(f"{meter};{when};{value}\n" for meter, when, value in rows)).encode()


@pytest.fixture
def pages(demo):
    """Karaganda: building A of the demo utility (input meter and three flat meters, one overdue and of a withdrawn
    type) with three readings each in May 2026; Mangystau: building B of another utility with one input meter."""
    for user in demo.values():
        user.language = "en"
        user.save(update_fields=["language"])
    utility = Organization.objects.get(kind=OrganizationKind.UTILITY, region__kato="35")
    mangystau = Settlement.objects.filter(region__kato="47").order_by("kato").first()
    other = organization_create(actor=None, kind=OrganizationKind.UTILITY, region=mangystau.region,
                                name_ru="Водоканал Актау", name_en="Aktau Water")
    cold = _type("KZ.02.01.10001-2020", interface=Interface.MBUS, is_domestic=True)
    withdrawn = _type("KZ.02.01.10002-2019", status="withdrawn", manufacturer_name="Old Meters GmbH")
    _type("KZ.02.02.10003-2021", medium=Medium.HEAT, interface=Interface.NBIOT, name="Heat-1")
    settlement = Settlement.objects.filter(region__kato="35").order_by("kato").first()
    building = services.building_create(actor=None, utility=utility, settlement=settlement,
                                        address="ул. Страницы, 1", flats=3, residents=6)
    other_building = services.building_create(actor=None, utility=other, settlement=mangystau,
                                              address="мкр 7, дом 2", flats=1, residents=2)
    installed = dt.date(2025, 1, 1)

    def meter(serial, role, place=building, flat="", meter_type=cold, **extra):
        return services.meter_create(actor=None, building=place, meter_type=meter_type, serial=serial, role=role,
                                     installed_on=installed, flat_number=flat, **extra)

    world = SimpleNamespace(
        demo=demo, utility=utility, other=other, building=building, other_building=other_building,
        settlement=settlement, cold=cold, withdrawn=withdrawn,
        input=meter("PG-IN", MeterRole.INPUT),
        flat1=meter("PG-F1", MeterRole.FLAT, flat="1", account="A-1"),
        flat2=meter("PG-F2", MeterRole.FLAT, flat="2", account="A-2"),
        flat3=meter("PG-F3", MeterRole.FLAT, flat="3", account="A-3", meter_type=withdrawn,
                    last_verified_on=dt.date(2019, 1, 1)),
        foreign=meter("PG-X1", MeterRole.INPUT, place=other_building),
    )
    days = ("2026-05-01 10:00", "2026-05-16 10:00", "2026-05-28 10:00")
    values = {"PG-IN": (100, 115, 130), "PG-F1": (10, 14, 18), "PG-F2": (20, 25, 30), "PG-F3": (0, 1, 2)}
    rows = [(serial, day, value) for serial, series in values.items() for day, value in zip(days, series, strict=True)]
    world.batch = services.readings_ingest(actor=demo["utility"], source="csv", stream=io.BytesIO(_csv(rows)),
                                           now=NOW).batch
    services.readings_ingest(actor=demo["techoperator"], source="csv", now=NOW,
                             stream=io.BytesIO(_csv([("PG-X1", "2026-05-10 10:00", 50)])))
    # a conflict on the first flat meter: another value for a moment already stored
    world.conflict_batch = services.readings_ingest(actor=demo["utility"], source="csv", now=NOW,
                                                    stream=io.BytesIO(_csv([("PG-F1", days[1], 99)]))).batch
    return world


def _urls(world) -> dict[str, str]:
    return {
        "dashboard": reverse("metering:dashboard") + f"?until={MONTH}",
        "compliance": reverse("metering:compliance") + f"?until={MONTH}",
        "types": reverse("metering:type_list"),
        "meters": reverse("metering:meter_list"),
        "buildings": reverse("metering:building_list"),
        "batches": reverse("metering:batch_list"),
        "consumption_xlsx": reverse("metering:consumption_export") + f"?until={MONTH}",
        "meters_xlsx": reverse("metering:meter_export"),
        "types_xlsx": reverse("metering:type_export"),
    }


def test_each_page_opens_for_the_readers_and_no_one_else(client_for, pages):
    expect = {None: LOGIN, **dict.fromkeys(READERS, 200), "akimat.mangystau": 200, **dict.fromkeys(OUTSIDERS, 404)}
    for url in _urls(pages).values():
        check_matrix(client_for, "get", url, expect=expect)


def test_karaganda_records_are_404_outside_karaganda(client_for, pages):
    karaganda = {None: LOGIN, **dict.fromkeys(READERS, 200), "akimat.mangystau": 404,
                 **dict.fromkeys(OUTSIDERS, 404)}
    for url in (reverse("metering:meter_detail", args=[pages.flat1.pk]),
                reverse("metering:building_detail", args=[pages.building.pk]),
                reverse("metering:meter_readings_export", args=[pages.flat1.pk]),
                reverse("metering:compliance_meters", args=[pages.building.pk]) + f"?until={MONTH}",
                reverse("metering:batch_detail", args=[pages.batch.pk])):
        check_matrix(client_for, "get", url, expect=karaganda)


def test_another_utilitys_meter_and_building_are_404_for_the_utility(client_for, pages):
    expect = {"utility": 404, "akimat.karaganda": 404, "akimat.mangystau": 200, "office": 200}
    check_matrix(client_for, "get", reverse("metering:meter_detail", args=[pages.foreign.pk]), expect=expect)
    check_matrix(client_for, "get", reverse("metering:building_detail", args=[pages.other_building.pk]), expect=expect)
    assert client_for("utility").get(reverse("metering:meter_detail", args=[999999])).status_code == 404


def test_meter_register_lists_only_visible_meters_with_flags(client_for, pages):
    page = client_for("utility").get(reverse("metering:meter_list")).context["page"]
    assert sorted(meter.serial for meter in page) == ["PG-F1", "PG-F2", "PG-F3", "PG-IN"]
    office = client_for("office")
    overdue = office.get(reverse("metering:meter_list"), {"overdue": "on"}).context["page"]
    assert [meter.serial for meter in overdue] == ["PG-F3"]
    withdrawn = office.get(reverse("metering:meter_list"), {"withdrawn": "on"}).context["page"]
    assert [meter.serial for meter in withdrawn] == ["PG-F3"]
    by_settlement = office.get(reverse("metering:meter_list"), {"settlement": pages.other_building.settlement_id})
    assert [meter.serial for meter in by_settlement.context["page"]] == ["PG-X1"]
    by_building = office.get(reverse("metering:meter_list"), {"building": pages.building.pk, "role": "input"})
    assert [meter.serial for meter in by_building.context["page"]] == ["PG-IN"]
    html = office.get(reverse("metering:meter_list"), {"q": "PG-F3"}).content.decode()
    assert 'data-flag="verification_overdue"' in html and 'data-flag="type_withdrawn"' in html


@pytest.mark.parametrize(("name", "partial", "query", "expected"), [
    ("meter_list", "_meter_table.html", {"q": "PG-F3"}, "PG-F3"),
    ("type_list", "_type_table.html", {"medium": "heat"}, "Heat-1"),
    ("building_list", "_building_table.html", {"q": "Страницы"}, "ул. Страницы, 1"),
    ("batch_list", "_batch_table.html", {"source": "csv"}, "CSV file"),
])
def test_filters_answer_htmx_with_the_table_alone(client_for, pages, name, partial, query, expected):
    response = client_for("office").get(reverse(f"metering:{name}"), query, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == f"metering/{partial}"
    html = response.content.decode()
    assert "<html" not in html and expected in html


def test_type_register_filters(client_for, pages):
    client = client_for("akimat.mangystau")
    url = reverse("metering:type_list")

    def names(**query):
        return sorted(item.approval_number for item in client.get(url, query).context["page"]
                      if item.approval_number.startswith("KZ.02.0"))

    assert names() == ["KZ.02.01.10001-2020", "KZ.02.01.10002-2019", "KZ.02.02.10003-2021"]
    assert names(medium="heat") == ["KZ.02.02.10003-2021"]
    assert names(interface="mbus") == ["KZ.02.01.10001-2020"]
    assert names(status="withdrawn") == ["KZ.02.01.10002-2019"]
    assert names(domestic="1") == ["KZ.02.01.10001-2020"]
    assert names(domestic="0") == ["KZ.02.01.10002-2019", "KZ.02.02.10003-2021"]
    assert names(medium="nonsense") == names()  # a wrong filter value is ignored, not an error


def test_meter_page_shows_chart_readings_and_the_conflict(client_for, pages):
    response = client_for("utility").get(reverse("metering:meter_detail", args=[pages.flat1.pk]))
    context = response.context
    assert [(row["status"], row["value"]) for row in context["reading_rows"]] == [
        ("valid", Decimal("18.000")), ("valid", Decimal("14.000")), ("conflict", Decimal("99.000")),
        ("valid", Decimal("10.000"))]
    chart = context["chart"]
    assert chart["line"].count(",") == 3  # three accepted readings joined by the line
    assert chart["markers"] == []  # the conflicting 99 lies far above the axes and is only listed
    assert [row["consumption"] for row in context["monthly"]] == [Decimal("8.000")]
    html = response.content.decode()
    assert "<polyline" in html and "A different value was already received for this meter and time" in html
    assert f'href="{reverse("metering:batch_detail", args=[pages.conflict_batch.pk])}"' in html


def test_meter_page_marks_flagged_and_rejected_points(client_for, pages, demo):
    services.readings_ingest(actor=demo["utility"], source="csv", now=NOW,
                             stream=io.BytesIO(_csv([("PG-F2", "2026-05-28 10:00", "26")])))
    chart = client_for("office").get(reverse("metering:meter_detail", args=[pages.flat2.pk])).context["chart"]
    assert [(marker["kind"], str(marker["value"])) for marker in chart["markers"]] == [("conflict", "26.000")]
    assert all(chart["left"] <= marker["x"] <= chart["right"] for marker in chart["markers"])


def test_building_balance_matches_the_hand_computed_example(client_for, pages):
    """May 2026: input 130 − 100 = 30; flats 8 + 10 + 2 = 20; imbalance 10, shared equally among the 3 flat
    meters: 3.333 each (rounded down), 9.999 shared; losses 10 / 30 = 33.3 %."""
    response = client_for("akimat.karaganda").get(reverse("metering:building_detail", args=[pages.building.pk]),
                                                  {"until": MONTH})
    selected = response.context["selected"]
    assert selected.month == dt.date(2026, 5, 1)
    assert (selected.input, selected.common, selected.flats, selected.imbalance) == (
        Decimal("30.000"), Decimal("0"), Decimal("20.000"), Decimal("10.000"))
    assert (selected.share_per_flat, selected.shared, selected.loss_percent) == (
        Decimal("3.333"), Decimal("9.999"), Decimal("33.3"))
    assert [(row.serial, row.consumption, row.total) for row in selected.flat_rows] == [
        ("PG-F1", Decimal("8.000"), Decimal("11.333")), ("PG-F2", Decimal("10.000"), Decimal("13.333")),
        ("PG-F3", Decimal("2.000"), Decimal("5.333"))]
    assert response.context["selected_total"] == Decimal("29.999")
    html = response.content.decode()
    assert "30.000 − 0.000 − 20.000 = 10.000; shared among 3 flat meters: 3.333 each." in html
    assert response.context["totals"]["imbalance"] == Decimal("10.000")
    export = client_for("akimat.karaganda").get(
        reverse("metering:building_balance_export", args=[pages.building.pk]), {"until": MONTH})
    may = next(row for row in _sheet_rows(export) if row[0] == MONTH)
    assert [float(value) for value in may[1:5]] == [30.0, 0.0, 20.0, 10.0]
    flats = [row for row in _sheet_rows(export, 1) if row[0] == MONTH]
    assert [(row[2], float(row[6])) for row in flats] == [("PG-F1", 11.333), ("PG-F2", 13.333), ("PG-F3", 5.333)]


def test_dashboard_consumption_by_region_and_settlement(client_for, pages):
    client = client_for("office")
    context = client.get(reverse("metering:dashboard"), {"until": MONTH}).context
    karaganda = next(row for row in context["table"] if row["key"] == pages.settlement.region_id)
    assert (karaganda["input"], karaganda["flats"], karaganda["losses"], karaganda["loss_percent"]) == (
        Decimal("30.000"), Decimal("20.000"), Decimal("10.000"), Decimal("33.3"))
    assert context["by_month"][-1]["month"] == dt.date(2026, 5, 1)
    karaganda_months = next(row for row in context["area_months"] if row["key"] == pages.settlement.region_id)
    assert karaganda_months["values"] == [None] * 11 + [Decimal("30.000")]
    assert context["flags"]["overdue"] == 1
    drill = client.get(reverse("metering:dashboard"), {"until": MONTH, "region": pages.settlement.region_id}).context
    assert drill["level"] == "settlement"
    assert [(row["key"], row["input"]) for row in drill["table"]] == [(pages.settlement.pk, Decimal("30.000"))]
    # the utility sees only its own buildings: no Mangystau row
    mine = client_for("utility").get(reverse("metering:dashboard"), {"until": MONTH}).context["table"]
    assert [row["key"] for row in mine] == [pages.settlement.region_id]


def test_compliance_by_region_and_utility(client_for, pages):
    context = client_for("office").get(reverse("metering:compliance"), {"until": MONTH}).context
    by_region = {row["key"]: (row["meters"], row["compliant"]) for row in context["by_region"]}
    assert by_region[pages.settlement.region_id] == (4, 4)
    assert by_region[pages.other_building.settlement.region_id] == (1, 0)
    by_utility = {row["key"]: row["percent"] for row in context["by_utility"]}
    assert by_utility[pages.other.pk] == Decimal("0.0") and by_utility[pages.utility.pk] == Decimal("100.0")
    drill = client_for("office").get(reverse("metering:compliance"), {"until": MONTH, "utility": pages.other.pk})
    assert [(row["name"], row["missing"]) for row in drill.context["buildings"]] == [("мкр 7, дом 2", 1)]
    missing = client_for("office").get(reverse("metering:compliance_meters", args=[pages.other_building.pk]),
                                       {"until": MONTH})
    assert [meter.serial for meter in missing.context["meters"]] == ["PG-X1"]


def _sheet_rows(response, sheet: int = 0):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    if not hasattr(response, "workbook_bytes"):
        response.workbook_bytes = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(response.workbook_bytes), read_only=True)
    return [list(row) for row in workbook.worksheets[sheet].iter_rows(values_only=True)]


def test_consumption_export_opens_with_openpyxl(client_for, pages):
    response = client_for("office").get(reverse("metering:consumption_export"), {"until": MONTH})
    summary = _sheet_rows(response)
    assert summary[0][:2] == ["Region", "Building inputs, m³"]
    karaganda = next(row for row in summary if row[0] == pages.settlement.region.name_en)
    assert [float(value) for value in karaganda[1:5]] == [30.0, 20.0, 0.0, 10.0]
    by_month = _sheet_rows(response, 1)
    assert [row[1] for row in by_month[1:] if row[0] == pages.settlement.region.name_en] == ["2026-05"]


def test_meter_and_type_exports_follow_the_filters_and_the_scope(client_for, pages):
    rows = _sheet_rows(client_for("utility").get(reverse("metering:meter_export")))
    assert sorted(row[0] for row in rows[1:]) == ["PG-F1", "PG-F2", "PG-F3", "PG-IN"]
    overdue = _sheet_rows(client_for("office").get(reverse("metering:meter_export"), {"overdue": "on"}))
    assert [row[0] for row in overdue[1:]] == ["PG-F3"]
    types = _sheet_rows(client_for("office").get(reverse("metering:type_export"), {"medium": "heat"}))
    assert [row[1] for row in types[1:] if row[1].startswith("KZ.02.0")] == ["KZ.02.02.10003-2021"]
    readings = _sheet_rows(client_for("utility").get(reverse("metering:meter_readings_export", args=[pages.flat1.pk])))
    assert [float(row[1]) for row in readings[1:]] == [10.0, 14.0, 99.0, 18.0]


def test_upload_ingests_a_file_and_shows_its_report(client_for, pages):
    client = client_for("utility")
    content = _csv([("PG-F1", "2026-06-01 10:00", "19,5"), ("PG-F2", "2026-06-01 10:00", "31"),
                    ("PG-X1", "2026-06-01 10:00", "51"), ("NO-SUCH", "2026-06-01 10:00", "1")]) + b"garbage\n"
    upload = SimpleUploadedFile("june.csv", content, content_type="text/csv")
    response = client.post(reverse("metering:upload"), {"file": upload, "mode": BatchMode.ACCEPT_GOOD})
    batch = ReadingBatch.objects.get(filename="june.csv")
    assert response.status_code == 302 and response["Location"] == reverse("metering:batch_detail", args=[batch.pk])
    assert (batch.received, batch.accepted, batch.rejected, batch.status) == (5, 2, 3, BatchStatus.DONE_WITH_ERRORS)
    report = client.get(response["Location"])
    html = report.content.decode()
    assert 'data-tile="rejected"><span class="tile__value">3</span>' in html
    assert "The meter is in a building served by another utility." in html
    assert "Unknown meter" in html and "garbage" in html
    assert {row["code"]: row["count"] for row in report.context["by_reason"]} == {
        "other_utility": 1, "unknown_meter": 1, "garbage": 1}
    # the same file again changes nothing and shows the earlier report
    again = client.post(reverse("metering:upload"), {"file": SimpleUploadedFile("june.csv", content),
                                                     "mode": BatchMode.ACCEPT_GOOD})
    assert again["Location"] == response["Location"]
    assert ReadingBatch.objects.filter(filename="june.csv").count() == 1


def test_batch_report_lists_the_readings_with_warnings(client_for, pages, demo):
    # 170 m³ in three weeks in a flat of two residents: far above the norm, accepted with a warning
    batch = services.readings_ingest(actor=demo["utility"], source="csv", now=NOW, stream=io.BytesIO(
        _csv([("PG-F2", "2026-06-20 10:00", "200")]))).batch
    assert (batch.accepted, batch.flagged) == (1, 1)
    response = client_for("utility").get(reverse("metering:batch_detail", args=[batch.pk]))
    assert [(reading.meter.serial, reading.flag_labels) for reading in response.context["flagged"]] == [
        ("PG-F2", ["Implausibly high consumption against the norm"])]
    assert 'href="#flagged"' in response.content.decode()


def test_upload_all_or_nothing_saves_no_reading(client_for, pages):
    content = _csv([("PG-F1", "2026-06-01 10:00", "19"), ("NO-SUCH", "2026-06-01 10:00", "1")])
    before = Reading.objects.count()
    response = client_for("utility").post(reverse("metering:upload"), {
        "file": SimpleUploadedFile("strict.csv", content), "mode": BatchMode.ALL_OR_NOTHING})
    batch = ReadingBatch.objects.get(filename="strict.csv")
    assert batch.status == BatchStatus.REFUSED and Reading.objects.count() == before
    page = client_for("utility").get(response["Location"])
    assert "no reading of this batch was saved" in page.content.decode()
    assert [row.position for row in page.context["page"]] == [3]


def test_upload_refuses_a_bad_file_and_changes_nothing(client_for, pages):
    client = client_for("utility")
    state = lambda: snapshot(ReadingBatch.objects.all(), RejectedReading.objects.all())  # noqa: E731
    before = state()
    errors = {}
    for name, content in (("notes.pdf", b"%PDF-1.4"), ("bad.csv", b"a;b;c\n1;2;3\n"), ("empty.csv", b"")):
        response = client.post(reverse("metering:upload"), {"file": SimpleUploadedFile(name, content),
                                                            "mode": BatchMode.ACCEPT_GOOD})
        assert response.status_code == 200
        errors[name] = " ".join(response.context["form"].errors["file"])
    assert state() == before
    assert errors["notes.pdf"] == "Upload a CSV or XLSX file."
    assert errors["bad.csv"].startswith("The header must name the columns meter, taken_at and value")
    assert errors["empty.csv"] == "The submitted file is empty."


def test_upload_page_is_for_those_who_submit_readings(client_for, pages):
    url = reverse("metering:upload")
    state = lambda: snapshot(ReadingBatch.objects.all())  # noqa: E731
    data = {"file": SimpleUploadedFile("x.csv", _csv([("PG-F1", "2026-06-02 10:00", "20")])), "mode": "accept_good"}
    check_matrix(client_for, "get", url, expect={None: LOGIN, "utility": 200, "techoperator": 200, "office": 200,
                                                 "ministry": 404, "akimat.karaganda": 404, "contractor": 404})
    check_matrix(client_for, "post", url, data, state=state,
                 expect={None: LOGIN, "ministry": 404, "akimat.karaganda": 404, "bank": 404})


def test_batch_list_is_scoped(client_for, pages):
    mine = client_for("utility").get(reverse("metering:batch_list")).context["page"]
    assert {batch.pk for batch in mine} == {pages.batch.pk, pages.conflict_batch.pk}
    rejected = client_for("utility").get(reverse("metering:batch_list"), {"status": "done_with_errors"})
    assert [batch.pk for batch in rejected.context["page"]] == [pages.conflict_batch.pk]
    problems = client_for("office").get(reverse("metering:batch_list"), {"problems": "on"}).context["page"]
    assert [batch.pk for batch in problems] == [pages.conflict_batch.pk]
    dashboard = client_for("office").get(reverse("metering:dashboard"), {"until": MONTH})
    assert dashboard.context["batches_with_rejects"] == 1


def test_home_tiles_and_navigation(client_for, pages):
    tiles = {str(tile.label): tile.value for tile in client_for("utility").get("/").context["tiles"]}
    assert tiles["Meters with verification overdue"] == 1
    menu = {entry["key"] for entry in client_for("akimat.mangystau").get("/").context["main_menu"]}
    assert "metering" in menu
    assert "metering" not in {entry["key"] for entry in client_for("bank").get("/").context["main_menu"]}


def test_lists_cost_the_same_queries_whatever_their_size(client_for, pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("office")
    urls = [reverse("metering:meter_list"), reverse("metering:building_list"), reverse("metering:type_list"),
            reverse("metering:batch_list"), reverse("metering:dashboard") + f"?until={MONTH}",
            reverse("metering:compliance") + f"?until={MONTH}"]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for number in range(4, 14):
        services.meter_create(actor=None, building=pages.building, meter_type=pages.cold, serial=f"PG-F{number}",
                              role=MeterRole.FLAT, installed_on=dt.date(2025, 1, 1), flat_number=str(number))
    services.readings_ingest(actor=pages.demo["utility"], source="csv", now=NOW, stream=io.BytesIO(_csv(
        [(f"PG-F{number}", "2026-05-02 10:00", number) for number in range(4, 14)])))
    assert counts() == before


def test_upload_of_a_workbook_with_columns_in_another_order(client_for, pages):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Показание", "Счетчик", "Дата"])
    sheet.append([19.25, "PG-F1", dt.datetime(2026, 6, 1, 10, 0)])
    sheet.append([31, "PG-F2", "01.06.2026 10:00"])
    content = io.BytesIO()
    workbook.save(content)
    upload = SimpleUploadedFile("june.xlsx", content.getvalue())
    response = client_for("utility").post(reverse("metering:upload"), {"file": upload, "mode": BatchMode.ALL_OR_NOTHING})
    batch = ReadingBatch.objects.get(filename="june.xlsx")
    assert response["Location"] == reverse("metering:batch_detail", args=[batch.pk])
    assert (batch.source, batch.received, batch.accepted, batch.status) == ("xlsx", 2, 2, BatchStatus.DONE)
    assert Reading.objects.get(meter=pages.flat1, batch=batch).value == Decimal("19.250")
