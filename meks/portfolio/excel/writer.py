"""Write the portfolio workbook: the empty template, or an export of projects in the same layout.

Both are written by openpyxl in write-only mode, row by row, into a temporary file that the view streams;
memory stays flat whatever the number of projects. The queries are a fixed few: projects, their
milestones, their progress reports, and the reference lists.
"""

from __future__ import annotations

import tempfile
from itertools import zip_longest
from typing import IO, Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization
from meks.core.access import Role, scope_of
from meks.territory.models import Region, Settlement

from ..choices import DeliveryConfidence, MilestoneKind, ProjectType
from ..models import Direction, Milestone, ProgressReport, Project
from ..readiness import READINESS_FIELDS
from ..schedule import milestone_lag_expression
from ..selectors import REGION_EDITORS
from . import layout as L

#: Kinds of organization that carry out projects.
OWNER_KINDS = (OrganizationKind.UTILITY, OrganizationKind.AKIMAT)
#: Where the lists of the Reference sheet stand: each block's first column and its column keys.
REFERENCE_BLOCKS = {
    "region": ("A", ("region_kato", "region_name")),
    "direction": ("D", ("direction_code", "direction_name")),
    "owner": ("G", ("owner_bin", "owner_id", "owner_name")),
    "settlement": ("K", ("settlement_kato", "settlement_name", "settlement_region")),
    "project_type": ("O", ("project_type", "project_type_name")),
    "milestone_kind": ("R", ("milestone_kind", "milestone_kind_name")),
}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EAF0F4")
LABEL_FONT = Font(italic=True, color="4A5A66")
DERIVED_FILL = PatternFill("solid", fgColor="F3F3F3")
CONFIDENCE_LABELS = dict(DeliveryConfidence.choices)
NUMBER_FORMATS = {L.DECIMAL: "#,##0.00", L.INTEGER: "0", L.DATE: "yyyy-mm-dd"}
TEXT_FORMAT = "@"


# --- what the user may use ---------------------------------------------------------------------------------


def usable_regions(*, user: Any) -> QuerySet[Region]:
    """Regions where the user registers or edits projects (a utility: those its role covers)."""
    return Region.objects.filter(scope_of(user).region_filter("pk", *REGION_EDITORS, Role.UTILITY)).order_by("kato")


def usable_owners(*, user: Any) -> QuerySet[Organization]:
    """Organizations the user may name as a project's owner."""
    scope = scope_of(user)
    allowed = Q(pk__in=[])
    if scope.has_role(*REGION_EDITORS):
        allowed |= scope.region_filter("region_id", *REGION_EDITORS) & Q(kind__in=OWNER_KINDS, is_active=True)
    if scope.has_role(Role.UTILITY) and scope.organization_id:
        allowed |= Q(pk=scope.organization_id)
    return Organization.objects.filter(allowed).order_by("name_ru", "pk")


def usable_settlements(*, user: Any) -> QuerySet[Settlement]:
    """Settlements of the usable regions."""
    return Settlement.objects.filter(region__in=usable_regions(user=user)).select_related("region").order_by("kato")


# --- cells -------------------------------------------------------------------------------------------------


