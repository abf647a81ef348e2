"""Excel template, export and import of the portfolio."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from meks.portfolio import excel
from meks.portfolio.excel import Problem, apply_plan, import_workbook, validate_workbook, write_workbook
from meks.portfolio.models import Baseline, Direction, Milestone, ProgressReport, Project
from meks.portfolio.selectors import project_list
from meks.portfolio.services import milestone_update, project_create, project_update, standard_dates
from meks.territory.models import Region, Settlement

PROJECT_KEYS = [
    "code", "title_ru", "title_kk", "description", "direction", "project_type", "region", "settlement", "owner",
    "responsible", "cost_estimate", "planned_km_heat", "planned_km_power", "planned_km_water", "planned_km_sewer",
    "planned_mw", "planned_equipment_units", "people_served", "wear_before", "wear_after", "planned_start",
    "planned_end", "ready_design", "ready_expertise", "ready_land", "ready_akimat_decision", "ready_financing",
    "ready_tender_documents",
]
MILESTONE_KEYS = ["project", "kind", "forecast_date", "actual_date"]
PROGRESS_KEYS = ["project", "period", "completion_percent", "km_heat", "km_power", "km_water", "km_sewer",
                 "equipment_installed", "mw_commissioned", "spent", "explanation"]
DAMAGED = "The file is not an Excel workbook (.xlsx) or it is damaged."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def directions(db):
    return {
        "heat": Direction.objects.create(code="heat", name_ru="Теплоснабжение", name_en="Heat supply", order=1),
        "water": Direction.objects.create(code="water", name_ru="Водоснабжение", name_en="Water supply", order=2),
    }


@pytest.fixture
def karaganda(db):
    return Region.objects.get(kato="35")


@pytest.fixture
def portfolio(demo, directions, karaganda):
    """Two projects of the Karaganda utility, registered by the project office."""
    office, utility = demo["office"], demo["utility"]
    heat = project_create(
        actor=office, code="KRG-HEAT-001", title_ru="Реконструкция теплосетей Темиртау", title_kk="Теміртау жылу желілері",
        description="Замена 12,5 км магистральных сетей", direction=directions["heat"], project_type="rehabilitation",
        region=karaganda, settlement=Settlement.objects.get(name_en="Temirtau"), owner=utility.organization,
        responsible=utility, cost_estimate=Decimal("1500000000.00"), planned_km_heat=Decimal("12.50"),
        people_served=42000, wear_before=Decimal("78.00"), wear_after=Decimal("35.00"),
        planned_start=dt.date(2025, 3, 1), planned_end=dt.date(2027, 12, 31), ready_design=True,
    )
    water = project_create(
        actor=office, code="KRG-WATER-002", title_ru="Водовод Караганды", direction=directions["water"],
        project_type="construction", region=karaganda, owner=utility.organization, responsible=utility,
        cost_estimate=Decimal("820000000.50"), planned_km_water=Decimal("30.00"),
    )
    return {"heat": heat, "water": water}


def counts():
    """Records and history rows of everything an import may write."""
    return {
        "projects": Project.objects.count(), "project_history": Project.history.count(),
        "milestones": Milestone.objects.count(), "milestone_history": Milestone.history.count(),
        "reports": ProgressReport.objects.count(), "report_history": ProgressReport.history.count(),
        "baselines": Baseline.objects.count(),
    }


def template(user):
    """The platform's template for ``user``, opened for editing."""
    with write_workbook(user=user) as stream:
        return openpyxl.load_workbook(io.BytesIO(stream.read()))


