"""XLSX downloads of the tables pages show: one writer for every module.

openpyxl writes in write-only mode, row by row, into a temporary file the response streams, so an export
of thousands of rows costs flat memory. The header row carries the column labels in the user's language
and is frozen. Numbers stay numbers and dates stay dates, so the figures can be checked with the
spreadsheet's own formulas; text that would read as a formula (``=``, ``+``, ``-``, ``@``) is written as
text, so a name typed by a user can never run in someone else's spreadsheet.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EAF0F4")
#: Number formats by Python type; a sheet may give other ones per column.
FORMATS = {dt.datetime: "dd.mm.yyyy hh:mm", dt.date: "dd.mm.yyyy", Decimal: "#,##0.00##", int: "0"}


class Sheet:
    """One sheet: a title, columns ``(key, label, width)``, rows as mappings by key.

    ``formats`` maps a column key to its number format where the type's default does not fit (money with two
    decimals, volumes with three); ``freeze`` is the top-left cell that stays in view.
    """

    def __init__(self, title: Any, columns: Sequence[tuple[str, Any, int]], rows: Iterable[Mapping[str, Any]],
                 *, formats: Mapping[str, str] | None = None, freeze: str = "A2"):
        self.title = re.sub(r"[\[\]:*?/\\]", "-", str(title))[:31] or "-"
        self.columns = columns
        self.rows = rows
        self.formats = dict(formats or {})
        self.freeze = freeze


def cell(sheet: Any, value: Any, number_format: str | None = None) -> Any:
    """The value to append: plain text and numbers as they are, a styled cell for dates, decimals, formulas."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = timezone.localtime(value).replace(tzinfo=None)
    elif value is not None and not isinstance(value, (bool, int, float, Decimal, dt.date)):
        value = str(value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and not value.startswith(("=", "+", "-", "@")):
        return value
    styled = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        styled.data_type = "s"  # text, never a formula
    elif number_format:
        styled.number_format = number_format
    else:
        for kind, default in FORMATS.items():
            if isinstance(value, kind):
                styled.number_format = default
                break
    return styled


def workbook_response(sheets: Sequence[Sheet], *, name: str) -> FileResponse:
    """The sheets as one workbook, answered as a download named ``meks-<name>-<date>.xlsx``."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title)
        sheet.freeze_panes = spec.freeze
        for index, (_key, _label, width) in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        header = []
        for _key, label, _width in spec.columns:
            title = WriteOnlyCell(sheet, value=str(label))
            title.font, title.fill = HEADER_FONT, HEADER_FILL
            header.append(title)
        sheet.append(header)
        for row in spec.rows:
            sheet.append([cell(sheet, row.get(key), spec.formats.get(key)) for key, _label, _width in spec.columns])
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    workbook.save(handle)
    handle.seek(0)
    filename = f"meks-{name}-{timezone.localdate():%Y-%m-%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
