"""Import of indicator values from XLSX: every bad row reported, nothing written; good files written whole."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from meks.indicators.importing import ValueImportRejected, indicator_values_import, validate_value_workbook
from meks.indicators.models import IndicatorValue, ValueImport
from meks.territory.models import Settlement


def workbook(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "values.xlsx"
    return buffer


def town(kato_prefix="35"):
    return Settlement.objects.filter(is_monotown=True, region__kato=kato_prefix).order_by("kato").first()


def test_long_form_is_written_whole(demo):
    temirtau = town()
    file = workbook([
        ("code", "kato", "period", "value", "unit"),
        ("lab_unemployment", temirtau.kato, "2025", "4,8", "percent"),
        ("dem_population", temirtau.kato, 2025, 171893, ""),
        ("utl_wear_hws", "35", "2025", 62, "%"),
        ("ind_output", "35", "2025-Q2", "1 250 000.5", None),
        ("lab_new_jobs", temirtau.kato, "2025-03", 120, "count"),
    ])
    outcome = indicator_values_import(actor=demo["office"], file=file, layout="long")
    assert (outcome.created, outcome.updated) == (5, 0)
    values = {(v.indicator.code, v.level, v.period_type, v.period_start.isoformat()): v.value
              for v in IndicatorValue.objects.select_related("indicator")}
    assert values[("lab_unemployment", "settlement", "year", "2025-01-01")] == Decimal("4.8")
    assert values[("ind_output", "region", "quarter", "2025-04-01")] == Decimal("1250000.5")
    assert values[("lab_new_jobs", "settlement", "month", "2025-03-01")] == Decimal("120")
    assert IndicatorValue.objects.filter(origin="imported", source_import=outcome.record).count() == 5
    record = ValueImport.objects.get()
    assert (record.created_count, record.history.first().history_user) == (5, demo["office"])
    # The same file again changes nothing; a changed value is updated, with its history.
    again = indicator_values_import(actor=demo["office"], file=workbook([
        ("code", "kato", "period", "value"), ("lab_unemployment", temirtau.kato, "2025", "5.1")]), layout="long")
    assert (again.created, again.updated) == (0, 1)
    value = IndicatorValue.objects.get(indicator__code="lab_unemployment")
    assert (value.value, value.version, value.history.count()) == (Decimal("5.1"), 2, 2)


def test_every_bad_row_is_reported_and_nothing_written(demo):
    temirtau = town()
    file = workbook([
        ("code", "kato", "period", "value", "unit"),
        ("lab_unemployment", temirtau.kato, "2025", "4.8", "percent"),   # good
        ("no_such_code", temirtau.kato, "2025", "1", ""),                # unknown indicator
        ("lab_unemployment", "999999999", "2025", "1", ""),              # unknown territory
        ("lab_unemployment", temirtau.kato, "2091", "1", ""),            # period out of range
        ("lab_unemployment", temirtau.kato, "2005", "1", ""),            # period out of range
        ("lab_unemployment", temirtau.kato, "20x5", "1", ""),            # not a period
        ("dem_population", temirtau.kato, "2025", "12.5", ""),           # persons are whole
        ("lab_unemployment", temirtau.kato, "2024", "abc", ""),          # not a number
        ("lab_unemployment", temirtau.kato, "2023", "140", ""),          # a share above 100
        ("lab_unemployment", temirtau.kato, "2022", "4", "tenge"),       # wrong unit
        ("lab_unemployment", temirtau.kato, "2025", "4.9", ""),          # given twice
    ])
    with pytest.raises(ValueImportRejected) as rejected:
        indicator_values_import(actor=demo["office"], file=file, layout="long")
    problems = [(p.row, p.column) for p in rejected.value.problems]
    assert problems == [(3, "code"), (4, "kato"), (5, "period"), (6, "period"), (7, "period"), (8, "value"),
                        (9, "value"), (10, "value"), (11, "unit"), (12, "value")]
    messages = {p.row: p.message for p in rejected.value.problems}
    assert messages[3] == "Unknown indicator code “no_such_code”."
    assert messages[4] == "No region, district or settlement has the KATO code “999999999”."
    assert messages[5] == "The period 2091 has not begun yet."
    assert messages[8] == "persons are counted in whole numbers."
    assert messages[10] == "A value in % cannot be above 100."
    assert "measured in %" in messages[11]
    assert "already given in row 2" in messages[12]
    assert not IndicatorValue.objects.exists() and not ValueImport.objects.exists()


def test_wide_form(demo):
    towns = list(Settlement.objects.filter(is_monotown=True).order_by("kato")[:2])
    file = workbook([
        ("kato", "lab_unemployment", "dem_population"),
        ("unit", "percent", "persons"),
        (towns[0].kato, 5.5, 40000),
        (towns[1].kato, None, 52000),
    ])
    outcome = indicator_values_import(actor=demo["office"], file=file, layout="wide", period="2024")
    assert outcome.created == 3
    assert IndicatorValue.objects.filter(period_start__year=2024, period_type="year").count() == 3


def test_wide_form_problems(demo):
    first = town()
    file = workbook([("kato", "lab_unemployment", "bogus"), (first.kato, "x", 1)])
    problems = validate_value_workbook(file, user=demo["office"], layout="wide", period="2024")
    assert [(p.row, p.column) for p in problems] == [(1, "bogus")]
    file = workbook([("kato", "lab_unemployment"), ("unit", "tenge"), (first.kato, 1)])
    problems = validate_value_workbook(file, user=demo["office"], layout="wide", period="2024")
    assert [(p.row, p.column) for p in problems] == [(2, "lab_unemployment")]
    file = workbook([("kato", "lab_unemployment"), (first.kato, "x"), ("00", 1)])
    problems = validate_value_workbook(file, user=demo["office"], layout="wide", period="2024")
    assert [(p.row, p.column) for p in problems] == [(2, "lab_unemployment"), (3, "kato")]
    assert [p.column for p in validate_value_workbook(file, user=None, layout="wide", period="next")] == ["period"]


def test_akimat_imports_only_its_region(demo):
    karaganda, mangystau = town("35"), town("47")
    file = workbook([("code", "kato", "period", "value"),
                     ("lab_unemployment", karaganda.kato, "2025", 5),
                     ("lab_unemployment", mangystau.kato, "2025", 5)])
    with pytest.raises(ValueImportRejected) as rejected:
        indicator_values_import(actor=demo["akimat.karaganda"], file=file, layout="long")
    assert [(p.row, p.column) for p in rejected.value.problems] == [(3, "kato")]
    assert not IndicatorValue.objects.exists()


def test_not_a_workbook(demo):
    problems = validate_value_workbook(io.BytesIO(b"not a zip"), user=demo["office"], layout="long")
    assert [p.message for p in problems] == ["The file is not an Excel workbook (.xlsx) or is damaged."]
    problems = validate_value_workbook(workbook([("code", "value")]), user=demo["office"], layout="long")
    assert problems[0].message == "Columns missing: kato, period."