def upload(workbook, name="import.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def new_project_row(**changes):
    values = {
        "code": "KRG-SEW-003", "title_ru": "Очистные сооружения Сарани", "title_kk": "", "description": "",
        "direction": "water", "project_type": "construction", "region": "35", "settlement": None,
        "owner": None, "responsible": "utility", "cost_estimate": 640000000, "planned_km_heat": 0,
        "planned_km_power": 0, "planned_km_water": 0, "planned_km_sewer": 4.2, "planned_mw": 0,
        "planned_equipment_units": 12, "people_served": 9000, "wear_before": None, "wear_after": None,
        "planned_start": "2026-01-15", "planned_end": "2028-06-30", "ready_design": "yes", "ready_expertise": "no",
        "ready_land": "yes", "ready_akimat_decision": "no", "ready_financing": "no", "ready_tender_documents": "no",
    }
    values.update(changes)
    return [values[key] for key in PROJECT_KEYS]


@pytest.fixture
def owner_bin(demo):
    return demo["utility"].organization.bin


def workbook_with(user, *, projects=(), milestones=(), progress=()):
    workbook = template(user)
    for sheet, rows in (("Projects", projects), ("Milestones", milestones), ("Progress", progress)):
        for row in rows:
            workbook[sheet].append(list(row))
    return workbook


def refused(file, user, expected):
    """``file`` is refused with exactly the ``expected`` problems, and nothing at all is written."""
    before = counts()
    problems = validate_workbook(file, user)
    assert [(p.sheet, p.row, p.column, p.message) for p in problems] == expected
    file.seek(0)
    assert import_workbook(file, user=user) == problems
    assert counts() == before


# --- the template ------------------------------------------------------------------------------------------


def test_template_downloads_with_its_sheets_header_keys_labels_and_lists(client_for, demo, directions):
    response = client_for("akimat.karaganda").get("/portfolio/excel/template.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="meks-portfolio-template.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Projects", "Milestones", "Progress", "Reference"]
    assert [cell.value for cell in workbook["Projects"][1]] == PROJECT_KEYS
    assert [cell.value for cell in workbook["Milestones"][1]] == MILESTONE_KEYS
    assert [cell.value for cell in workbook["Progress"][1]] == PROGRESS_KEYS
    assert workbook["Projects"].max_row == 2
    # Labels in the user's language (Russian for the demo accounts).
    assert workbook["Projects"]["G2"].value == "Регион (КАТО)"

    lists = {str(rule.sqref): rule.formula1 for rule in workbook["Projects"].data_validations.dataValidation}
    assert lists["E3:E5002"] == "Reference!$D$3:$D$4"
    assert lists["F3:F5002"] == '"construction,rehabilitation,replacement,expansion"'
    assert lists["G3:G5002"] == "Reference!$A$3:$A$3"
    assert lists["I3:I5002"] == "Reference!$G$3:$G$4"
    assert lists["W3:W5002"] == '"yes,no"'
    milestone_lists = [(str(rule.sqref), rule.formula1)
                       for rule in workbook["Milestones"].data_validations.dataValidation]
    assert milestone_lists == [
        ("B3:B5002", '"design,expertise,tender_published,contract_signed,works_started,works_half,commissioned"')
    ]

    reference = workbook["Reference"]
    assert [reference.cell(1, column).value for column in (1, 2, 4, 5, 7, 8, 9)] == [
        "region_kato", "region_name", "direction_code", "direction_name", "owner_bin", "owner_id", "owner_name"]
    assert [reference.cell(3, column).value for column in (1, 2)] == ["35", "Карагандинская область"]
    assert reference.cell(4, 1).value is None  # an akimat uses its own region only
    assert [(reference.cell(row, 4).value, reference.cell(row, 5).value) for row in (3, 4)] == [
        ("heat", "Теплоснабжение"), ("water", "Водоснабжение")]
    akimat, utility = demo["akimat.karaganda"].organization, demo["utility"].organization
    assert [(reference.cell(row, 7).value, reference.cell(row, 8).value) for row in (3, 4)] == [
        (akimat.bin, akimat.pk), (utility.bin, utility.pk)]


def test_template_needs_a_signed_in_user(client, db):
    response = client.get("/portfolio/excel/template.xlsx")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- export and round trip ---------------------------------------------------------------------------------


def importable(workbook):
    """The importable values of a workbook's data rows, by sheet."""
    widths = {"Projects": len(PROJECT_KEYS), "Milestones": len(MILESTONE_KEYS), "Progress": len(PROGRESS_KEYS)}
    return {
        sheet: [list(row[:width]) for row in workbook[sheet].iter_rows(min_row=3, values_only=True)]
        for sheet, width in widths.items()
    }


def test_export_then_edit_then_import_round_trips(client_for, demo, portfolio):
    client = client_for("akimat.karaganda")
    user = demo["akimat.karaganda"]
    user.language = "en"
    user.save(update_fields=["language"])
    response = client.get("/portfolio/excel/projects.xlsx?region=35")
    assert response.status_code == 200
    exported = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    projects = exported["Projects"]
    assert [cell.value for cell in projects[1]] == [*PROJECT_KEYS, "status", "lag_days", "readiness_count", "confidence"]
    assert [projects.cell(row, 1).value for row in (3, 4)] == ["KRG-HEAT-001", "KRG-WATER-002"]
    heat_row = [cell.value for cell in projects[3]]
    assert heat_row[:12] == [
        "KRG-HEAT-001", "Реконструкция теплосетей Темиртау", "Теміртау жылу желілері",
        "Замена 12,5 км магистральных сетей", "heat", "rehabilitation", "35",
        Settlement.objects.get(name_en="Temirtau").kato, demo["utility"].organization.bin, "utility",
        1500000000, 12.5,
    ]
    design_baseline = standard_dates(dt.date(2025, 3, 1), dt.date(2027, 12, 31))["design"]
    lag = (timezone.localdate() - design_baseline).days
    assert lag > 180
    assert heat_row[20:] == [dt.datetime(2025, 3, 1), dt.datetime(2027, 12, 31), "yes", "no", "no", "no", "no", "no",
                             "Draft", lag, 1, "Red"]
    assert [exported["Milestones"].cell(row, 2).value for row in range(3, 10)] == [
        "design", "expertise", "tender_published", "contract_signed", "works_started", "works_half", "commissioned"]
    assert exported["Milestones"].max_row == 9  # the water project has no schedule yet
    history_before = Project.history.filter(id=portfolio["water"].pk).count()

    projects["K3"] = 1750000000.5
    projects["W4"] = "yes"
    edited = upload(exported, "export.xlsx")
    response = client.post("/portfolio/excel/import/", {"file": edited})

    assert response.status_code == 302
    assert response["Location"] == "/portfolio/excel/import/"
    heat = Project.objects.get(code="KRG-HEAT-001")
    water = Project.objects.get(code="KRG-WATER-002")
    assert heat.cost_estimate == Decimal("1750000000.50")
    assert heat.version == 2
    assert water.ready_design is True
    assert water.version == 2
    latest = heat.history.latest("history_id")
    assert latest.history_user == user
    assert latest.history_change_reason == "Imported from the file export.xlsx"
    assert Project.history.filter(id=water.pk).count() == history_before + 1
    assert Milestone.history.filter(version__gt=1).count() == 0  # unchanged milestone rows wrote nothing

    page = client.get("/portfolio/excel/import/")
    assert ("The file was imported: 0 projects registered, 2 changed, 0 milestones and 0 progress reports "
            "recorded; 7 rows were already up to date.") in page.content.decode()

    again = openpyxl.load_workbook(io.BytesIO(b"".join(client.get("/portfolio/excel/projects.xlsx").streaming_content)))
    edited.seek(0)
    assert importable(again) == importable(openpyxl.load_workbook(edited))
    assert again["Projects"]["K3"].value == 1750000000.5


def test_export_follows_the_list_filters_and_the_users_scope(client_for, portfolio):
    def codes(username, query=""):
        response = client_for(username).get(f"/portfolio/excel/projects.xlsx{query}")
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return [row[0] for row in workbook["Projects"].iter_rows(min_row=3, values_only=True)]

    assert codes("office") == ["KRG-HEAT-001", "KRG-WATER-002"]
    assert codes("office", "?direction=water") == ["KRG-WATER-002"]
    assert codes("office", "?q=heat") == ["KRG-HEAT-001"]
    assert codes("office", "?region=47") == []
    assert codes("akimat.mangystau") == []
    assert codes("utility") == ["KRG-HEAT-001", "KRG-WATER-002"]


def test_export_writes_text_that_looks_like_a_formula_as_text(demo, portfolio):
    office = demo["office"]
    project_update(actor=office, project=portfolio["water"], expected_version=1, description="=HYPERLINK(1)")
    with write_workbook(user=office, projects=project_list(user=office)) as stream:
        workbook = openpyxl.load_workbook(io.BytesIO(stream.read()))
    cell = workbook["Projects"]["D4"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


# --- import: what a good file does -------------------------------------------------------------------------


def test_a_new_project_row_registers_a_draft_with_its_standard_milestones(demo, directions, owner_bin):
    user = demo["akimat.karaganda"]
    file = upload(workbook_with(
        user,
        projects=[new_project_row(owner=owner_bin)],
        milestones=[["KRG-SEW-003", "design", "2026-02-20", None]],
    ))

    plan = validate_workbook(file, user)
    assert isinstance(plan, excel.ImportPlan)
    assert [(action.row, action.code, action.project_id) for action in plan.projects] == [(3, "KRG-SEW-003", None)]
    result = apply_plan(plan, user=user)

    assert (result.created, result.updated, result.milestones, result.reports, result.unchanged) == (1, 0, 1, 0, 0)
    project = Project.objects.get(code="KRG-SEW-003")
    assert project.status == "draft"
    assert project.owner == demo["utility"].organization
    assert project.responsible == demo["utility"]
    assert project.cost_estimate == Decimal("640000000.00")
    assert project.planned_km_sewer == Decimal("4.20")
    assert (project.ready_design, project.ready_land, project.ready_expertise) == (True, True, False)
    assert project.history.get().history_user == user
    expected = standard_dates(dt.date(2026, 1, 15), dt.date(2028, 6, 30))
    assert {m.kind: m.baseline_date for m in project.milestones.all()} == expected
    design = project.milestones.get(kind="design")
    assert (design.forecast_date, design.version) == (dt.date(2026, 2, 20), 2)
    assert project.baselines.get().number == 1


def test_milestone_and_progress_rows_go_through_their_services(demo, portfolio):
    user = demo["utility"]
    Project.objects.filter(pk=portfolio["heat"].pk).update(status="implementation")
    month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    period = f"{month:%Y-%m}"
    file = upload(workbook_with(
        user,
        milestones=[["KRG-HEAT-001", "contract_signed", None, "2025-09-10"],
                    ["KRG-HEAT-001", "works_started", dt.datetime(2025, 10, 1), None]],
        progress=[["KRG-HEAT-001", period, 35, 4.5, 0, 0, 0, 0, 0, 400000000, "Работы по графику"]],
    ))

    result = import_workbook(file, user=user)

    assert (result.created, result.updated, result.milestones, result.reports) == (0, 0, 2, 1)
    heat = Project.objects.get(code="KRG-HEAT-001")
    signed = heat.milestones.get(kind="contract_signed")
    assert (signed.actual_date, signed.forecast_date, signed.version) == (dt.date(2025, 9, 10), None, 2)
    assert heat.milestones.get(kind="works_started").forecast_date == dt.date(2025, 10, 1)
    report = heat.progress_reports.get()
    assert (report.period, report.completion_percent, report.km_heat, report.spent, report.submitted_by) == (
        month.replace(day=1), Decimal("35.00"), Decimal("4.50"), Decimal("400000000.00"), user)
    assert report.history.get().history_user == user


# --- import: each refusal ----------------------------------------------------------------------------------


def test_a_file_that_is_not_xlsx_is_refused(demo, portfolio):
    refused(SimpleUploadedFile("projects.csv", b"code;title\nX;Y\n"), demo["office"],
            [("", None, "", "Only Excel workbooks (.xlsx) can be imported.")])


def test_a_file_that_is_not_a_workbook_is_refused(demo, portfolio):
    refused(SimpleUploadedFile("projects.xlsx", b"code;title\nX;Y\n"), demo["office"], [("", None, "", DAMAGED)])


def test_a_truncated_workbook_is_refused(demo, portfolio, owner_bin):
    whole = upload(workbook_with(demo["office"], projects=[new_project_row(owner=owner_bin)])).read()
    refused(SimpleUploadedFile("projects.xlsx", whole[: len(whole) // 2]), demo["office"], [("", None, "", DAMAGED)])


def test_a_damaged_part_inside_the_workbook_is_refused(demo, portfolio, owner_bin):
    import zipfile

    source = upload(workbook_with(demo["office"], projects=[new_project_row(owner=owner_bin)]))
    damaged = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(damaged, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            copy.writestr(item, data)
    refused(SimpleUploadedFile("projects.xlsx", damaged.getvalue()), demo["office"], [("", None, "", DAMAGED)])


def test_a_file_over_5_mb_is_refused(demo, portfolio):
    refused(SimpleUploadedFile("big.xlsx", b"0" * (6 * 1024 * 1024)), demo["office"],
            [("", None, "", "The file is 6.0 MB; the limit is 5 MB.")])


def test_a_missing_sheet_is_named(demo, portfolio, owner_bin):
    workbook = workbook_with(demo["office"], projects=[new_project_row(owner=owner_bin)])
    del workbook["Progress"]
    refused(upload(workbook), demo["office"],
            [("Progress", None, "", "The sheet “Progress” is missing: start from the platform's template.")])


def test_a_missing_header_key_is_named(demo, portfolio, owner_bin):
    workbook = workbook_with(demo["office"], projects=[new_project_row(owner=owner_bin)])
    workbook["Projects"].delete_cols(3)
    refused(upload(workbook), demo["office"],
            [("Projects", 1, "", "Columns missing from the header row: title_kk.")])


def test_reordered_header_keys_are_named(demo, portfolio, owner_bin):
    workbook = workbook_with(demo["office"], projects=[new_project_row(owner=owner_bin)])
    sheet = workbook["Projects"]
    sheet["B1"], sheet["C1"] = "title_kk", "title_ru"
    refused(upload(workbook), demo["office"], [
        ("Projects", 1, "title_ru", "Column B must be “title_ru”, not “title_kk”: keep the template's order of columns."),
        ("Projects", 1, "title_kk", "Column C must be “title_kk”, not “title_ru”: keep the template's order of columns."),
    ])


def test_an_unknown_header_key_is_named(demo, portfolio):
    workbook = template(demo["office"])
    workbook["Milestones"]["E1"] = "colour"
    refused(upload(workbook), demo["office"], [("Milestones", 1, "", "Unknown columns in the header row: colour.")])


def test_a_cost_that_is_not_a_number_is_refused(demo, portfolio, owner_bin):
    refused(upload(workbook_with(demo["office"], projects=[
        new_project_row(owner=owner_bin), new_project_row(code="KRG-SEW-004", owner=owner_bin, cost_estimate="a lot"),
    ])), demo["office"], [("Projects", 4, "cost_estimate", "“a lot” is not a number.")])


def test_a_bad_date_is_refused(demo, portfolio, owner_bin):
    refused(upload(workbook_with(demo["office"], projects=[
        new_project_row(owner=owner_bin, planned_start="31.02.2025"),
    ])), demo["office"], [("Projects", 3, "planned_start", "“31.02.2025” is not a date: write it as YYYY-MM-DD.")])


def test_bad_yes_no_month_and_whole_number_are_refused(demo, portfolio, owner_bin):
    Project.objects.filter(pk=portfolio["heat"].pk).update(status="implementation")
    refused(upload(workbook_with(
        demo["office"],
        projects=[new_project_row(owner=owner_bin, ready_land="maybe", people_served=12.5)],
        progress=[["KRG-HEAT-001", "March", 10, 0, 0, 0, 0, 0, 0, 0, ""]],
    )), demo["office"], [
        ("Projects", 3, "people_served", "“12.5” is not a whole number."),
        ("Projects", 3, "ready_land", "“maybe” is neither yes nor no."),
        ("Progress", 3, "period", "“March” is not a month: write it as YYYY-MM."),
    ])


def test_a_required_value_left_blank_is_refused(demo, portfolio, owner_bin):
    refused(upload(workbook_with(demo["office"], projects=[new_project_row(owner=owner_bin, title_ru="  ")])),
            demo["office"], [("Projects", 3, "title_ru", "This column must be filled in.")])


@pytest.mark.parametrize(("column", "value", "message"), [
    ("region", "99", "Unknown region “99”: see the Reference sheet."),
    ("direction", "gas", "Unknown direction “gas”: see the Reference sheet."),
    ("owner", "000000000000", "Unknown owner “000000000000”: no organization has this BIN."),
    ("responsible", "nobody", "Unknown user “nobody”."),
    ("settlement", "359999999", "Unknown settlement “359999999”: give its 9-digit KATO code."),
])
def test_unknown_references_are_refused(demo, portfolio, owner_bin, column, value, message):
    refused(upload(workbook_with(demo["office"], projects=[
        new_project_row(owner=owner_bin), new_project_row(**{"code": "KRG-SEW-004", "owner": owner_bin, column: value}),
    ])), demo["office"], [("Projects", 4, column, message)])


def test_a_settlement_outside_the_region_is_refused(demo, portfolio, owner_bin):
    aktau = Settlement.objects.get(kato="471000001")
    refused(upload(workbook_with(demo["office"], projects=[new_project_row(owner=owner_bin, settlement=aktau.kato)])),
            demo["office"],
            [("Projects", 3, "settlement", "The settlement “Aktau” lies outside the region “Karaganda Region”.")])


def test_codes_stored_as_numbers_keep_their_leading_digits(demo, portfolio, owner_bin):
    karaganda_city = Settlement.objects.get(kato="351000001")
    plan = validate_workbook(upload(workbook_with(demo["office"], projects=[
        new_project_row(owner=owner_bin, region=35, settlement=int(karaganda_city.kato))])), demo["office"])
    assert plan.projects[0].fields["settlement"] == karaganda_city
    assert plan.projects[0].fields["region"].kato == "35"


def test_a_code_repeated_in_the_file_is_refused(demo, portfolio, owner_bin):
    refused(upload(workbook_with(demo["office"], projects=[
        new_project_row(owner=owner_bin), new_project_row(owner=owner_bin, title_ru="Дубль"),
    ])), demo["office"], [("Projects", 4, "code", "The code KRG-SEW-003 appears again: it is already on row 3.")])


def test_a_formula_is_refused(demo, portfolio, owner_bin):
    workbook = workbook_with(demo["office"], projects=[new_project_row(owner=owner_bin)])
    workbook["Projects"]["K3"] = "=600000000+40000000"
    refused(upload(workbook), demo["office"],
            [("Projects", 3, "cost_estimate", "The cell holds a formula: type the value itself.")])


def test_text_starting_with_an_equals_sign_counts_as_a_formula(demo, portfolio, owner_bin):
    workbook = workbook_with(demo["office"], projects=[new_project_row(owner=owner_bin)])
    cell = workbook["Projects"]["D3"]
    cell.value = "=cmd|' /C calc'!A0"
    cell.data_type = "s"
    refused(upload(workbook), demo["office"],
            [("Projects", 3, "description", "The cell holds a formula: type the value itself.")])


def test_merged_cells_in_data_rows_are_refused(demo, portfolio, owner_bin):
    workbook = workbook_with(demo["office"], projects=[
        new_project_row(owner=owner_bin), new_project_row(code="KRG-SEW-004", owner=owner_bin, title_kk="Сарань")])
    workbook["Projects"].merge_cells("B4:C4")
    refused(upload(workbook), demo["office"],
            [("Projects", 4, "title_ru", "Cells B4:C4 are merged: unmerge them and fill in each cell.")])


def test_more_than_5000_rows_are_refused(demo, directions, owner_bin):
    rows = [new_project_row(code=f"KRG-{number:05d}", owner=owner_bin) for number in range(5001)]
    refused(upload(workbook_with(demo["office"], projects=rows)), demo["office"],
            [("Projects", 5003, "", "The sheet has more than 5000 rows of data: split the file.")])


def test_every_bad_row_is_reported_at_once(demo, portfolio, owner_bin):
    refused(upload(workbook_with(
        demo["office"],
        projects=[new_project_row(owner=owner_bin, cost_estimate=-5, direction="gas"),
                  new_project_row(code="KRG-SEW-004", owner=owner_bin, wear_before=40, wear_after=60)],
        milestones=[["KRG-NONE-999", "design", None, None], ["KRG-HEAT-001", "design", "2025-13-01", None]],
    )), demo["office"], [
        ("Projects", 3, "direction", "Unknown direction “gas”: see the Reference sheet."),
        ("Projects", 3, "cost_estimate", "Ensure this value is greater than or equal to 0.01."),
        ("Projects", 4, "wear_after", "Wear after the project cannot exceed wear before it."),
        ("Milestones", 3, "project", "Unknown project “KRG-NONE-999”: it is neither registered nor on the Projects sheet."),
        ("Milestones", 4, "forecast_date", "“2025-13-01” is not a date: write it as YYYY-MM-DD."),
    ])


def test_model_rules_are_checked_before_anything_is_written(demo, portfolio, owner_bin):
    refused(upload(workbook_with(demo["office"], projects=[
        new_project_row(owner=owner_bin, cost_estimate=0, planned_start="2027-01-01", planned_end="2026-01-01"),
    ])), demo["office"], [
        ("Projects", 3, "cost_estimate", "Ensure this value is greater than or equal to 0.01."),
        ("Projects", 3, "planned_end", "Completion cannot come before the start."),
    ])


def test_a_milestone_of_a_new_project_without_dates_is_refused(demo, portfolio, owner_bin):
    refused(upload(workbook_with(
        demo["office"],
        projects=[new_project_row(owner=owner_bin, planned_start=None, planned_end=None)],
        milestones=[["KRG-SEW-003", "design", "2026-02-01", None]],
    )), demo["office"], [("Milestones", 3, "project", "The project KRG-SEW-003 has no schedule yet: give its planned "
                                                        "start and completion on the Projects sheet.")])


def test_progress_of_a_project_not_in_implementation_is_refused(demo, portfolio):
    refused(upload(workbook_with(demo["office"], progress=[
        ["KRG-HEAT-001", "2025-06", 10, 0, 0, 0, 0, 0, 0, 0, ""]])), demo["office"],
        [("Progress", 3, "project", "Progress is reported only for projects in implementation.")])


def test_a_region_the_user_does_not_cover_is_refused(demo, portfolio, owner_bin):
    user = demo["akimat.mangystau"]
    aktau = Settlement.objects.get(kato="471000001").kato
    heat = portfolio["heat"]
    refused(upload(workbook_with(user, projects=[
        new_project_row(code="MNG-001", region="47", settlement=aktau, owner=owner_bin),
        new_project_row(code="KRG-HEAT-001", title_ru="Захват", owner=owner_bin),
        new_project_row(code="KRG-SEW-009", owner=owner_bin),
    ], milestones=[["KRG-HEAT-001", "design", "2025-04-01", None]])), user, [
        ("Projects", 3, "owner", "The owner works in another region."),
        ("Projects", 4, "code", "You may not edit the project KRG-HEAT-001."),
        ("Projects", 5, "region", "You may not register projects for this region or owner."),
        ("Milestones", 3, "project", "You may not edit the project KRG-HEAT-001."),
    ])
    heat.refresh_from_db()
    assert (heat.title_ru, heat.version) == ("Реконструкция теплосетей Темиртау", 1)


def test_a_utility_may_not_register_projects_of_another_owner(demo, portfolio):
    akimat_bin = demo["akimat.karaganda"].organization.bin
    refused(upload(workbook_with(demo["utility"], projects=[new_project_row(owner=akimat_bin)])), demo["utility"],
            [("Projects", 3, "owner", "You may not register projects for this region or owner.")])


def test_the_region_of_a_registered_project_is_not_changed_by_import(demo, portfolio, owner_bin):
    row = new_project_row(code="KRG-HEAT-001", owner=owner_bin, region="47", settlement=None)
    refused(upload(workbook_with(demo["office"], projects=[row])), demo["office"],
            [("Projects", 3, "region", "The region of a registered project cannot be changed.")])


# --- import: refusals of the services roll everything back --------------------------------------------------


def test_a_service_refusal_rolls_back_the_rows_before_it(demo, portfolio, owner_bin):
    user = demo["office"]
    Project.objects.filter(pk=portfolio["water"].pk).update(status="implementation")
    file = upload(workbook_with(
        user,
        projects=[new_project_row(owner=owner_bin)],
        progress=[["KRG-WATER-002", "2025-06", 10, 0, 0, 45, 0, 0, 0, 0, ""]],
    ))
    before = counts()

    problems = import_workbook(file, user=user)

    assert problems == [Problem("Progress", 3, "", "Explain: water networks laid, km exceeds the plan (30.00).")]
    assert counts() == before
    assert not Project.objects.filter(code="KRG-SEW-003").exists()


def test_a_project_changed_after_the_check_is_not_overwritten(demo, portfolio, owner_bin):
    user = demo["akimat.karaganda"]
    workbook = workbook_with(user, projects=[new_project_row(
        code="KRG-WATER-002", title_ru="Водовод Караганды (2 очередь)", direction="water", owner=owner_bin,
        cost_estimate=820000000.5, planned_km_water=30, planned_km_sewer=0, planned_equipment_units=0,
        people_served=0, planned_start=None, planned_end=None, ready_design="no", ready_land="no")])
    plan = validate_workbook(upload(workbook), user)
    assert [(a.project_id, a.version, a.fields) for a in plan.projects] == [
        (portfolio["water"].pk, 1, {"title_ru": "Водовод Караганды (2 очередь)"})]
    project_update(actor=demo["office"], project=Project.objects.get(pk=portfolio["water"].pk), expected_version=1,
                   cost_estimate=Decimal("900000000.00"))
    before = counts()

    problems = apply_plan(plan, user=user)

    assert [(p.sheet, p.row, p.column) for p in problems] == [("Projects", 3, "")]
    assert problems[0].message.startswith("This record was changed by someone else after you opened it.")
    assert counts() == before
    assert Project.objects.get(pk=portfolio["water"].pk).title_ru == "Водовод Караганды"


def test_an_unchanged_milestone_is_not_written(demo, portfolio):
    user = demo["office"]
    design = portfolio["heat"].milestones.get(kind="design")
    milestone_update(actor=user, milestone=design, expected_version=1, forecast_date=dt.date(2025, 4, 20))
    plan = validate_workbook(upload(workbook_with(user, milestones=[
        ["KRG-HEAT-001", "design", "2025-04-20", None]])), user)
    assert (plan.milestones, plan.unchanged) == ([], 1)


# --- the import page ---------------------------------------------------------------------------------------


def test_the_import_page_lists_the_problems_and_saves_nothing(client_for, demo, portfolio, owner_bin):
    user = demo["office"]
    user.language = "en"
    user.save(update_fields=["language"])
    file = upload(workbook_with(user, projects=[new_project_row(owner=owner_bin, cost_estimate="a lot")]))
    before = counts()

    response = client_for("office").post("/portfolio/excel/import/", {"file": file})

    assert response.status_code == 200
    assert [(p.sheet, p.row, p.column, p.letter) for p in response.context["problems"]] == [
        ("Projects", 3, "cost_estimate", "K")]
    body = response.content.decode()
    assert "The file was not imported: 1 problem was found" in body
    assert "“a lot” is not a number." in body
    assert 'class="data"' in body
    assert counts() == before


def test_the_import_page_asks_for_a_file(client_for, demo):
    client = client_for("office")
    assert client.get("/portfolio/excel/import/").status_code == 200
    response = client.post("/portfolio/excel/import/", {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["problems"] == []


def test_a_deleted_label_row_is_refused(demo, portfolio, owner_bin):
    workbook = workbook_with(demo["office"], projects=[new_project_row(owner=owner_bin)])
    workbook["Projects"].delete_rows(2)
    refused(upload(workbook), demo["office"], [
        ("Projects", 2, "", "Row 2 must hold the names of the columns, as in the template: data starts on row 3.")])


# --- a constant number of queries --------------------------------------------------------------------------


def test_export_costs_the_same_queries_for_any_number_of_projects(demo, portfolio, karaganda, directions):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    office = demo["office"]

    def export_queries():
        with CaptureQueriesContext(connection) as queries, write_workbook(user=office, projects=project_list(user=office)):
            pass
        return len(queries)

    few = export_queries()
    for number in range(3):
        project_create(actor=office, code=f"KRG-EXTRA-{number}", title_ru="Ещё", direction=directions["heat"],
                       project_type="replacement", region=karaganda, owner=demo["utility"].organization,
                       responsible=demo["utility"], cost_estimate=Decimal("1000000.00"),
                       planned_start=dt.date(2025, 1, 1), planned_end=dt.date(2026, 1, 1))
    assert export_queries() == few


def test_checking_a_file_costs_the_same_queries_for_any_number_of_rows(demo, portfolio, owner_bin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    office = demo["office"]

    def check_queries(count):
        rows = [new_project_row(code=f"KRG-NEW-{number}", owner=owner_bin) for number in range(count)]
        milestones = [["KRG-HEAT-001", kind, "2026-12-01", None] for kind in ("works_half", "commissioned")][:count]
        file = upload(workbook_with(office, projects=[*rows, new_project_row(code="KRG-HEAT-001", owner=owner_bin)],
                                    milestones=milestones))
        with CaptureQueriesContext(connection) as queries:
            plan = validate_workbook(file, office)
        assert isinstance(plan, excel.ImportPlan), plan
        return len(queries)

    assert check_queries(1) == check_queries(2)


def test_the_pages_have_the_agreed_addresses():
    assert reverse("portfolio_excel:template") == "/portfolio/excel/template.xlsx"
    assert reverse("portfolio_excel:export") == "/portfolio/excel/projects.xlsx"
    assert reverse("portfolio_excel:import") == "/portfolio/excel/import/"


def test_a_value_outside_a_columns_list_is_refused(demo, portfolio, owner_bin):
    refused(upload(workbook_with(
        demo["office"],
        projects=[new_project_row(owner=owner_bin, project_type="Bridge")],
        milestones=[["KRG-HEAT-001", "Design", "2025-05-01", None], ["KRG-HEAT-001", "ribbon", None, None]],
    )), demo["office"], [
        ("Projects", 3, "project_type", "“Bridge” is not one of: construction, rehabilitation, replacement, expansion."),
        ("Milestones", 4, "kind", "“ribbon” is not one of: design, expertise, tender_published, contract_signed, "
                                  "works_started, works_half, commissioned."),
    ])
