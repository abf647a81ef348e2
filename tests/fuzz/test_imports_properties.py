"""Property tests of the imports: meter readings (CSV, XLSX, NDJSON, JSON), the portfolio and indicator workbooks.

Two properties for each: any bytes at all are answered with the documented refusal (``ServiceError`` for the
readings, a list of problems for the workbooks) and never with another exception; and a file of good rows
with one bad row, in all-or-nothing mode, writes nothing and names that row. Each example runs in a
savepoint rolled back after it, so the examples do not see each other's writes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from contextlib import contextmanager

import openpyxl
import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from meks.core.errors import ServiceError

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)
FEW = settings(max_examples=25, derandomize=True, database=None, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@contextmanager
def rolled_back():
    """A savepoint undone on leaving: one example's writes never reach the next."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- meter readings -----------------------------------------------------------------------------------------


@pytest.fixture
def meters(demo):
    """Three flat meters of the demo utility's building in Karaganda, installed on 1 January 2025."""
    from meks.accounts.choices import OrganizationKind
    from meks.accounts.models import Organization
    from meks.metering import services
    from meks.metering.choices import Interface, Medium, MeterRole
    from meks.territory.models import Settlement

    utility = Organization.objects.get(kind=OrganizationKind.UTILITY, region__kato="35")
    meter_type = services.meter_type_create(
        actor=None, approval_number="KZ.02.01.09999-2020", approved_on=dt.date(2020, 1, 1), name="T-fuzz",
        manufacturer_name="Test Meters LLP", medium=Medium.COLD_WATER, nominal_diameter=15, q3="2.50",
        r_ratio=160, accuracy_class="2", verification_interval_years=5, interface=Interface.LORAWAN,
        status="approved",
    )
    building = services.building_create(
        actor=None, utility=utility, settlement=Settlement.objects.filter(region__kato="35").order_by("kato").first(),
        address="ул. Тестовая, 1", flats=3, residents=6, norm_litres_per_person_day=200,
    )
    return [
        services.meter_create(actor=None, building=building, meter_type=meter_type, serial=f"FZ-{number}",
                              role=MeterRole.FLAT, installed_on=dt.date(2025, 1, 1), flat_number=str(number))
        for number in (1, 2, 3)
    ]


def ingest(demo, source: str, data: bytes, mode: str):
    from meks.metering import services

    return services.readings_ingest(actor=demo["utility"], source=source, stream=io.BytesIO(data), mode=mode,
                                    now=NOW)


def encode(source: str, rows: list[tuple[str, str, str]]) -> bytes:
    """The rows in the wire format of ``source``, with the header names the platform documents."""
    if source == "csv":
        return ("meter,taken_at,value\n" + "".join(f"{m},{t},{v}\n" for m, t, v in rows)).encode()
    if source == "xlsx":
        return xlsx_bytes([("meter", "taken_at", "value"), *rows])
    items = [{"meter": m, "taken_at": t, "value": v} for m, t, v in rows]
    if source == "api_ndjson":
        return "".join(json.dumps(item) + "\n" for item in items).encode()
    return json.dumps(items).encode()


SOURCES = ["csv", "xlsx", "api_ndjson", "api_json"]
#: One bad cell each: an unknown meter, a time that is no time, a time in the future, a negative value, text.
BAD_CELLS = [(0, "NO-SUCH-METER"), (1, "31.02.2026 10:00"), (1, "2027-01-01T10:00"), (2, "-5"), (2, "ten")]


@FEW
@given(source=st.sampled_from(SOURCES), data=st.one_of(st.binary(max_size=300), st.text(max_size=200).map(str.encode)))
@example(source="csv", data=b"meter,taken_at,value\nFZ-1,0001-01-01T00:00:00,1\n")
@example(source="api_json", data=b'[{"meter": "FZ-1", "taken_at": "9999-12-31T23:59:59-05:00", "value": "1"}]')
@example(source="api_ndjson", data=b'{"meter": [], "taken_at": {}, "value": null}\n')
@example(source="xlsx", data=b"PK\x03\x04 not really a zip")
def test_any_bytes_are_ingested_or_refused_with_a_service_error(meters, demo, source, data):
    from meks.metering.choices import BatchMode

    with rolled_back():
        try:
            result = ingest(demo, source, data, BatchMode.ALL_OR_NOTHING)
        except ServiceError as error:
            assert error.messages
        else:
            batch = result.batch
            assert batch.received == batch.accepted + batch.duplicates + batch.conflicts + batch.rejected


@FEW
@given(
    source=st.sampled_from(SOURCES),
    good=st.integers(1, 6),
    where=st.integers(0, 6),
    bad=st.sampled_from(BAD_CELLS),
)
def test_one_bad_row_refuses_the_whole_file_and_is_named(meters, demo, source, good, where, bad):
    from meks.metering.choices import BatchMode, BatchStatus
    from meks.metering.models import Reading, RejectedReading

    rows = [(f"FZ-{1 + index % 3}", f"2026-0{1 + index // 3}-{10 + index:02d}T10:00:00+05:00", f"{index + 1}.5")
            for index in range(good)]
    where = min(where, good)
    broken = list(rows[0])
    broken[bad[0]] = bad[1]
    rows.insert(where, tuple(broken))
    first_row = 2 if source in ("csv", "xlsx") else 1  # a file's line 1 is its header
    with rolled_back():
        readings_before = Reading.objects.count()
        batch = ingest(demo, source, encode(source, rows), BatchMode.ALL_OR_NOTHING).batch
        assert batch.status == BatchStatus.REFUSED
        assert Reading.objects.count() == readings_before
        assert list(RejectedReading.objects.filter(batch=batch).values_list("position", flat=True)) == [
            first_row + where
        ]


