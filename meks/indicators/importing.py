"""Import of indicator values from XLSX, in long or wide form, validated whole before anything is written.

* Long form: one value per row; columns ``code``, ``kato``, ``period``, ``value`` and, optionally, ``unit``
  (when given it must be the indicator's unit). Periods are written 2024, 2024-Q2 or 2024-05.
* Wide form: one period for the whole sheet (given with the upload); column A ``kato``, then one column
  per indicator code; an optional second row starting with ``unit`` names each column's unit. An empty
  cell means "no value".

Every bad row is reported with its line, column and reason (an unknown indicator or territory, a period
that cannot be read or is out of range, a value that is not a number or does not fit the unit, a unit
other than the indicator's, the same value given twice, a region the user may not edit); when there is
any, nothing is written.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from meks.core.audit import versioned_save
from meks.core.errors import ServiceError

from .choices import Unit, ValueOrigin
from .models import Indicator, ValueImport
from .periods import Period, PeriodError, parse_period
from .services import (
    ValueEntry,
    can_edit_region,
    indicator_values_write,
    indicators_by_code,
    period_problem,
    value_import_record,
    value_problem,
)
from .territories import TerritoryDirectory

LONG, WIDE = "long", "wide"
LAYOUTS = (LONG, WIDE)
MAX_ROWS = 50_000
MAX_FILE_SIZE = 20 * 1024 * 1024
LONG_COLUMNS = ("code", "kato", "period", "value")
HEADER_ALIASES = {
    "code": "code", "indicator": "code", "код": "code", "коды": "code",
    "kato": "kato", "territory": "kato", "като": "kato", "код като": "kato",
    "period": "period", "период": "period", "кезең": "period",
    "value": "value", "значение": "value", "мәні": "value",
    "unit": "unit", "единица": "unit", "бірлік": "unit",
}


@dataclass(frozen=True)
class ImportProblem:
    """One reason the file cannot be imported: the row (1-based, as in Excel), the column and why."""

    row: int | None
    column: str
    message: str


@dataclass
class ValuePlan:
    """A checked file: the values to write."""

    layout: str
    entries: list[ValueEntry] = field(default_factory=list)


class ValueImportRejected(ServiceError):
    """The file was refused; ``problems`` lists every bad row."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(_("The file was not imported: %(count)s problem(s) found; nothing was written.")
                         % {"count": len(problems)}, code="import_rejected")
        self.problems = problems


def _unit_matches(indicator: Indicator, text: str) -> bool:
    wanted = {indicator.unit.lower(), str(Unit(indicator.unit).label).lower()}
    return text.strip().lower() in wanted


