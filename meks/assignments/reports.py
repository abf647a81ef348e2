"""The report of assignment execution as of a date: an Excel workbook and a PDF, in the user's language.

Both are made from one set of figures read through the selectors, so they always show what the pages
show to the same user on the same date: the summary, every visible assignment, the overdue deadlines and
the discipline ranking by organization and by official. The workbook is written by openpyxl in
write-only mode; the PDF by WeasyPrint from ``assignments/report_pdf.html`` with the vendored Noto Sans
embedded, so Kazakh letters render whatever fonts the server has.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from meks.core.access import Role, scope_of

from . import selectors
from .selectors import DisciplineRow

#: The workbook's sheets (fixed names, like the portfolio's, so that formulas and macros can rely on them).
SUMMARY, ASSIGNMENTS, OVERDUE, RANKING = "Summary", "Assignments", "Overdue", "Ranking"
#: The vendored Noto Sans files, each under its own family name, and the characters each covers (as in
#: ``css/meks.css``). One family name for all three would break the PDF: WeasyPrint keys embedded fonts by
#: family and weight, so glyphs of the Cyrillic file would be drawn from the Latin one.
FONT_FACES = (
    ("MEKS Noto Sans Latin", "vendor/noto-sans/noto-sans-latin-wght-normal.woff2",
     "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, U+0329, "
     "U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD"),
    ("MEKS Noto Sans Cyrillic", "vendor/noto-sans/noto-sans-cyrillic-wght-normal.woff2", "U+0301, U+0400-045F, U+0490-0491, U+04B0-04B1, U+2116"),
    ("MEKS Noto Sans Cyrillic Ext", "vendor/noto-sans/noto-sans-cyrillic-ext-wght-normal.woff2",
     "U+0460-052F, U+1C80-1C8A, U+20B4, U+2DE0-2DFF, U+A640-A69F, U+FE2E-FE2F"),
)

SKY_DARK = "006F88"
SKY_PALE = "E6F6FA"
DANGER = "B3261E"
TITLE_FONT = Font(bold=True, size=14, color=SKY_DARK)
SECTION_FONT = Font(bold=True, size=12, color=SKY_DARK)
LABEL_FONT = Font(italic=True, color="4A5A69")
HEADER_FONT = Font(bold=True, color="0C3447")
HEADER_FILL = PatternFill("solid", fgColor=SKY_PALE)
HEADER_BORDER = Border(bottom=Side(style="medium", color="00A3C4"))
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
OVERDUE_FONT = Font(bold=True, color=DANGER)
DATE_FORMAT = "dd.mm.yyyy"
PERCENT_FORMAT = "0.0%"
DELAY_FORMAT = "0.0"


# --- the figures ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentRow:
    """One assignment as the report lists it."""

    label: str
    meeting: str
    meeting_number: str
    meeting_date: dt.date
    meeting_title: str
    item: str
    text: str
    executor: str
    official: str
    due: dt.date | None
    monthly_day: int | None
    status: str
    overdue_count: int
    overdue_days: int


@dataclass(frozen=True)
class OverdueRow:
    """One open deadline past its date."""

    label: str
    meeting: str
    text: str
    executor: str
    official: str
    period: dt.date | None
    due_date: dt.date
    days: int


@dataclass(frozen=True)
class ExecutionReport:
    """Everything the report shows, read in the language active when it was collected."""

    on: dt.date
    language: str
    generated_at: dt.datetime
    prepared_for: str
    scope: str
    summary: dict[str, Any]
    assignments: list[AssignmentRow]
    overdue: list[OverdueRow]
    by_organization: list[DisciplineRow]
    by_official: list[DisciplineRow]

    @property
    def title(self) -> str:
        return _("Report on the execution of assignments")

    @property
    def indicators(self) -> list[tuple[str, int, bool]]:
        """The summary figures as (label, value, is an alarm)."""
        figures = [(_("Assignments under control"), self.summary["total"], False)]
        figures += [(str(entry["label"]), entry["count"], False) for entry in self.summary["by_status"]]
        figures += [
            (_("Overdue deadlines"), self.summary["overdue"], self.summary["overdue"] > 0),
            (_("Deadlines due within 14 days"), self.summary["due_soon"], False),
            (_("Deadlines met on time"), self.summary["met_on_time"], False),
            (_("Deadlines met late"), self.summary["met_late"], False),
        ]
        return figures


def _ranking_note() -> str:
    return _("A deadline counts once it has come due or been met. Executors are ranked by the share met on time, "
             "then by fewest overdue, then by the smallest average delay.")


def _meeting_label(meeting: Any) -> str:
    return f"{meeting.protocol_number or meeting.pk}, {meeting.date:%d.%m.%Y}"


def _scope_label(user: Any) -> str:
    scope = scope_of(user)
    if scope.has_role(Role.PROJECT_OFFICE):
        return _("All assignments (project office)")
    organization = getattr(user, "organization", None)
    name = organization.name if organization is not None else ""
    return _("Assignments of %(organization)s and of meetings it controls") % {"organization": name}


def collect(*, user: Any, on: dt.date) -> ExecutionReport:
    """Read the report's figures for ``user`` as of ``on``, in the active language (a fixed few queries)."""
    assignments = []
    executor_of_official: dict[int, str] = {}
    listed = selectors.assignment_list(user=user, on=on).annotate(last_due=Max("deadlines__due_date"))
    for assignment in listed.order_by("meeting__date", "meeting__pk", "item_number"):
        meeting = assignment.meeting
        assignments.append(AssignmentRow(
            label=str(assignment), meeting=_meeting_label(meeting),
            meeting_number=meeting.protocol_number or str(meeting.pk), meeting_date=meeting.date,
            meeting_title=meeting.title, item=assignment.item_number, text=assignment.text,
            executor=assignment.lead_executor.name, official=assignment.lead_official.get_full_name(),
            due=assignment.next_due or assignment.last_due, monthly_day=assignment.recurrence_day,
            status=assignment.get_status_display(), overdue_count=assignment.overdue_count,
            overdue_days=assignment.worst_delay,
        ))
        executor_of_official[assignment.lead_official_id] = assignment.lead_executor.name
    overdue = [
        OverdueRow(
            label=str(deadline.assignment), meeting=_meeting_label(deadline.assignment.meeting),
            text=deadline.assignment.text, executor=deadline.assignment.lead_executor.name,
            official=deadline.assignment.lead_official.get_full_name(), period=deadline.period,
            due_date=deadline.due_date, days=deadline.days_overdue,
        )
        for deadline in selectors.overdue_deadlines(user=user, on=on)
    ]
    return ExecutionReport(
        on=on, language=translation.get_language() or "ru", generated_at=timezone.localtime(),
        prepared_for=user.get_full_name(), scope=_scope_label(user),
        summary=selectors.assignment_summary(user=user, on=on), assignments=assignments, overdue=overdue,
        by_organization=selectors.discipline_ranking(user=user, on=on, by="organization"),
        # The ranking gives an official's organization in Russian; the report names it in its own language.
        by_official=[replace(row, organization=executor_of_official.get(row.key, row.organization))
                     for row in selectors.discipline_ranking(user=user, on=on, by="official")],
    )


