"""Read an uploaded workbook and check it whole, writing nothing: the result is a plan or every problem found.

The checks, in order: the file (an .xlsx of at most 5 MB that opens), each data sheet's header row (the
template's keys in the template's order), then every data row: no formulas, no merged cells, values of the
right type, known references (region, settlement, direction, owner, user, project), the user's right to
the region and owner, no repeated codes, and the model's own rules. A problem names its sheet, row and
column, and says why in the user's language.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import iterparse

from meks.accounts.models import Organization, User
from meks.core.access import scope_of
from meks.territory.models import Region, Settlement

from ..choices import ProjectStatus
from ..models import Direction, Milestone, ProgressReport, Project
from ..selectors import REGION_EDITORS, project_can_edit
from ..services import PROGRESS_FIGURES, PROJECT_EDITABLE_FIELDS
from . import layout as L

SHEET_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REFERENCE_FIELDS = ("direction", "region", "settlement", "owner", "responsible")
PROJECT_FIELDS = L.column_keys(L.PROJECTS)
#: Statuses in which a project's progress is reported (as ``progress_report_submit`` requires).
REPORTING_STATUSES = (ProjectStatus.IMPLEMENTATION, ProjectStatus.CONTRACTOR_DETERMINATION)
YES_WORDS = {"yes", "y", "true", "1", "да", "иә", "ия"}
NO_WORDS = {"no", "n", "false", "0", "нет", "жоқ"}
NUMERIC_KINDS = {L.DECIMAL, L.INTEGER, L.DATE, L.MONTH}
MONTH_PATTERN = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")
#: Digits before the decimal point of the widest amount the portfolio stores (20 digits, 2 decimals).
MAX_WHOLE_DIGITS = 18
#: Width of the codes that Excel may turn into numbers and strip of leading zeros.
CODE_WIDTH = {L.REGION: 2, L.SETTLEMENT: 9, L.OWNER: 12}


@dataclass(frozen=True)
class Problem:
    """One reason the file cannot be imported: where it is (sheet, row, column key) and why."""

    sheet: str
    row: int | None
    column: str
    message: str
    letter: str = ""


@dataclass
class ProjectAction:
    """Create a project (``project_id`` empty) or change the named fields of one."""

    row: int
    code: str
    fields: dict[str, Any]
    project_id: int | None = None
    version: int | None = None


@dataclass
class MilestoneAction:
    """Record forecast and actual dates of one milestone (of a project the plan may create first)."""

    row: int
    project_code: str
    kind: str
    changes: dict[str, Any]
    milestone_id: int | None = None
    version: int | None = None


@dataclass
class ProgressAction:
    """Submit (or correct) one month's progress report."""

    row: int
    project_code: str
    period: dt.date
    figures: dict[str, Any]
    explanation: str


@dataclass
class ImportPlan:
    """What a valid file will do; ``unchanged`` counts rows that match the records already."""

    file_name: str
    projects: list[ProjectAction] = field(default_factory=list)
    milestones: list[MilestoneAction] = field(default_factory=list)
    progress: list[ProgressAction] = field(default_factory=list)
    unchanged: int = 0


class DamagedWorkbook(Exception):
    """openpyxl could not read the file."""


class CellError(Exception):
    """A cell's value does not fit its column; the message says why."""


@dataclass
class Row:
    """A data row: its number, the values parsed so far and the columns with a problem."""

    number: int
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)


# --- cells -------------------------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 50 else f"{text[:47]}…"


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _as_code(value: Any, width: int) -> str:
    """A code Excel may have stored as a number, which drops its leading zeros."""
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a code.") % {"value": _shown(value)})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value).zfill(width)
    return _as_text(value)


def _as_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": _shown(value)})
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        # Excel keeps 15 significant digits; beyond them a float carries only binary noise.
        number = Decimal(f"{value:.15g}")
    elif isinstance(value, str):
        cleaned = re.sub(r"[\s\u00a0\u202f]", "", value).replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a number.") % {"value": _shown(value)}) from None
    else:
        raise CellError(_("“%(value)s” is not a number.") % {"value": _shown(value)})
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": _shown(value)})
    # Refused here, before anything converts it: "1e999999999" is a finite Decimal whose int() would take
    # hours to compute.
    if number and number.adjusted() >= MAX_WHOLE_DIGITS:
        raise CellError(_("“%(value)s” is too large.") % {"value": _shown(value)})
    return number