def _cell(ws: Any, value: Any, number_format: str | None = None, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    if number_format:
        cell.number_format = number_format
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _format(column: L.Column) -> str | None:
    if column.kind in {L.REGION, L.SETTLEMENT, L.OWNER, L.DIRECTION, L.USER, L.PROJECT, L.TEXT, L.MONTH}:
        return TEXT_FORMAT
    return NUMBER_FORMATS.get(column.kind)


def _yes_no(value: bool) -> str:
    return L.YES if value else L.NO


def _start_sheet(ws: Any, sheet: str, with_derived: bool) -> list[L.Column]:
    columns = list(L.COLUMNS[sheet]) + (list(L.DERIVED_COLUMNS[sheet]) if with_derived else [])
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"A{L.FIRST_DATA_ROW}"
    derived = {column.key for column in L.DERIVED_COLUMNS[sheet]}
    ws.append([_cell(ws, column.key, font=HEADER_FONT, fill=DERIVED_FILL if column.key in derived else HEADER_FILL)
               for column in columns])
    ws.append([_cell(ws, str(column.label), font=LABEL_FONT, alignment=Alignment(wrap_text=True, vertical="top"))
               for column in columns])
    return columns


def _data_row(ws: Any, columns: list[L.Column], values: list[Any]) -> list[WriteOnlyCell]:
    return [_cell(ws, value, _format(column)) for column, value in zip(columns, values, strict=True)]


def _validation(ws: Any, sheet: str, key: str, formula: str, message: str) -> None:
    letter = L.column_letter(sheet, key)
    rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                          error=message, errorTitle=_("Not in the list"))
    rule.add(f"{letter}{L.FIRST_DATA_ROW}:{letter}{L.FIRST_DATA_ROW + L.MAX_ROWS - 1}")
    ws.data_validations.append(rule)


def _reference_range(block: str, count: int) -> str:
    letter = REFERENCE_BLOCKS[block][0]
    return f"{L.REFERENCE}!${letter}${L.FIRST_DATA_ROW}:${letter}${L.FIRST_DATA_ROW + count - 1}"


# --- the workbook ------------------------------------------------------------------------------------------


def _reference_lists(user: Any) -> dict[str, list[tuple]]:
    return {
        "region": [(region.kato, region.name) for region in usable_regions(user=user)],
        "direction": [(direction.code, direction.name) for direction in Direction.objects.order_by("order", "code")],
        "owner": [(owner.bin or "", owner.pk, owner.name) for owner in usable_owners(user=user)],
        "settlement": [(s.kato, s.name, s.region.kato) for s in usable_settlements(user=user)],
        "project_type": [(value, str(label)) for value, label in ProjectType.choices],
        "milestone_kind": [(value, str(label)) for value, label in MilestoneKind.choices],
    }


def _write_reference(ws: Any, lists: dict[str, list[tuple]]) -> None:
    labels = {
        "region_kato": _("Region KATO"), "region_name": _("Region"),
        "direction_code": _("Direction code"), "direction_name": _("Direction"),
        "owner_bin": _("Owner's BIN"), "owner_id": _("Owner's number"), "owner_name": _("Owner"),
        "settlement_kato": _("Settlement KATO"), "settlement_name": _("Settlement"),
        "settlement_region": _("Region KATO"),
        "project_type": _("Project type code"), "project_type_name": _("Project type"),
        "milestone_kind": _("Milestone code"), "milestone_kind_name": _("Milestone"),
    }
    width = max(ord(letter) - ord("A") + len(keys) for letter, keys in REFERENCE_BLOCKS.values())
    header: list[Any] = [None] * width
    label_row: list[Any] = [None] * width
    for letter, keys in REFERENCE_BLOCKS.values():
        start = ord(letter) - ord("A")
        for offset, key in enumerate(keys):
            header[start + offset] = _cell(ws, key, font=HEADER_FONT, fill=HEADER_FILL)
            label_row[start + offset] = _cell(ws, labels[key], font=LABEL_FONT)
            ws.column_dimensions[get_column_letter(start + offset + 1)].width = 40 if key.endswith("name") else 16
    ws.append(header)
    ws.append(label_row)
    blocks = [(ord(REFERENCE_BLOCKS[name][0]) - ord("A"), rows) for name, rows in lists.items()]
    for entries in zip_longest(*(rows for _start, rows in blocks)):
        row: list[Any] = [None] * width
        for (start, _rows), entry in zip(blocks, entries, strict=True):
            if entry is None:
                continue
            for offset, value in enumerate(entry):
                row[start + offset] = _cell(ws, value, TEXT_FORMAT if isinstance(value, str) else None)
        ws.append(row)


