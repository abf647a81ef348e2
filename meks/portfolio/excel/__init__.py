"""Excel import and export of the portfolio.

* ``write_workbook(user=…)`` — the template the platform hands out: sheets Projects, Milestones and Progress
  (row 1 column keys, row 2 labels in the user's language, lists to choose from) and a Reference sheet of
  the regions, directions, owners and settlements the user may use;
* ``write_workbook(user=…, projects=…)`` — the same layout filled with projects, their milestones and
  progress reports, plus read-only derived columns, so that an export can be edited and imported back;
* ``validate_workbook(file, user)`` — checks an uploaded file whole and writes nothing: an ``ImportPlan``
  or the list of every ``Problem`` (sheet, row, column, reason);
* ``apply_plan(plan, user=…)`` — carries the plan out through the services in one transaction, or reports
  the services' refusals and writes nothing;
* ``import_workbook(file, user=…)`` — both in turn.
"""

from __future__ import annotations

from typing import Any

from .apply import ImportResult, apply_plan
from .layout import COLUMNS, DATA_SHEETS, DERIVED_COLUMNS, MAX_FILE_SIZE, MAX_ROWS, REFERENCE, column_keys
from .reader import ImportPlan, Problem, validate_workbook
from .writer import export_filename, template_filename, write_workbook

__all__ = [
    "COLUMNS",
    "DATA_SHEETS",
    "DERIVED_COLUMNS",
    "MAX_FILE_SIZE",
    "MAX_ROWS",
    "REFERENCE",
    "ImportPlan",
    "ImportResult",
    "Problem",
    "apply_plan",
    "column_keys",
    "export_filename",
    "import_workbook",
    "template_filename",
    "validate_workbook",
    "write_workbook",
]


def import_workbook(file: Any, *, user: Any) -> ImportResult | list[Problem]:
    """Check ``file`` whole, then write it through the services: the result, or every problem and no change."""
    plan = validate_workbook(file, user)
    if isinstance(plan, list):
        return plan
    return apply_plan(plan, user=user)