def _as_integer(value: Any) -> int:
    try:
        number = _as_decimal(value)
    except CellError:
        number = None
    if number is None or number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": _shown(value)})
    return int(number)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 a calendar date, no time
            except ValueError:
                continue
    raise CellError(_("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": _shown(value)})


def _as_month(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    match = MONTH_PATTERN.match(_as_text(value))
    if match and int(match.group(1)) >= 1 and 1 <= int(match.group(2)) <= 12:
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    raise CellError(_("“%(value)s” is not a month: write it as YYYY-MM.") % {"value": _shown(value)})


def _as_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = _as_text(value).lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise CellError(_("“%(value)s” is neither yes nor no.") % {"value": _shown(value)})


def parse_cell(column: L.Column, value: Any) -> Any:
    """The value of a non-blank cell as its column holds it; ``CellError`` when it does not fit."""
    kind = column.kind
    if kind == L.DECIMAL:
        return _as_decimal(value)
    if kind == L.INTEGER:
        return _as_integer(value)
    if kind == L.DATE:
        return _as_date(value)
    if kind == L.MONTH:
        return _as_month(value)
    if kind == L.YES_NO:
        return _as_yes_no(value)
    if kind in CODE_WIDTH:
        return _as_code(value, CODE_WIDTH[kind])
    text = _as_text(value)
    if kind == L.CHOICE and text.lower() in column.choices:
        return text.lower()
    if kind == L.CHOICE:
        raise CellError(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": _shown(text), "choices": ", ".join(column.choices)}
        )
    return text


def _is_formula(cell: Any) -> bool:
    value = getattr(cell, "value", None)
    return getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("="))


# --- the workbook ------------------------------------------------------------------------------------------