# --- the portfolio workbook ---------------------------------------------------------------------------------


@FEW
@given(data=st.one_of(st.binary(max_size=300), st.sampled_from([b"", b"PK\x05\x06" + b"\0" * 18])))
def test_any_bytes_as_a_portfolio_workbook_are_refused_with_problems(demo, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meks.portfolio.excel import import_workbook
    from meks.portfolio.models import Project

    with rolled_back():
        result = import_workbook(SimpleUploadedFile("import.xlsx", data), user=demo["office"])
        assert isinstance(result, list) and result and all(problem.message for problem in result)
        assert Project.objects.count() == 0


@pytest.fixture
def portfolio_template(demo):
    """The platform's own portfolio template for the project office, with the directions the rows name."""
    from meks.portfolio.excel import write_workbook
    from meks.portfolio.models import Direction

    Direction.objects.create(code="water", name_ru="Водоснабжение", name_en="Water supply", order=1)
    with write_workbook(user=demo["office"]) as stream:
        return stream.read()


PROJECT_ROW = {
    "code": "FZ-0", "title_ru": "Водовод", "direction": "water", "project_type": "construction", "region": "35",
    "responsible": "utility", "cost_estimate": 640000000, "planned_km_water": 4.2, "planned_start": "2026-01-15",
    "planned_end": "2028-06-30", "ready_design": "yes",
}
#: One bad cell each, with the column that must be named.
BAD_PROJECT_CELLS = [
    ("cost_estimate", "1e999999999"), ("cost_estimate", "много"), ("planned_start", "31.02.2026"),
    ("planned_km_water", "-3"), ("region", "99"), ("project_type", "castle"), ("ready_design", "maybe"),
    ("direction", "no-such"),
]


@FEW
@given(good=st.integers(1, 4), where=st.integers(0, 4), bad=st.sampled_from(BAD_PROJECT_CELLS))
def test_one_bad_project_row_writes_nothing_and_is_named(portfolio_template, demo, good, where, bad):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meks.portfolio.excel import column_keys, import_workbook
    from meks.portfolio.excel.layout import FIRST_DATA_ROW, PROJECTS
    from meks.portfolio.models import Project

    keys = column_keys(PROJECTS)
    owner = demo["utility"].organization.bin
    rows = [dict(PROJECT_ROW, code=f"FZ-{index}", owner=owner) for index in range(good)]
    where = min(where, good)
    rows.insert(where, dict(PROJECT_ROW, code="FZ-BAD", owner=owner, **{bad[0]: bad[1]}))
    workbook = openpyxl.load_workbook(io.BytesIO(portfolio_template))
    for row in rows:
        workbook[PROJECTS].append([row.get(key) for key in keys])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with rolled_back():
        result = import_workbook(SimpleUploadedFile("import.xlsx", buffer.getvalue()), user=demo["office"])
        assert isinstance(result, list), "a file with a bad row was imported"
        assert {(problem.sheet, problem.row, problem.column) for problem in result} == {
            (PROJECTS, FIRST_DATA_ROW + where, bad[0])
        }
        assert Project.objects.count() == 0


#: Text a worksheet can hold (openpyxl refuses control characters).
CELL_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)


# --- the indicator workbooks (long and wide) ----------------------------------------------------------------


@FEW
@given(layout=st.sampled_from(["long", "wide"]),
       data=st.one_of(st.binary(max_size=300), st.lists(st.lists(
           st.one_of(CELL_TEXT, st.integers(), st.floats(allow_nan=False), st.none(), st.dates()),
           max_size=5), max_size=4).map(xlsx_bytes)))
def test_any_indicator_workbook_is_planned_or_refused_with_problems(indicators_demo, layout, data):
    from meks.indicators.importing import ValuePlan, validate_value_workbook

    result = validate_value_workbook(io.BytesIO(data), user=indicators_demo["office"], layout=layout, period="2024")
    assert isinstance(result, ValuePlan) or (isinstance(result, list) and all(p.message for p in result))


BAD_VALUE_CELLS = [("code", "NO-SUCH-CODE"), ("kato", "999999999"), ("period", "0000"), ("period", "2024-13"),
                   ("value", "много"), ("value", "1e999999999")]


@FEW
@given(good=st.integers(1, 4), where=st.integers(0, 4), bad=st.sampled_from(BAD_VALUE_CELLS))
def test_one_bad_indicator_row_writes_nothing_and_is_named(indicators_demo, good, where, bad):
    from meks.indicators.importing import LONG_COLUMNS, ValueImportRejected, indicator_values_import
    from meks.indicators.models import IndicatorValue, ValueImport
    from meks.indicators.periods import Period

    def kato(value):
        return (value.settlement or value.district or value.region).kato

    values = list(IndicatorValue.objects.select_related("indicator", "region", "district", "settlement")
                  .order_by("pk")[:good])
    rows = [{"code": value.indicator.code, "kato": kato(value),
             "period": Period(value.period_type, value.period_start).label, "value": str(value.value)}
            for value in values]
    where = min(where, good)
    rows.insert(where, dict(rows[0], **{bad[0]: bad[1]}))
    data = xlsx_bytes([LONG_COLUMNS, *[[row[name] for name in LONG_COLUMNS] for row in rows]])
    with rolled_back():
        history_before = IndicatorValue.history.count()
        with pytest.raises(ValueImportRejected) as rejected:
            indicator_values_import(actor=indicators_demo["office"], file=io.BytesIO(data), layout="long")
        assert {(problem.row, problem.column) for problem in rejected.value.problems} == {(2 + where, bad[0])}
        assert IndicatorValue.history.count() == history_before
        assert not ValueImport.objects.exists()
