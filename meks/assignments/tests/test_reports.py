"""The report of assignment execution: the workbook's figures on the demo, scoping, the PDF and who may download."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from meks.assignments import reports, selectors, views_reports
from meks.core.testing.gates import unavailable
from meks.core.testing.matrix import LOGIN, check_matrix

ON = dt.date(2026, 11, 21)
OVERDUE = [("1-РП п. 2.2", dt.date(2026, 6, 30), 144), ("17-ПМ п. 3", dt.date(2026, 10, 1), 51),
           ("3-МЭКС п. 1", dt.date(2026, 11, 5), 16)]
SHEETS = ["Summary", "Assignments", "Overdue", "Ranking"]
FIRST_ROW = {"Summary": 6, "Assignments": 5, "Overdue": 5}


@pytest.fixture
def assignments_demo(demo):
    from meks.demo.builder import build_demo_assignments

    build_demo_assignments()
    return demo


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def weasyprint():
    """WeasyPrint with the system Pango: skips without it, fails under CI."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        unavailable(f"needs WeasyPrint and the system Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0): {error}")
    return weasyprint


def _workbook(user, language="en"):
    return load_workbook(io.BytesIO(reports.execution_report_xlsx(user=user, on=ON, language=language)))


def _rows(ws, first_row):
    return [row for row in ws.iter_rows(min_row=first_row, values_only=True) if any(value is not None for value in row)]


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- the workbook --------------------------------------------------------------------------------------------


def test_workbook_sheets_and_summary(assignments_demo, english):
    office = assignments_demo["office"]
    workbook = _workbook(office)
    assert workbook.sheetnames == SHEETS
    ws = workbook["Summary"]
    assert ws["A1"].value == "Report on the execution of assignments"
    assert ws["B2"].value == dt.datetime(2026, 11, 21)  # a real date, not text
    assert ws["B2"].number_format == "dd.mm.yyyy"
    assert ws.freeze_panes == "A6"
    figures = {label: value for label, value, *_rest in _rows(ws, FIRST_ROW["Summary"]) if isinstance(value, int)}
    summary = selectors.assignment_summary(user=office, on=ON)
    assert figures["Assignments under control"] == summary["total"] == 15
    assert figures["Overdue deadlines"] == summary["overdue"] == 3
    assert figures["Deadlines due within 14 days"] == summary["due_soon"] == 5
    assert figures["Deadlines met on time"] == summary["met_on_time"] == 10
    assert figures["Deadlines met late"] == summary["met_late"] == 5
    for entry in summary["by_status"]:
        assert figures[str(entry["label"])] == entry["count"]


def test_workbook_assignments_sheet(assignments_demo, english):
    office = assignments_demo["office"]
    ws = _workbook(office)["Assignments"]
    assert ws.freeze_panes == "A5"
    assert [cell.value for cell in ws[4]] == [
        "Meeting", "Item", "Assignment", "Lead executor", "Responsible official", "Deadline / next due", "Status",
        "Days overdue"]
    rows = _rows(ws, FIRST_ROW["Assignments"])
    listed = selectors.assignment_list(user=office, on=ON)
    assert len(rows) == listed.count() == 15
    by_item = {(row[0].split(",")[0], row[1]): row for row in rows}
    assert by_item[("1-РП", "2.2")][5] == dt.datetime(2026, 6, 30)
    assert by_item[("1-РП", "2.2")][7] == 144
    assert by_item[("17-ПМ", "3")][7] == 51
    assert by_item[("3-МЭКС", "1")][5] == dt.datetime(2026, 11, 5)  # the monthly one: its oldest open deadline
    assert by_item[("3-МЭКС", "1")][7] == 16
    assert by_item[("3-МЭКС", "4")][5] == dt.datetime(2026, 7, 15)  # met after its extension
    assert by_item[("3-МЭКС", "4")][7] is None
    overdue_days = {(a.meeting.protocol_number, a.item_number): a.worst_delay for a in listed}
    assert {key: row[7] or 0 for key, row in by_item.items()} == overdue_days
    assert ws["F5"].number_format == "dd.mm.yyyy"


def test_workbook_overdue_sheet_matches_the_selector(assignments_demo, english):
    office = assignments_demo["office"]
    ws = _workbook(office)["Overdue"]
    rows = _rows(ws, FIRST_ROW["Overdue"])
    assert [(row[0], row[4].date(), row[6]) for row in rows] == OVERDUE
    assert [(str(d.assignment), d.due_date, d.days_overdue) for d in selectors.overdue_deadlines(user=office, on=ON)] == OVERDUE
    assert rows[2][5] == dt.datetime(2026, 10, 1)  # the month the monthly report covers