class _Reader:
    """One pass over an uploaded file, collecting problems."""

    def __init__(self, user: Any, file_name: str) -> None:
        self.user = user
        self.file_name = file_name
        self.problems: list[Problem] = []

    def problem(self, sheet: str, row: int | None, column: str, message: str, letter: str = "") -> None:
        letter = letter or L.column_letter(sheet, column)
        self.problems.append(Problem(sheet, row, column, str(message), letter))

    def cell_problem(self, sheet: str, row: Row, column: str, message: str, letter: str = "") -> None:
        row.bad.add(column)
        self.problem(sheet, row.number, column, message, letter)

    # The file -------------------------------------------------------------------------------------------

    def open(self, file: Any) -> tuple[Any, zipfile.ZipFile] | None:
        if self.file_name and not self.file_name.lower().endswith(".xlsx"):
            self.problem("", None, "", _("Only Excel workbooks (.xlsx) can be imported."))
            return None
        size = _size_of(file)
        if size > L.MAX_FILE_SIZE:
            self.problem("", None, "", _("The file is %(size)s MB; the limit is %(limit)s MB.")
                         % {"size": f"{size / 1024 / 1024:.1f}", "limit": L.MAX_FILE_SIZE // 1024 // 1024})
            return None
        if hasattr(file, "seek"):
            file.seek(0)
        data = io.BytesIO(file.read())
        damaged = _("The file is not an Excel workbook (.xlsx) or it is damaged.")
        if not zipfile.is_zipfile(data):
            self.problem("", None, "", damaged)
            return None
        try:
            archive = zipfile.ZipFile(data)
            if sum(info.file_size for info in archive.infolist()) > L.MAX_UNPACKED_SIZE:
                self.problem("", None, "", _("The workbook unpacks to more than %(limit)s MB; it cannot be imported.")
                             % {"limit": L.MAX_UNPACKED_SIZE // 1024 // 1024})
                return None
            if archive.testzip() is not None:
                raise DamagedWorkbook
            workbook = load_workbook(data, read_only=True, data_only=False, keep_links=False)
        except Exception:  # openpyxl and zipfile raise many kinds of error on a damaged file
            self.problem("", None, "", damaged)
            return None
        return workbook, archive

    def sheets(self, workbook: Any) -> dict[str, Any]:
        found = {}
        for name in L.DATA_SHEETS:
            if name in workbook.sheetnames and hasattr(workbook[name], "iter_rows"):
                found[name] = workbook[name]
            else:
                self.problem(name, None, "", _("The sheet “%(sheet)s” is missing: start from the platform's template.")
                             % {"sheet": name})
        return found

    def header_ok(self, sheet: str, header: list[str]) -> bool:
        """True when the header row holds the template's keys in order (derived columns may follow)."""
        expected = L.column_keys(sheet)
        known = set(expected) | {column.key for column in L.DERIVED_COLUMNS[sheet]}
        while header and not header[-1]:
            header.pop()
        missing = [key for key in expected if key not in header]
        unknown = [key for key in header if key and key not in known]
        if missing:
            self.problem(sheet, L.HEADER_ROW, "", _("Columns missing from the header row: %(columns)s.")
                         % {"columns": ", ".join(missing)})
        if unknown:
            self.problem(sheet, L.HEADER_ROW, "", _("Unknown columns in the header row: %(columns)s.")
                         % {"columns": ", ".join(unknown)})
        if missing or unknown:
            return False
        ok = True
        for index, key in enumerate(expected):
            if header[index] != key:
                ok = False
                self.problem(sheet, L.HEADER_ROW, key,
                             _("Column %(letter)s must be “%(expected)s”, not “%(found)s”: keep the template's order of columns.")
                             % {"letter": get_column_letter(index + 1), "expected": key, "found": header[index]})
        return ok

    def merged_rows(self, sheet: str, worksheet: Any, archive: zipfile.ZipFile) -> None:
        """Report each merged range that reaches the data rows (read-only sheets do not expose them)."""
        from openpyxl.utils.cell import range_boundaries

        path = getattr(worksheet, "_worksheet_path", None)
        if not path:
            return
        keys = L.column_keys(sheet) + tuple(column.key for column in L.DERIVED_COLUMNS[sheet])
        try:
            with archive.open(path) as source:
                for _event, element in iterparse(source, events=("end",)):
                    if element.tag == f"{{{SHEET_MAIN}}}mergeCell":
                        reference = element.get("ref", "")
                        min_col, min_row, _max_col, max_row = range_boundaries(reference)
                        if max_row >= L.FIRST_DATA_ROW:
                            key = keys[min_col - 1] if min_col <= len(keys) else get_column_letter(min_col)
                            self.problem(sheet, max(min_row, L.FIRST_DATA_ROW), key,
                                         _("Cells %(range)s are merged: unmerge them and fill in each cell.")
                                         % {"range": reference}, get_column_letter(min_col))
                    element.clear()
        except Exception as error:  # a damaged sheet
            raise DamagedWorkbook from error

    def label_row_ok(self, sheet: str, cells: tuple) -> None:
        """Row 2 holds the column names; a number or date there means the row was deleted and data moved up."""
        for column, cell in zip(L.COLUMNS[sheet], cells, strict=False):
            value = getattr(cell, "value", None)
            if column.kind in NUMERIC_KINDS and not _is_blank(value) and not isinstance(value, str):
                self.problem(sheet, L.LABEL_ROW, "",
                             _("Row 2 must hold the names of the columns, as in the template: data starts on row 3."))
                return

    def rows(self, sheet: str, worksheet: Any) -> list[Row] | None:
        """The sheet's data rows parsed by column, or None when its header does not match the template."""
        columns = L.COLUMNS[sheet]
        worksheet.reset_dimensions()
        parsed: list[Row] = []
        header: list[str] | None = None
        count = 0
        for number, cells in enumerate(_cells_by_row(worksheet), start=1):
            if number == L.HEADER_ROW:
                header = [_as_text(getattr(cell, "value", None)) for cell in cells]
                if not self.header_ok(sheet, header):
                    return None
                continue
            if number == L.LABEL_ROW:
                self.label_row_ok(sheet, cells)
                continue
            if all(_is_blank(getattr(cell, "value", None)) for cell in cells):
                continue
            count += 1
            if count > L.MAX_ROWS:
                self.problem(sheet, number, "", _("The sheet has more than %(limit)s rows of data: split the file.")
                             % {"limit": L.MAX_ROWS})
                break
            row = Row(number, {})
            for index, cell in enumerate(cells):
                column = columns[index] if index < len(columns) else None
                letter = get_column_letter(index + 1)
                key = header[index] if index < len(header) and header[index] else letter
                if _is_formula(cell):
                    self.cell_problem(sheet, row, key, _("The cell holds a formula: type the value itself."), letter)
                    continue
                if column is None:
                    continue
                value = getattr(cell, "value", None)
                if _is_blank(value):
                    continue
                try:
                    row.values[column.key] = parse_cell(column, value)
                except CellError as error:
                    self.cell_problem(sheet, row, column.key, str(error))
            for column in columns:
                if column.required and column.key not in row.values and column.key not in row.bad:
                    self.cell_problem(sheet, row, column.key, _("This column must be filled in."))
            parsed.append(row)
        if header is None and not self.header_ok(sheet, []):
            return None
        return parsed


def _size_of(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(position)
    return size


def _cells_by_row(worksheet: Any) -> Iterator[tuple]:
    iterator = worksheet.iter_rows()
    while True:
        try:
            cells = next(iterator)
        except StopIteration:
            return
        except Exception as error:  # a damaged sheet: openpyxl's parser raises many kinds of error
            raise DamagedWorkbook from error
        yield cells


# --- the checks --------------------------------------------------------------------------------------------


@dataclass
class _References:
    """The records the file names, looked up in a few queries."""

    directions: dict[str, Direction]
    regions: dict[str, Region]
    settlements: dict[str, Settlement]
    owners: dict[str, Organization]
    users: dict[str, User]
    projects: dict[str, Project]
    milestones: dict[tuple[int, str], Milestone]
    reports: dict[tuple[int, dt.date], ProgressReport]

    @classmethod
    def load(cls, sheets: dict[str, list[Row]]) -> _References:
        def wanted(sheet: str, key: str) -> set[str]:
            return {row.values[key] for row in sheets.get(sheet, []) if key in row.values}

        codes = wanted(L.PROJECTS, "code") | wanted(L.MILESTONES, "project") | wanted(L.PROGRESS, "project")
        projects = {
            project.code: project
            for project in Project.objects.filter(code__in=sorted(codes)).select_related("settlement")
        }
        project_ids = [project.pk for project in projects.values()]
        return cls(
            directions={d.code: d for d in Direction.objects.filter(code__in=sorted(wanted(L.PROJECTS, "direction")))},
            regions={r.kato: r for r in Region.objects.filter(kato__in=sorted(wanted(L.PROJECTS, "region")))},
            settlements={
                s.kato: s
                for s in Settlement.objects.filter(kato__in=sorted(wanted(L.PROJECTS, "settlement"))).select_related("region")
            },
            owners={o.bin: o for o in Organization.objects.filter(bin__in=sorted(wanted(L.PROJECTS, "owner")))},
            users={
                u.username: u
                for u in User.objects.filter(username__in=sorted(wanted(L.PROJECTS, "responsible")), is_active=True)
            },
            projects=projects,
            milestones={(m.project_id, m.kind): m for m in Milestone.objects.filter(project_id__in=project_ids)},
            reports={(r.project_id, r.period): r for r in ProgressReport.objects.filter(project_id__in=project_ids)},
        )


def _field_errors(reader: _Reader, sheet: str, row: Row, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            if name in row.bad:
                continue
            column = name if name in L.column_keys(sheet) else ""
            for message in messages:
                reader.cell_problem(sheet, row, column, message)
    else:
        for message in error.messages:
            reader.cell_problem(sheet, row, "", message)


class _Planner:
    """Turns parsed rows into actions, reporting what refers to unknown records or is not allowed."""

    def __init__(self, reader: _Reader, refs: _References) -> None:
        self.reader = reader
        self.refs = refs
        self.user = reader.user
        self.plan = ImportPlan(reader.file_name)
        #: Project rows of this file by code: the row number and the action (or None when the row is bad).
        self.in_file: dict[str, tuple[int, ProjectAction | None, Project | None]] = {}

    def problem(self, sheet: str, row: Row, column: str, message: str) -> None:
        self.reader.cell_problem(sheet, row, column, message)

    # Projects -------------------------------------------------------------------------------------------

    def resolve(self, row: Row) -> dict[str, Any]:
        """The row's values with references replaced by records; a problem for each unknown one."""
        values = dict(row.values)
        refs = self.refs
        lookups = {
            "direction": (refs.directions, _("Unknown direction “%(value)s”: see the Reference sheet.")),
            "region": (refs.regions, _("Unknown region “%(value)s”: see the Reference sheet.")),
            "settlement": (refs.settlements, _("Unknown settlement “%(value)s”: give its 9-digit KATO code.")),
            "owner": (refs.owners, _("Unknown owner “%(value)s”: no organization has this BIN.")),
            "responsible": (refs.users, _("Unknown user “%(value)s”.")),
        }
        for name, (known, message) in lookups.items():
            if name in values:
                record = known.get(values[name])
                if record is None:
                    self.problem(L.PROJECTS, row, name, message % {"value": _shown(values[name])})
                    del values[name]
                else:
                    values[name] = record
        settlement, region = values.get("settlement"), values.get("region")
        if settlement is not None and region is not None and settlement.region_id != region.pk:
            self.problem(L.PROJECTS, row, "settlement",
                         _("The settlement “%(settlement)s” lies outside the region “%(region)s”.")
                         % {"settlement": settlement.name, "region": region.name})
        return values

    def project_row(self, row: Row) -> None:
        code = row.values.get("code")
        if code is not None and code in self.in_file:
            self.problem(L.PROJECTS, row, "code", _("The code %(code)s appears again: it is already on row %(row)s.")
                         % {"code": code, "row": self.in_file[code][0]})
            return
        values = self.resolve(row)
        existing = self.refs.projects.get(code) if code is not None else None
        if code is not None:
            self.in_file[code] = (row.number, None, existing)
        fields = {key: values.get(key, _default(key)) for key in PROJECT_FIELDS if key != "code"}
        if existing is not None:
            self.project_update(row, code, existing, fields)
        else:
            self.project_create(row, code, fields)

    def project_update(self, row: Row, code: str, existing: Project, fields: dict[str, Any]) -> None:
        if not project_can_edit(user=self.user, project=existing):
            self.problem(L.PROJECTS, row, "code", _("You may not edit the project %(code)s.") % {"code": code})
            return
        if fields["region"] is not None and fields["region"].pk != existing.region_id:
            self.problem(L.PROJECTS, row, "region", _("The region of a registered project cannot be changed."))
        changes = {
            name: value for name, value in fields.items()
            if name in PROJECT_EDITABLE_FIELDS and name not in row.bad
            and _differs(_current(existing, name), _stored(name, value))
        }
        candidate = copy.copy(existing)
        for name, value in changes.items():
            setattr(candidate, name, value)
        if not self.clean(row, candidate) or row.bad:
            return
        if not project_can_edit(user=self.user, project=candidate):
            self.problem(L.PROJECTS, row, "owner", _("You may not hand the project to an owner outside your scope."))
            return
        if not changes:
            self.plan.unchanged += 1
            self.in_file[code] = (row.number, None, existing)
            return
        action = ProjectAction(row.number, code, changes, project_id=existing.pk, version=existing.version)
        self.plan.projects.append(action)
        self.in_file[code] = (row.number, action, existing)

    def project_create(self, row: Row, code: str | None, fields: dict[str, Any]) -> None:
        candidate = Project(code=code, status=ProjectStatus.DRAFT, **fields)
        if not self.clean(row, candidate) or row.bad:
            return
        if not project_can_edit(user=self.user, project=candidate):
            scope = scope_of(self.user)
            column = "region" if scope.has_role(*REGION_EDITORS) and not scope.covers_region(
                candidate.region_id, *REGION_EDITORS) else "owner"
            self.problem(L.PROJECTS, row, column, _("You may not register projects for this region or owner."))
            return
        action = ProjectAction(row.number, code, {"code": code, **fields})
        self.plan.projects.append(action)
        self.in_file[code] = (row.number, action, None)

    def clean(self, row: Row, candidate: Project) -> bool:
        """The model's own rules, without queries: references are resolved already, the code is checked apart.

        Columns with a problem already are left out, so that one wrong cell gives one problem.
        """
        try:
            candidate.full_clean(exclude=sorted({*REFERENCE_FIELDS, *row.bad}), validate_unique=False,
                                 validate_constraints=False)
        except ValidationError as error:
            _field_errors(self.reader, L.PROJECTS, row, error)
            return False
        return True

    # Milestones and progress ----------------------------------------------------------------------------

    def target(self, sheet: str, row: Row) -> tuple[bool, Project | None]:
        """Whether the row's project is usable, and its record (None for one this file registers)."""
        code = row.values["project"]
        if code in self.in_file:
            _number, action, existing = self.in_file[code]
            if existing is None:
                # A project this file registers; when its own row is wrong, the problems are reported there.
                return action is not None, None
        existing = self.refs.projects.get(code)
        if existing is None:
            self.problem(sheet, row, "project",
                         _("Unknown project “%(value)s”: it is neither registered nor on the Projects sheet.")
                         % {"value": _shown(code)})
            return False, None
        if not project_can_edit(user=self.user, project=existing):
            self.problem(sheet, row, "project", _("You may not edit the project %(code)s.") % {"code": code})
            return False, None
        return True, existing

    def milestone_row(self, row: Row, seen: dict[tuple[str, str], int]) -> None:
        if "project" not in row.values or "kind" not in row.values:
            return
        code, kind = row.values["project"], row.values["kind"]
        if (code, kind) in seen:
            self.problem(L.MILESTONES, row, "kind", _("This milestone appears again: it is already on row %(row)s.")
                         % {"row": seen[(code, kind)]})
            return
        seen[(code, kind)] = row.number
        actual = row.values.get("actual_date")
        if actual is not None and actual > timezone.localdate():
            self.problem(L.MILESTONES, row, "actual_date", _("An actual date cannot be in the future."))
        usable, project = self.target(L.MILESTONES, row)
        if not usable or row.bad:
            return
        dates = {name: row.values.get(name) for name in ("forecast_date", "actual_date")}
        if project is None:
            project_row = self.in_file[code][1]
            if not (project_row.fields.get("planned_start") and project_row.fields.get("planned_end")):
                self.problem(L.MILESTONES, row, "project",
                             _("The project %(code)s has no schedule yet: give its planned start and completion on the Projects sheet.")
                             % {"code": code})
                return
            changes = {name: value for name, value in dates.items() if value is not None}
            if changes:
                self.plan.milestones.append(MilestoneAction(row.number, code, kind, changes))
            else:
                self.plan.unchanged += 1
            return
        milestone = self.refs.milestones.get((project.pk, kind))
        if milestone is None:
            self.problem(L.MILESTONES, row, "kind", _("The project %(code)s has no milestone “%(kind)s”.")
                         % {"code": code, "kind": kind})
            return
        changes = {name: value for name, value in dates.items() if getattr(milestone, name) != value}
        if changes:
            self.plan.milestones.append(
                MilestoneAction(row.number, code, kind, changes, milestone_id=milestone.pk, version=milestone.version)
            )
        else:
            self.plan.unchanged += 1

    def progress_row(self, row: Row, seen: dict[tuple[str, dt.date], int]) -> None:
        if "project" not in row.values or "period" not in row.values:
            return
        code, period = row.values["project"], row.values["period"]
        if (code, period) in seen:
            self.problem(L.PROGRESS, row, "period", _("This month of the project appears again: it is already on row %(row)s.")
                         % {"row": seen[(code, period)]})
            return
        seen[(code, period)] = row.number
        if period > timezone.localdate():
            self.problem(L.PROGRESS, row, "period", _("A month in the future cannot be reported."))
        figures = {name: row.values.get(name, _default(name)) for name in PROGRESS_FIGURES}
        for name, value in figures.items():
            if name in row.bad or value is None:
                continue
            try:
                ProgressReport._meta.get_field(name).clean(value, None)
            except ValidationError as error:
                for message in error.messages:
                    self.problem(L.PROGRESS, row, name, message)
        usable, project = self.target(L.PROGRESS, row)
        if not usable or row.bad:
            return
        if project is None or project.status not in REPORTING_STATUSES:
            self.problem(L.PROGRESS, row, "project", _("Progress is reported only for projects in implementation."))
            return
        explanation = row.values.get("explanation", "")
        report = self.refs.reports.get((project.pk, period))
        if report is not None and report.explanation == explanation and all(
            getattr(report, name) == value for name, value in figures.items()
        ):
            self.plan.unchanged += 1
            return
        self.plan.progress.append(ProgressAction(row.number, code, period, figures, explanation))


def _default(name: str) -> Any:
    """The value a blank cell stands for: the field's default (0, no, empty text) or nothing."""
    if name in REFERENCE_FIELDS:
        return None
    model_field = (Project if name in PROJECT_FIELDS else ProgressReport)._meta.get_field(name)
    if model_field.has_default():
        return model_field.get_default()
    return None if model_field.null else ""


def _current(project: Project, name: str) -> Any:
    """A project's value of ``name``; the id for a reference, so that nothing is loaded."""
    return getattr(project, f"{name}_id") if name in REFERENCE_FIELDS else getattr(project, name)


def _stored(name: str, value: Any) -> Any:
    return getattr(value, "pk", None) if name in REFERENCE_FIELDS else value


def _differs(current: Any, new: Any) -> bool:
    if isinstance(current, Decimal) and isinstance(new, Decimal):
        return current.compare(new) != 0
    return current != new


def validate_workbook(file: Any, user: Any) -> ImportPlan | list[Problem]:
    """Check an uploaded workbook whole: the plan of what importing it will do, or every problem found.

    Nothing is written. ``file`` is an uploaded file or any binary file object (its ``name``, when it has
    one, must end in ``.xlsx``).
    """
    reader = _Reader(user, str(getattr(file, "name", "") or ""))
    opened = reader.open(file)
    if opened is None:
        return reader.problems
    workbook, archive = opened
    try:
        sheets: dict[str, list[Row]] = {}
        for name, worksheet in reader.sheets(workbook).items():
            rows = reader.rows(name, worksheet)
            if rows is not None:
                reader.merged_rows(name, worksheet, archive)
                sheets[name] = rows
    except DamagedWorkbook:
        return [Problem("", None, "", _("The file is not an Excel workbook (.xlsx) or it is damaged."))]
    finally:
        workbook.close()
        archive.close()
    planner = _Planner(reader, _References.load(sheets))
    for row in sheets.get(L.PROJECTS, []):
        planner.project_row(row)
    seen_milestones: dict[tuple[str, str], int] = {}
    for row in sheets.get(L.MILESTONES, []):
        planner.milestone_row(row, seen_milestones)
    seen_months: dict[tuple[str, dt.date], int] = {}
    for row in sheets.get(L.PROGRESS, []):
        planner.progress_row(row, seen_months)
    if reader.problems:
        return sorted(reader.problems, key=_problem_order)
    planner.plan.progress.sort(key=lambda action: (action.project_code, action.period))
    return planner.plan


def _problem_order(problem: Problem) -> tuple:
    sheet_order = {"": 0, L.PROJECTS: 1, L.MILESTONES: 2, L.PROGRESS: 3}
    return (sheet_order.get(problem.sheet, 9), problem.row or 0, problem.letter.rjust(3))
