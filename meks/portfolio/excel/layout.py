"""The layout of the portfolio workbook: its sheets, their columns, and what each column holds.

Row 1 of each data sheet holds the column keys (the import checks them), row 2 their labels in the user's
language (the import skips it), and data starts on row 3. Derived columns of an export follow the importable
ones; the import ignores them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from ..choices import MilestoneKind, ProjectType
from ..models import Milestone, ProgressReport, Project
from ..readiness import READINESS_FIELDS

PROJECTS = "Projects"
MILESTONES = "Milestones"
PROGRESS = "Progress"
REFERENCE = "Reference"
DATA_SHEETS = (PROJECTS, MILESTONES, PROGRESS)

HEADER_ROW = 1
LABEL_ROW = 2
FIRST_DATA_ROW = 3
#: Data rows allowed per sheet.
MAX_ROWS = 5000
#: Largest file accepted, in bytes.
MAX_FILE_SIZE = 5 * 1024 * 1024
#: Largest total size of the workbook's unpacked parts, in bytes (a guard against zip bombs).
MAX_UNPACKED_SIZE = 100 * 1024 * 1024

# What a column holds; each kind has one parser in reader.py.
TEXT = "text"
DECIMAL = "decimal"
INTEGER = "integer"
DATE = "date"
MONTH = "month"
YES_NO = "yes_no"
CHOICE = "choice"
DIRECTION = "direction"
REGION = "region"
SETTLEMENT = "settlement"
OWNER = "owner"
USER = "user"
PROJECT = "project"

YES = "yes"
NO = "no"


def _label(model, name: str, hint=None):
    """The label of a column: the model field's name, with a hint on how to fill it in."""
    verbose = capfirst(model._meta.get_field(name).verbose_name)
    return verbose if hint is None else format_lazy("{} ({})", verbose, hint)


@dataclass(frozen=True)
class Column:
    """One column of a data sheet."""

    key: str
    kind: str
    label: object
    required: bool = False
    choices: tuple[str, ...] = ()
    width: int = 14


def _project_columns() -> tuple[Column, ...]:
    def field(name: str, kind: str, hint=None, **kwargs) -> Column:
        return Column(name, kind, _label(Project, name, hint), **kwargs)

    columns = [
        field("code", TEXT, required=True, width=16),
        field("title_ru", TEXT, required=True, width=40),
        field("title_kk", TEXT, width=40),
        field("description", TEXT, width=40),
        field("direction", DIRECTION, _("code"), required=True),
        field("project_type", CHOICE, _("code"), required=True, choices=tuple(ProjectType.values), width=16),
        field("region", REGION, _("KATO"), required=True, width=10),
        field("settlement", SETTLEMENT, _("KATO"), width=12),
        field("owner", OWNER, _("BIN"), required=True),
        field("responsible", USER, _("login"), required=True, width=18),
        field("cost_estimate", DECIMAL, required=True, width=18),
        field("planned_km_heat", DECIMAL),
        field("planned_km_power", DECIMAL),
        field("planned_km_water", DECIMAL),
        field("planned_km_sewer", DECIMAL),
        field("planned_mw", DECIMAL),
        field("planned_equipment_units", INTEGER),
        field("people_served", INTEGER),
        field("wear_before", DECIMAL),
        field("wear_after", DECIMAL),
        field("planned_start", DATE, _("YYYY-MM-DD")),
        field("planned_end", DATE, _("YYYY-MM-DD")),
    ]
    columns += [field(name, YES_NO, _("yes/no"), choices=(YES, NO), width=10) for name in READINESS_FIELDS]
    return tuple(columns)


def _milestone_columns() -> tuple[Column, ...]:
    return (
        Column("project", PROJECT, _label(Milestone, "project", _("code")), required=True, width=16),
        Column("kind", CHOICE, _label(Milestone, "kind", _("code")), required=True,
               choices=tuple(MilestoneKind.values), width=18),
        Column("forecast_date", DATE, _label(Milestone, "forecast_date", _("YYYY-MM-DD"))),
        Column("actual_date", DATE, _label(Milestone, "actual_date", _("YYYY-MM-DD"))),
    )


def _progress_columns() -> tuple[Column, ...]:
    def field(name: str, kind: str, hint=None, **kwargs) -> Column:
        return Column(name, kind, _label(ProgressReport, name, hint), **kwargs)

    return (
        field("project", PROJECT, _("code"), required=True, width=16),
        field("period", MONTH, _("YYYY-MM"), required=True, width=10),
        field("completion_percent", DECIMAL, required=True),
        field("km_heat", DECIMAL),
        field("km_power", DECIMAL),
        field("km_water", DECIMAL),
        field("km_sewer", DECIMAL),
        field("equipment_installed", INTEGER),
        field("mw_commissioned", DECIMAL),
        field("spent", DECIMAL, width=18),
        field("explanation", TEXT, width=40),
    )


COLUMNS: dict[str, tuple[Column, ...]] = {
    PROJECTS: _project_columns(),
    MILESTONES: _milestone_columns(),
    PROGRESS: _progress_columns(),
}

#: Read-only columns an export adds after the importable ones; the import accepts and ignores them.
DERIVED_COLUMNS: dict[str, tuple[Column, ...]] = {
    PROJECTS: (
        Column("status", TEXT, _label(Project, "status"), width=18),
        Column("lag_days", INTEGER, _("Lag, days")),
        Column("readiness_count", INTEGER, _("Readiness, of 6")),
        Column("confidence", TEXT, _("Delivery confidence"), width=16),
    ),
    MILESTONES: (
        Column("baseline_date", DATE, _label(Milestone, "baseline_date")),
        Column("lag_days", INTEGER, _("Lag, days")),
    ),
    PROGRESS: (),
}


def column_keys(sheet: str) -> tuple[str, ...]:
    """The keys of a sheet's importable columns, in order."""
    return tuple(column.key for column in COLUMNS[sheet])


def column_letter(sheet: str, key: str) -> str:
    """The letter of the column ``key`` of ``sheet`` (importable or derived), or an empty string."""
    from openpyxl.utils import get_column_letter

    keys = [column.key for column in (*COLUMNS.get(sheet, ()), *DERIVED_COLUMNS.get(sheet, ()))]
    return get_column_letter(keys.index(key) + 1) if key in keys else ""