def test_workbook_ranking_matches_the_selector(assignments_demo, english):
    office = assignments_demo["office"]
    ws = _workbook(office)["Ranking"]
    values = list(ws.iter_rows(min_row=4, values_only=True))
    official_heading = next(index for index, row in enumerate(values) if row[0] == "By responsible official")
    organizations = [row for row in values[2:official_heading] if isinstance(row[0], int)]
    officials = [row for row in values[official_heading + 2:] if isinstance(row[0], int)]
    expected = selectors.discipline_ranking(user=office, on=ON, by="organization")
    assert [(row[0], row[1], row[2], row[3], row[4], row[5]) for row in organizations] == [
        (r.rank, r.name, r.due, r.on_time, r.late, r.overdue) for r in expected]
    assert [float(r.share_on_time) for r in expected] == [row[7] for row in organizations]
    energy = next(row for row in organizations if row[1].startswith("Ministry of Energy"))
    assert energy[2:8] == (9, 5, 3, 1, 11.5, 0.556)
    expected_officials = selectors.discipline_ranking(user=office, on=ON, by="official")
    assert [(row[0], row[1], row[5]) for row in officials] == [(r.rank, r.name, r.overdue) for r in expected_officials]
    # The official's organization is named in the report's language (the selector gives it in Russian).
    assert all(not re.search("[А-Яа-я]", row[8]) for row in officials)


def test_workbook_is_scoped_to_the_user(assignments_demo, english):
    mangystau = assignments_demo["akimat.mangystau"]
    workbook = _workbook(mangystau)
    listed = {(row[0].split(",")[0], row[1]) for row in _rows(workbook["Assignments"], FIRST_ROW["Assignments"])}
    visible = {(a.meeting.protocol_number, a.item_number) for a in selectors.assignment_list(user=mangystau, on=ON)}
    assert listed == visible == {("1-РП", "2.2"), ("3-МЭКС", "2")}
    assert [row[0] for row in _rows(workbook["Overdue"], FIRST_ROW["Overdue"])] == ["1-РП п. 2.2"]
    figures = {row[0]: row[1] for row in _rows(workbook["Summary"], FIRST_ROW["Summary"])}
    assert figures["Assignments under control"] == 2
    assert figures["Overdue deadlines"] == 1


def test_workbook_in_russian(assignments_demo):
    ws = _workbook(assignments_demo["office"], language="ru")["Assignments"]
    with translation.override("ru"):
        assert ws["A1"].value == translation.gettext("Report on the execution of assignments")
        assert ws[4][4].value == "Ответственное должностное лицо"


# --- the PDF -------------------------------------------------------------------------------------------------


def test_pdf_lists_the_overdue_items(assignments_demo, weasyprint):
    content = reports.execution_report_pdf(user=assignments_demo["office"], on=ON, language="ru")
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    overdue_section = text[text.rindex(translation.gettext("Overdue deadlines")):]
    for label, due, days in OVERDUE:
        assert re.search(rf"{re.escape(label)}.*?{due:%d\.%m\.%Y} {days}\b", overdue_section, re.S), label
    assert "21 ноября 2026" in text


def test_pdf_in_kazakh(assignments_demo, weasyprint):
    mangystau = assignments_demo["akimat.mangystau"]
    text = _pdf_text(reports.execution_report_pdf(user=mangystau, on=ON, language="kk"))
    assert mangystau.organization.name_kk and mangystau.organization.name_kk in text  # «Маңғыстау облысы әкімдігі»
    assert "21 қараша 2026 ж." in text
    assert "1-РП п. 2.2" in text and "17-ПМ п. 3" not in text  # scoped to the akimat
    assert set("әғқңөі") <= set(text)  # the Kazakh letters survive, drawn from the embedded Noto Sans


def test_pdf_embeds_noto_sans(assignments_demo, weasyprint):
    from pypdf import PdfReader

    content = reports.execution_report_pdf(user=assignments_demo["office"], on=ON, language="kk")
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[1])
    assert {"MEKS-Noto-Sans-Latin", "MEKS-Noto-Sans-Cyrillic", "MEKS-Noto-Sans-Cyrillic-Ext"} <= fonts


# --- the downloads -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["xlsx", "pdf"])
def test_who_may_download(assignments_demo, client_for, name):
    url = reverse(f"assignments_reports:{name}") + "?on=2026-11-21"
    check_matrix(client_for, "get", url, expect={None: LOGIN, "contractor": 404, "manufacturer": 404, "operator": 404})


def test_xlsx_download(assignments_demo, client_for):
    url = reverse("assignments_reports:xlsx")
    responses = check_matrix(client_for, "get", f"{url}?on=2026-11-21",
                             expect={"office": 200, "akimat.mangystau": 200, "ministry": 200})
    response = responses["office"]
    assert response["Content-Type"] == views_reports.XLSX
    assert response["Content-Disposition"] == 'attachment; filename="meks-assignments-report-2026-11-21.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).sheetnames == SHEETS
    today = client_for("office").get(url)
    assert today.status_code == 200
    assert f"meks-assignments-report-{timezone.localdate():%Y-%m-%d}.xlsx" in today["Content-Disposition"]
    assert client_for("office").get(f"{url}?on=21.11.2026").status_code == 400
    assert client_for("office").post(url).status_code == 405


def test_pdf_download(assignments_demo, client_for, weasyprint):
    url = reverse("assignments_reports:pdf")
    responses = check_matrix(client_for, "get", f"{url}?on=2026-11-21", expect={"office": 200, "akimat.mangystau": 200})
    response = responses["akimat.mangystau"]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="meks-assignments-report-2026-11-21.pdf"'
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
