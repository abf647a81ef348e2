"""Carry out a checked import plan through the portfolio's services, all of it or nothing.

Projects first (registered through ``project_create``, changed through ``project_update`` against the
version read when the file was checked), then milestones (``milestone_update``), then progress reports
(``progress_report_submit``, month by month). Each row runs in its own savepoint so that every refusal is
reported; if any service refuses, the whole import is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from ..models import Milestone, Project
from ..services import milestone_update, progress_report_submit, project_create, project_update
from . import layout as L
from .reader import ImportPlan, Problem


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    created: int
    updated: int
    milestones: int
    reports: int
    unchanged: int

    @property
    def summary(self) -> str:
        """One sentence for the user."""
        return _(
            "The file was imported: %(created)s projects registered, %(updated)s changed, %(milestones)s milestones "
            "and %(reports)s progress reports recorded; %(unchanged)s rows were already up to date."
        ) % {"created": self.created, "updated": self.updated, "milestones": self.milestones,
             "reports": self.reports, "unchanged": self.unchanged}


class _RollBack(Exception):
    """Raised to undo the whole import once a service has refused a row."""


def _refusal(sheet: str, row: int, error: Exception, columns: tuple[str, ...]) -> list[Problem]:
    if isinstance(error, DatabaseError):
        return [Problem(sheet, row, "", _("The row conflicts with a record saved meanwhile; check the file again."))]
    problems = []
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            column = name if name in columns else ""
            letter = L.column_letter(sheet, column)
            problems += [Problem(sheet, row, column, message, letter) for message in messages]
    else:
        problems += [Problem(sheet, row, "", message) for message in error.messages]
    return problems


def apply_plan(plan: ImportPlan, *, user: Any) -> ImportResult | list[Problem]:
    """Write what ``plan`` says as ``user``: the result, or the services' refusals (and nothing written)."""
    reason = _("Imported from the file %(name)s") % {"name": plan.file_name or "—"}
    problems: list[Problem] = []
    failed: set[str] = set()

    def attempt(sheet: str, row: int, write) -> bool:
        try:
            with transaction.atomic():
                write()
        except (ValidationError, DatabaseError) as error:
            problems.extend(_refusal(sheet, row, error, L.column_keys(sheet)))
            return False
        return True

    try:
        with transaction.atomic():
            for action in plan.projects:
                if action.project_id is None:
                    done = attempt(L.PROJECTS, action.row,
                                   lambda action=action: project_create(actor=user, reason=reason, **action.fields))
                else:
                    done = attempt(L.PROJECTS, action.row, lambda action=action: project_update(
                        actor=user, project=Project.objects.get(pk=action.project_id),
                        expected_version=action.version, reason=reason, **action.fields))
                if not done:
                    failed.add(action.code)
            for action in plan.milestones:
                if action.project_code in failed:
                    continue

                def record(action=action) -> None:
                    if action.milestone_id is None:
                        milestone = Milestone.objects.select_related("project").get(
                            project__code=action.project_code, kind=action.kind)
                        version = milestone.version
                    else:
                        milestone = Milestone.objects.select_related("project").get(pk=action.milestone_id)
                        version = action.version
                    milestone_update(actor=user, milestone=milestone, expected_version=version, reason=reason,
                                     **action.changes)

                attempt(L.MILESTONES, action.row, record)
            for action in plan.progress:
                if action.project_code in failed:
                    continue
                attempt(L.PROGRESS, action.row, lambda action=action: progress_report_submit(
                    actor=user, project=Project.objects.get(code=action.project_code), period=action.period,
                    explanation=action.explanation, **action.figures))
            if problems:
                raise _RollBack
    except _RollBack:
        return problems
    return ImportResult(
        created=sum(1 for action in plan.projects if action.project_id is None),
        updated=sum(1 for action in plan.projects if action.project_id is not None),
        milestones=len(plan.milestones),
        reports=len(plan.progress),
        unchanged=plan.unchanged,
    )