def _header(cell: Any) -> str:
    text = str(cell).strip().lower() if cell is not None else ""
    return HEADER_ALIASES.get(text, text)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _kato(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value is not None else ""


class _Checker:
    def __init__(self, user: Any) -> None:
        self.user = user
        self.problems: list[ImportProblem] = []
        self.indicators = indicators_by_code()
        self.territories = TerritoryDirectory()
        self.seen: dict[tuple, int] = {}
        self.entries: list[ValueEntry] = []

    def problem(self, row: int | None, column: str, message: str) -> None:
        self.problems.append(ImportProblem(row, column, message))

    def territory(self, row: int, raw: Any):
        kato = _kato(raw)
        if not kato:
            self.problem(row, "kato", _("The KATO code of the territory is missing."))
            return None
        territory = self.territories.get(kato)
        if territory is None:
            self.problem(row, "kato", _("No region, district or settlement has the KATO code “%(kato)s”.")
                         % {"kato": kato})
            return None
        if self.user is not None and not can_edit_region(self.user, territory.region.pk):
            self.problem(row, "kato", _("You may not record values for %(region)s.") % {"region": territory.region.name})
            return None
        return territory

    def add(self, row: int, column: str, indicator: Indicator, territory, period: Period, raw: Any) -> None:
        value, message = value_problem(indicator, raw)
        if message:
            self.problem(row, column, message)
            return
        message = period_problem(indicator, period)
        if message:
            self.problem(row, "period", message)
            return
        entry = ValueEntry(indicator, territory, period, value)
        first = self.seen.get(entry.key)
        if first is not None:
            self.problem(row, column, _("The same indicator, territory and period is already given in row %(row)s.")
                         % {"row": first})
            return
        self.seen[entry.key] = row
        self.entries.append(entry)


def _open(file: Any) -> tuple[Any, list[ImportProblem]]:
    size = getattr(file, "size", None)
    if size is not None and size > MAX_FILE_SIZE:
        return None, [ImportProblem(None, "", _("The file is larger than 20 MB."))]
    try:
        if hasattr(file, "seek"):
            file.seek(0)
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        return None, [ImportProblem(None, "", _("The file is not an Excel workbook (.xlsx) or is damaged."))]
    return workbook, []


def _rows(workbook: Any) -> list[tuple]:
    sheet = workbook.worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def validate_value_workbook(file: Any, *, user: Any, layout: str, period: Any = None) -> ValuePlan | list[ImportProblem]:
    """Check a workbook whole and write nothing: the plan, or every problem found."""
    if layout not in LAYOUTS:
        return [ImportProblem(None, "", _("Choose the long or the wide layout."))]
    workbook, problems = _open(file)
    if problems:
        return problems
    rows = _rows(workbook)
    workbook.close()
    if len(rows) > MAX_ROWS + 2:
        return [ImportProblem(None, "", _("The file has more than %(max)s rows.") % {"max": MAX_ROWS})]
    checker = _Checker(user)
    if layout == LONG:
        _check_long(checker, rows)
    else:
        _check_wide(checker, rows, period)
    if checker.problems:
        return checker.problems
    if not checker.entries:
        return [ImportProblem(None, "", _("The file holds no values."))]
    return ValuePlan(layout=layout, entries=checker.entries)


def _check_long(checker: _Checker, rows: list[tuple]) -> None:
    if not rows:
        checker.problem(1, "", _("The sheet is empty."))
        return
    header = [_header(cell) for cell in rows[0]]
    missing = [name for name in LONG_COLUMNS if name not in header]
    if missing:
        checker.problem(1, ", ".join(missing), _("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)})
        return
    position = {name: header.index(name) for name in (*LONG_COLUMNS, "unit") if name in header}
    for number, cells in enumerate(rows[1:], start=2):
        cell = {name: cells[index] if index < len(cells) else None for name, index in position.items()}
        if all(_is_blank(value) for value in cell.values()):
            continue
        code = str(cell["code"]).strip() if not _is_blank(cell["code"]) else ""
        indicator = checker.indicators.get(code)
        if indicator is None:
            checker.problem(number, "code", _("Unknown indicator code “%(code)s”.") % {"code": code}
                            if code else _("The indicator code is missing."))
        territory = checker.territory(number, cell["kato"])
        try:
            period = parse_period(cell["period"])
        except PeriodError as error:
            checker.problem(number, "period", str(error))
            period = None
        unit = cell.get("unit")
        if indicator is not None and not _is_blank(unit) and not _unit_matches(indicator, str(unit)):
            checker.problem(number, "unit", _("The indicator %(code)s is measured in %(unit)s, not “%(given)s”.")
                            % {"code": indicator.code, "unit": indicator.get_unit_display(), "given": unit})
            continue
        if indicator is None or territory is None or period is None:
            continue
        checker.add(number, "value", indicator, territory, period, cell["value"])


def _check_wide(checker: _Checker, rows: list[tuple], period_raw: Any) -> None:
    try:
        period = parse_period(period_raw)
    except PeriodError as error:
        checker.problem(None, "period", str(error))
        return
    if not rows:
        checker.problem(1, "", _("The sheet is empty."))
        return
    header = list(rows[0])
    if _header(header[0] if header else None) != "kato":
        checker.problem(1, "A", _("Column A must be “kato”, the territory's KATO code."))
        return
    columns: dict[int, Indicator] = {}
    for index, cell in enumerate(header[1:], start=1):
        if _is_blank(cell):
            continue
        code = str(cell).strip()
        indicator = checker.indicators.get(code)
        if indicator is None:
            checker.problem(1, code, _("Unknown indicator code “%(code)s”.") % {"code": code})
        else:
            columns[index] = indicator
    first_data = 1
    if len(rows) > 1 and _header(rows[1][0] if rows[1] else None) == "unit":
        first_data = 2
        for index, indicator in columns.items():
            given = rows[1][index] if index < len(rows[1]) else None
            if not _is_blank(given) and not _unit_matches(indicator, str(given)):
                checker.problem(2, indicator.code, _("The indicator %(code)s is measured in %(unit)s, not “%(given)s”.")
                                % {"code": indicator.code, "unit": indicator.get_unit_display(), "given": given})
    if checker.problems:
        return
    for number, cells in enumerate(rows[first_data:], start=first_data + 1):
        if all(_is_blank(value) for value in cells):
            continue
        territory = checker.territory(number, cells[0] if cells else None)
        if territory is None:
            continue
        for index, indicator in columns.items():
            raw = cells[index] if index < len(cells) else None
            if _is_blank(raw):
                continue
            checker.add(number, indicator.code, indicator, territory, period, raw)


@dataclass(frozen=True)
class ImportOutcome:
    """An accepted import: its record and how many values it created and changed."""

    record: ValueImport
    created: int
    updated: int


def indicator_values_import(*, actor: Any, file: Any, layout: str, period: Any = None,
                            file_name: str = "") -> ImportOutcome:
    """Check ``file`` whole and write its values in one transaction.

    On any problem raise ``ValueImportRejected`` (with every problem) and write nothing.
    """
    plan = validate_value_workbook(file, user=actor, layout=layout, period=period)
    if isinstance(plan, list):
        raise ValueImportRejected(plan)
    name = file_name or getattr(file, "name", "") or "upload.xlsx"
    with transaction.atomic():
        record = value_import_record(actor=actor, file_name=str(name), layout=layout, created=0, updated=0)
        created, updated = indicator_values_write(actor=actor, entries=plan.entries, origin=ValueOrigin.IMPORTED,
                                                  source_import=record, reason=str(name))
        record.created_count, record.updated_count = created, updated
        versioned_save(record, actor=actor, update_fields=["created_count", "updated_count"])
    return ImportOutcome(record=record, created=created, updated=updated)


def value_template(layout: str, *, indicators: list[Indicator] | None = None, territories: list[Any] | None = None,
                   rows: list[tuple] | None = None) -> bytes:
    """An empty (or filled) workbook in the layout the import reads.

    Long: header ``code, kato, period, value, unit``, and ``rows`` if given. Wide: ``kato`` and the indicators'
    codes, the unit row, and one row per territory.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "values"
    if layout == LONG:
        sheet.append(["code", "kato", "period", "value", "unit"])
        for row in rows or []:
            sheet.append(list(row))
    else:
        indicators = indicators or []
        sheet.append(["kato", *[indicator.code for indicator in indicators]])
        sheet.append(["unit", *[indicator.unit for indicator in indicators]])
        for territory in territories or []:
            sheet.append([territory.kato])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