# --- the workbook --------------------------------------------------------------------------------------------


def _cell(ws: Any, value: Any, number_format: str | None = None, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    if number_format:
        cell.number_format = number_format
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _date(ws: Any, value: dt.date | None) -> WriteOnlyCell:
    return _cell(ws, value, DATE_FORMAT, alignment=TOP)


def _text(ws: Any, value: str, wrap: bool = False) -> WriteOnlyCell:
    return _cell(ws, value, alignment=WRAP if wrap else TOP)


def _number(ws: Any, value: Any, number_format: str | None = None, alarm: bool = False) -> WriteOnlyCell:
    style: dict[str, Any] = {"alignment": TOP}
    if alarm:
        style["font"] = OVERDUE_FONT
    return _cell(ws, value, number_format, **style)


def _heading(ws: Any, report: ExecutionReport, subtitle: str) -> None:
    """The title, the date as a real date, and what the sheet shows (rows 1 to 3)."""
    ws.append([_cell(ws, report.title, font=TITLE_FONT)])
    ws.append([_cell(ws, _("Report date"), font=LABEL_FONT), _cell(ws, report.on, DATE_FORMAT, font=Font(bold=True),
                                                             alignment=Alignment(horizontal="left"))])
    ws.append([_cell(ws, subtitle, font=SECTION_FONT)])


def _header(ws: Any, labels: list[str]) -> None:
    ws.append([_cell(ws, label, font=HEADER_FONT, fill=HEADER_FILL, border=HEADER_BORDER,
                     alignment=HEADER_ALIGNMENT) for label in labels])


def _widths(ws: Any, widths: list[float]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _write_summary(ws: Any, report: ExecutionReport) -> None:
    _widths(ws, [46, 16])
    ws.freeze_panes = "A6"
    _heading(ws, report, _("Summary figures"))
    ws.append([_cell(ws, _("Prepared for"), font=LABEL_FONT), _text(ws, report.prepared_for)])
    _header(ws, [_("Indicator"), _("Value")])
    for label, value, alarm in report.indicators:
        ws.append([_text(ws, label), _number(ws, value, "0", alarm=alarm)])
    ws.append([])
    ws.append([_cell(ws, _("Scope"), font=LABEL_FONT), _text(ws, report.scope)])
    ws.append([_cell(ws, _("Generated"), font=LABEL_FONT),
               _cell(ws, report.generated_at.replace(tzinfo=None), "dd.mm.yyyy hh:mm", alignment=Alignment(horizontal="left"))])


def _write_assignments(ws: Any, report: ExecutionReport) -> None:
    _widths(ws, [20, 9, 60, 34, 28, 13, 22, 11])
    ws.freeze_panes = "A5"
    _heading(ws, report, _("Assignments under control"))
    _header(ws, [_("Meeting"), _("Item"), _("Assignment"), _("Lead executor"), _("Responsible official"),
                 _("Deadline / next due"), _("Status"), _("Days overdue")])
    for row in report.assignments:
        ws.append([
            _text(ws, row.meeting), _text(ws, row.item), _text(ws, row.text, wrap=True), _text(ws, row.executor, wrap=True),
            _text(ws, row.official, wrap=True), _date(ws, row.due), _text(ws, row.status, wrap=True),
            _number(ws, row.overdue_days or None, "0", alarm=bool(row.overdue_days)),
        ])


def _write_overdue(ws: Any, report: ExecutionReport) -> None:
    _widths(ws, [16, 60, 34, 28, 13, 12, 11])
    ws.freeze_panes = "A5"
    _heading(ws, report, _("Overdue deadlines"))
    _header(ws, [_("Assignment"), _("Text"), _("Lead executor"), _("Responsible official"), _("Due date"),
                 _("Reporting month"), _("Days overdue")])
    for row in report.overdue:
        ws.append([
            _text(ws, row.label), _text(ws, row.text, wrap=True), _text(ws, row.executor, wrap=True),
            _text(ws, row.official, wrap=True), _date(ws, row.due_date),
            _cell(ws, row.period, "mm.yyyy", alignment=TOP), _number(ws, row.days, "0", alarm=True),
        ])


def _ranking_rows(ws: Any, rows: list[DisciplineRow], with_organization: bool) -> None:
    for row in rows:
        cells = [_number(ws, row.rank, "0"), _text(ws, row.name, wrap=True), _number(ws, row.due, "0"),
                 _number(ws, row.on_time, "0"), _number(ws, row.late, "0"),
                 _number(ws, row.overdue, "0", alarm=row.overdue > 0), _number(ws, row.average_delay, DELAY_FORMAT),
                 _number(ws, row.share_on_time, PERCENT_FORMAT)]
        if with_organization:
            cells.append(_text(ws, row.organization, wrap=True))
        ws.append(cells)


def _write_ranking(ws: Any, report: ExecutionReport) -> None:
    _widths(ws, [7, 44, 11, 10, 10, 10, 12, 11, 44])
    ws.freeze_panes = "A4"
    _heading(ws, report, _("Discipline of execution"))
    numbers = [_("Deadlines come due"), _("On time"), _("Met late"), _("Overdue"), _("Average delay, days"),
               _("Share on time")]
    ws.append([_cell(ws, _("By organization (lead executor)"), font=SECTION_FONT)])
    _header(ws, [_("Rank"), _("Organization"), *numbers])
    _ranking_rows(ws, report.by_organization, with_organization=False)
    ws.append([])
    ws.append([_cell(ws, _("By responsible official"), font=SECTION_FONT)])
    _header(ws, [_("Rank"), _("Official"), *numbers, _("Organization")])
    _ranking_rows(ws, report.by_official, with_organization=True)
    ws.append([])
    ws.append([_cell(ws, _ranking_note(), font=LABEL_FONT)])


def write_xlsx(report: ExecutionReport) -> bytes:
    """The workbook of ``report``: sheets Summary, Assignments, Overdue and Ranking."""
    workbook = Workbook(write_only=True)
    _write_summary(workbook.create_sheet(SUMMARY), report)
    _write_assignments(workbook.create_sheet(ASSIGNMENTS), report)
    _write_overdue(workbook.create_sheet(OVERDUE), report)
    _write_ranking(workbook.create_sheet(RANKING), report)
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


def execution_report_xlsx(*, user: Any, on: dt.date, language: str | None = None) -> bytes:
    """The report as an Excel workbook, in ``language`` (the active one by default)."""
    with translation.override(language or translation.get_language()):
        return write_xlsx(collect(user=user, on=on))


# --- the PDF -------------------------------------------------------------------------------------------------


def font_faces() -> list[dict[str, str]]:
    """The vendored Noto Sans faces: family, file URL and unicode range (files not found are left out)."""
    faces = []
    for family, name, unicode_range in FONT_FACES:
        found = finders.find(name)
        if found:
            faces.append({"family": family, "url": Path(found).resolve().as_uri(), "unicode_range": unicode_range})
    return faces


def render_html(report: ExecutionReport) -> str:
    """The report's HTML for WeasyPrint."""
    ondate = format_html('<strong class="ondate">{}</strong>', date_format(report.on, "DATE_FORMAT"))
    return render_to_string("assignments/report_pdf.html", {
        "report": report, "font_faces": font_faces(), "language": report.language, "ondate": ondate,
        "ranking_tables": [
            (_("By organization (lead executor)"), [(row, row.share_on_time * 100) for row in report.by_organization], False),
            (_("By responsible official"), [(row, row.share_on_time * 100) for row in report.by_official], True),
        ],
        "ranking_note": _ranking_note(),
    })


def write_pdf(report: ExecutionReport) -> bytes:
    """The report as a PDF; needs WeasyPrint and the system's Pango."""
    from weasyprint import HTML  # imported here: loading Pango is slow and may fail where it is not installed

    return HTML(string=render_html(report)).write_pdf()


def execution_report_pdf(*, user: Any, on: dt.date, language: str) -> bytes:
    """The report as an A4 PDF in ``language``."""
    with translation.override(language):
        return write_pdf(collect(user=user, on=on))


def filename(on: dt.date, extension: str) -> str:
    """The downloaded file's name, with the report's date."""
    return f"meks-assignments-report-{on:%Y-%m-%d}.{extension}"