def _add_validations(sheets: dict[str, Any], lists: dict[str, list[tuple]]) -> None:
    not_listed = _("Choose a value from the list (see the Reference sheet).")
    for key, block in (("direction", "direction"), ("region", "region"), ("owner", "owner")):
        if lists[block]:
            _validation(sheets[L.PROJECTS], L.PROJECTS, key, _reference_range(block, len(lists[block])), not_listed)
    _validation(sheets[L.PROJECTS], L.PROJECTS, "project_type", f'"{",".join(ProjectType.values)}"', not_listed)
    for name in READINESS_FIELDS:
        _validation(sheets[L.PROJECTS], L.PROJECTS, name, f'"{L.YES},{L.NO}"', not_listed)
    _validation(sheets[L.MILESTONES], L.MILESTONES, "kind", f'"{",".join(MilestoneKind.values)}"', not_listed)


def _project_values(project: Project) -> list[Any]:
    values = [
        project.code, project.title_ru, project.title_kk, project.description, project.direction.code,
        project.project_type, project.region.kato, project.settlement.kato if project.settlement_id else None,
        project.owner.bin, project.responsible.username, project.cost_estimate, project.planned_km_heat,
        project.planned_km_power, project.planned_km_water, project.planned_km_sewer, project.planned_mw,
        project.planned_equipment_units, project.people_served, project.wear_before, project.wear_after,
        project.planned_start, project.planned_end,
    ]
    values += [_yes_no(getattr(project, name)) for name in READINESS_FIELDS]
    values += [project.get_status_display(), project.lag_days, project.readiness_count,
               str(CONFIDENCE_LABELS.get(project.confidence, project.confidence or ""))]
    return values


def _save(workbook: Workbook) -> IO[bytes]:
    target = tempfile.TemporaryFile()  # noqa: SIM115 the caller streams and closes it
    workbook.save(target)
    target.seek(0)
    return target


def write_workbook(*, user: Any, projects: QuerySet[Project] | None = None) -> IO[bytes]:
    """The template (``projects`` None) or an export of ``projects`` with their milestones and reports.

    Returns an open binary file positioned at its start; the caller closes it.
    """
    workbook = Workbook(write_only=True)
    lists = _reference_lists(user)
    exporting = projects is not None
    sheets = {name: workbook.create_sheet(name) for name in L.DATA_SHEETS}
    columns = {name: _start_sheet(sheets[name], name, exporting) for name in L.DATA_SHEETS}
    if exporting:
        ws = sheets[L.PROJECTS]
        for project in projects.select_related("settlement").iterator(chunk_size=500):
            ws.append(_data_row(ws, columns[L.PROJECTS], _project_values(project)))
        chosen = projects.values("pk")
        ws = sheets[L.MILESTONES]
        milestones = (
            Milestone.objects.filter(project__in=chosen).select_related("project")
            .annotate(lag_days=milestone_lag_expression()).order_by("project__code", "order")
        )
        for milestone in milestones.iterator(chunk_size=2000):
            ws.append(_data_row(ws, columns[L.MILESTONES], [
                milestone.project.code, milestone.kind, milestone.forecast_date, milestone.actual_date,
                milestone.baseline_date, milestone.lag_days,
            ]))
        ws = sheets[L.PROGRESS]
        reports = ProgressReport.objects.filter(project__in=chosen).select_related("project").order_by(
            "project__code", "period")
        for report in reports.iterator(chunk_size=2000):
            ws.append(_data_row(ws, columns[L.PROGRESS], [
                report.project.code, f"{report.period:%Y-%m}", report.completion_percent, report.km_heat,
                report.km_power, report.km_water, report.km_sewer, report.equipment_installed,
                report.mw_commissioned, report.spent, report.explanation,
            ]))
    _write_reference(workbook.create_sheet(L.REFERENCE), lists)
    _add_validations(sheets, lists)
    return _save(workbook)


def template_filename() -> str:
    """The name of the downloaded template."""
    return "meks-portfolio-template.xlsx"


def export_filename() -> str:
    """The name of a downloaded export, with today's date."""
    return f"meks-projects-{timezone.localdate():%Y-%m-%d}.xlsx"
