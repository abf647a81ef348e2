"""The bill of materials workbook: the template, the export, and the import (every bad row reported, all or nothing)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from meks.producers import services
from meks.producers.models import MaterialLine

from .conftest import bill_lines

pytestmark = pytest.mark.django_db


def _workbook(rows, header=None) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Bill of materials"
    sheet.append(header or ["Category [category]", "Description [description]", "Quantity [quantity]",
                            "Unit [unit]", "Price [estimated_unit_price]"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("bill.xlsx", buffer.getvalue())


def _signed_in(client_for, username, language="en"):
    client = client_for(username)
    from meks.accounts.models import User

    User.objects.filter(username=username).update(language=language)
    return client


def test_the_template_opens_and_names_every_column_and_reference(world, client_for):
    response = _signed_in(client_for, "utility").get("/producers/bills/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header = [cell.value for cell in next(workbook["Bill of materials"].iter_rows(max_row=1))]
    assert [value.rsplit("[", 1)[1].rstrip("]") for value in header] == [
        "category", "description", "quantity", "unit", "estimated_unit_price"]
    codes = {row[1] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert {"steel_pipes", "valves", "metre", "piece"} <= codes


def test_a_good_file_replaces_the_bill(project, world, client_for):
    client = _signed_in(client_for, "utility")
    upload = _workbook([["steel_pipes", "Труба 530×8", 2000, "metre", 21000],
                        ["valves", "Задвижки", "20", "piece", "400 000,00"]])
    response = client.post(f"/producers/bills/{project.pk}/import/", {"file": upload})
    assert response.status_code == 302
    lines = list(MaterialLine.objects.filter(project=project).values_list("line_number", "quantity",
                                                                          "estimated_unit_price"))
    assert lines == [(1, Decimal("2000.000"), Decimal("21000.00")), (2, Decimal("20.000"), Decimal("400000.00"))]


def test_a_file_with_bad_rows_reports_each_and_changes_nothing(project, world, client_for):
    services.bill_replace(actor=None, project=project, lines=bill_lines())
    before = list(MaterialLine.objects.filter(project=project).values_list("pk", "version"))
    client = _signed_in(client_for, "utility")
    upload = _workbook([["steel_pipes", "Труба", 10, "metre", 100],
                        ["nonsense", "Что-то", 10, "metre", 100],
                        [None, None, None, None, None],
                        ["valves", "", -3, "barrel", "free"]])
    response = client.post(f"/producers/bills/{project.pk}/import/", {"file": upload})
    assert response.status_code == 400
    problems = [(problem.row, problem.column) for problem in response.context["problems"]]
    assert problems == [(3, "category"), (5, "description"), (5, "quantity"), (5, "unit"),
                        (5, "estimated_unit_price")]
    assert "Unknown category code “nonsense”." in response.content.decode()
    assert list(MaterialLine.objects.filter(project=project).values_list("pk", "version")) == before


def test_a_file_that_is_not_a_workbook_or_lacks_columns_is_refused(project, world, client_for):
    client = _signed_in(client_for, "utility")
    response = client.post(f"/producers/bills/{project.pk}/import/",
                           {"file": SimpleUploadedFile("bill.xlsx", b"not a zip")})
    assert [p.message for p in response.context["problems"]] == ["The file is not an Excel workbook (.xlsx)."]
    response = client.post(f"/producers/bills/{project.pk}/import/",
                           {"file": _workbook([["x"]], header=["Category [category]"])})
    assert [p.column for p in response.context["problems"]] == ["description", "quantity", "unit",
                                                                "estimated_unit_price"]
    assert not MaterialLine.objects.exists()


def test_an_export_imports_back_unchanged(project, world, client_for):
    services.bill_replace(actor=None, project=project, lines=bill_lines())
    client = _signed_in(client_for, "utility")
    response = client.get(f"/producers/bills/{project.pk}/export.xlsx")
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content))["Bill of materials"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[2], row[5], row[6], row[8]) for row in rows] == [
        ("steel_pipes", 2000, 42000000, 1, "yes"), ("valves", 20, 8000000, 0, "no"), ("steel_pipes", 10, 10000000, 0, "no")]
    response = client.post(f"/producers/bills/{project.pk}/import/",
                           {"file": SimpleUploadedFile("export.xlsx", content)})
    assert response.status_code == 302
    assert MaterialLine.objects.filter(project=project).count() == 3


def test_only_the_projects_side_may_import(project, world, client_for):
    response = _signed_in(client_for, "ministry").post(
        f"/producers/bills/{project.pk}/import/", {"file": _workbook([["steel_pipes", "Труба", 10, "metre", 100]])})
    assert response.status_code == 404
    assert not MaterialLine.objects.exists()
