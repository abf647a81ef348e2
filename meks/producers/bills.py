"""A project's bill of materials as a workbook: the template the platform hands out, the export, and the import.

The data sheet's header names each column in the user's language followed by its key in brackets
(``Quantity [quantity]``), so a file filled in Kazakh imports the same as one filled in Russian. The export
has the same columns followed by the derived ones (value, domestic match), which the import ignores; an
exported bill can therefore be edited and imported back. The import checks the whole file first and reports
every bad row with its line and reason; only a file with no problem replaces the bill, all of it at once.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meks.core.xlsx import Sheet

from .choices import Unit
from .models import ProductCategory

SHEET = "Bill of materials"
#: Largest file accepted, in bytes, and the largest total size of its unpacked parts (a zip-bomb guard).
MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_UNPACKED_SIZE = 60 * 1024 * 1024
MAX_ROWS = 2000
#: The importable columns: key, label, width.
COLUMNS = (
    ("category", gettext_lazy("Category (code from the reference sheet)"), 26),
    ("description", gettext_lazy("Description"), 50),
    ("quantity", gettext_lazy("Quantity"), 14),
    ("unit", gettext_lazy("Unit (code)"), 12),
    ("estimated_unit_price", gettext_lazy("Estimated unit price, tenge"), 20),
)
#: Columns an export adds after the importable ones.
DERIVED_COLUMNS = (
    ("value", gettext_lazy("Value, tenge"), 20),
    ("matches", gettext_lazy("Domestic products matching"), 14),
    ("best_price", gettext_lazy("Lowest domestic unit price, tenge"), 20),
    ("covered", gettext_lazy("Domestic supply possible"), 14),
)
HEADER = re.compile(r"\[([a-z_]+)\]\s*$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an uploaded file: the row (1 is the header), the column key, the reason."""

    row: int
    column: str
    message: str


def _header(columns) -> list[tuple[str, str, int]]:
    return [(key, f"{label} [{key}]", width) for key, label, width in columns]


def reference_sheet() -> Sheet:
    """The categories and units a bill may use, with their codes."""
    rows = [{"kind": _("category"), "code": category.code, "name": category.name}
            for category in ProductCategory.objects.order_by("order", "code")]
    rows += [{"kind": _("unit"), "code": value, "name": label} for value, label in Unit.choices]
    return Sheet(_("Reference"), [("kind", _("What"), 14), ("code", _("Code"), 24), ("name", _("Name"), 50)], rows)


def template_sheets() -> list[Sheet]:
    """The empty template: the bill's sheet and the reference sheet."""
    return [Sheet(SHEET, _header(COLUMNS), []), reference_sheet()]


def export_sheets(lines) -> list[Sheet]:
    """A bill with its domestic match, in the template's layout (``lines`` from ``selectors.material_lines``)."""
    rows = [{"category": line.category.code, "description": line.description, "quantity": line.quantity,
             "unit": line.unit, "estimated_unit_price": line.estimated_unit_price, "value": line.value,
             "matches": line.matches, "best_price": line.best_price, "covered": _("yes") if line.covered else _("no")}
            for line in lines]
    formats = {"quantity": "#,##0.###", "estimated_unit_price": "#,##0.00", "value": "#,##0.00",
               "best_price": "#,##0.00"}
    return [Sheet(SHEET, _header(COLUMNS + DERIVED_COLUMNS), rows, formats=formats), reference_sheet()]


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def read_bill(file: Any) -> list[dict[str, Any]] | list[Problem]:
    """Check an uploaded bill whole and write nothing: its lines (ready for ``bill_replace``) or every problem."""
    from openpyxl import load_workbook

    size = getattr(file, "size", None)
    if size is not None and size > MAX_FILE_SIZE:
        return [Problem(0, "", _("The file is larger than 5 MB."))]
    try:
        with zipfile.ZipFile(file) as archive:
            if sum(item.file_size for item in archive.infolist()) > MAX_UNPACKED_SIZE:
                return [Problem(0, "", _("The file unpacks to more than the allowed size."))]
        file.seek(0)
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # zipfile.BadZipFile, KeyError, openpyxl errors: not an Excel workbook
        return [Problem(0, "", _("The file is not an Excel workbook (.xlsx)."))]
    sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        match = HEADER.search(str(title or ""))
        if match:
            positions[match.group(1)] = index
    missing = [key for key, _label, _width in COLUMNS if key not in positions]
    if missing:
        workbook.close()
        return [Problem(1, key, _("The column “%(key)s” is missing: use the template.") % {"key": key})
                for key in missing]
    categories = {category.code: category for category in ProductCategory.objects.all()}
    lines: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for number, row in enumerate(rows, start=2):
        values = {key: (row[index] if index < len(row) else None) for key, index in positions.items()}
        if all(values.get(key) in (None, "") for key, _label, _width in COLUMNS):
            continue
        if len(lines) >= MAX_ROWS:
            problems.append(Problem(number, "", _("A bill holds at most %(count)s lines.") % {"count": MAX_ROWS}))
            break
        row_problems = []
        category = categories.get(str(values.get("category") or "").strip())
        if category is None:
            row_problems.append(Problem(number, "category", _("Unknown category code “%(code)s”.")
                                        % {"code": values.get("category") or ""}))
        description = str(values.get("description") or "").strip()
        if not description:
            row_problems.append(Problem(number, "description", _("Describe the material.")))
        elif len(description) > 500:
            row_problems.append(Problem(number, "description", _("The description is longer than 500 characters.")))
        quantity = _number(values.get("quantity"))
        if quantity is None or quantity <= 0:
            row_problems.append(Problem(number, "quantity", _("The quantity must be a positive number.")))
        unit = str(values.get("unit") or "").strip()
        if unit not in Unit.values:
            row_problems.append(Problem(number, "unit", _("Unknown unit “%(code)s”.") % {"code": unit}))
        price = _number(values.get("estimated_unit_price"))
        if price is None or price <= 0:
            row_problems.append(Problem(number, "estimated_unit_price",
                                        _("The estimated unit price must be a positive amount in tenge.")))
        if row_problems:
            problems += row_problems
            continue
        lines.append({"category": category, "description": description, "quantity": quantity, "unit": unit,
                      "estimated_unit_price": price})
    workbook.close()
    if problems:
        return problems
    if not lines:
        return [Problem(0, "", _("The file holds no lines."))]
    return lines
