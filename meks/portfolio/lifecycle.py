"""The project lifecycle as data: each allowed move, who may make it, and the guard it must pass.

A move is named by its action (``submit``, ``confirm``, …). ``project_transition`` in services.py applies
one: it checks the table, the actor's role and scope, the guard, and records the change with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meks.core.access import Role

from .choices import FINAL_STATUSES, ProjectStatus
from .readiness import missing_items

S = ProjectStatus
OWNER = "owner"  # the project's owner organization's members, or the akimat of its region


def _guard_complete_application(project) -> str | None:
    if not project.cost_estimate or project.cost_estimate <= 0:
        return str(_("The cost estimate must be set."))
    if not project.responsible_id:
        return str(_("A responsible official must be named."))
    return None


def _guard_ready(project) -> str | None:
    missing = missing_items(project)
    if missing:
        return str(_("The readiness checklist is incomplete: %(items)s.")) % {
            "items": "; ".join(str(item.label) for item in missing)
        }
    return None


def _guard_contract_signed(project) -> str | None:
    signed = project.milestones.filter(kind="contract_signed", actual_date__isnull=False).exists()
    return None if signed else str(_("The contract has not been signed: record its actual date first."))


def _guard_works_complete(project) -> str | None:
    latest = project.progress_reports.order_by("-period").first()
    if latest is None or latest.completion_percent < 100:
        return str(_("The latest progress report must show the works fully complete."))
    return None


@dataclass(frozen=True)
class Transition:
    """One allowed move of the lifecycle."""

    action: str
    label: object
    sources: tuple[str, ...]
    target: str | None  # None: back to the status before suspension
    roles: tuple[str, ...]
    guard: Callable[[object], str | None] | None = None
    reason_required: bool = False


ACTIVE = (
    S.SUBMITTED, S.DOCUMENT_CHECK, S.TECHNICAL_REVIEW, S.COMMISSION_DECISION, S.CONFIRMED,
    S.CONTRACTOR_DETERMINATION, S.IMPLEMENTATION,
)

TRANSITIONS = (
    Transition("submit", _("Submit"), (S.DRAFT, S.RETURNED), S.SUBMITTED, (OWNER, Role.PROJECT_OFFICE),
               _guard_complete_application),
    Transition("start_document_check", _("Start the document check"), (S.SUBMITTED,), S.DOCUMENT_CHECK,
               (Role.TECHNICAL_OPERATOR, Role.PROJECT_OFFICE)),
    Transition("pass_document_check", _("Pass to technical review"), (S.DOCUMENT_CHECK,), S.TECHNICAL_REVIEW,
               (Role.TECHNICAL_OPERATOR, Role.PROJECT_OFFICE)),
    Transition("pass_technical_review", _("Pass to the commission"), (S.TECHNICAL_REVIEW,), S.COMMISSION_DECISION,
               (Role.TECHNICAL_OPERATOR, Role.MINISTRY, Role.PROJECT_OFFICE)),
    Transition("return", _("Return for revision"), (S.DOCUMENT_CHECK, S.TECHNICAL_REVIEW, S.COMMISSION_DECISION),
               S.RETURNED, (Role.TECHNICAL_OPERATOR, Role.MINISTRY, Role.PROJECT_OFFICE), reason_required=True),
    Transition("confirm", _("Confirm"), (S.COMMISSION_DECISION,), S.CONFIRMED, (Role.PROJECT_OFFICE,)),
    Transition("reject", _("Reject"), (S.COMMISSION_DECISION,), S.REJECTED, (Role.PROJECT_OFFICE,),
               reason_required=True),
    Transition("start_procurement", _("Start contractor determination"), (S.CONFIRMED,), S.CONTRACTOR_DETERMINATION,
               (OWNER, Role.PROJECT_OFFICE), _guard_ready),
    Transition("start_implementation", _("Start implementation"), (S.CONTRACTOR_DETERMINATION,), S.IMPLEMENTATION,
               (OWNER, Role.PROJECT_OFFICE), _guard_contract_signed),
    Transition("commission", _("Commission"), (S.IMPLEMENTATION,), S.COMMISSIONED, (Role.PROJECT_OFFICE,),
               _guard_works_complete),
    Transition("suspend", _("Suspend"), ACTIVE, S.SUSPENDED, (Role.PROJECT_OFFICE,), reason_required=True),
    Transition("resume", _("Resume"), (S.SUSPENDED,), None, (Role.PROJECT_OFFICE,), reason_required=True),
    Transition("cancel", pgettext_lazy("lifecycle", "Cancel"), tuple(s for s in S.values if s not in FINAL_STATUSES), S.CANCELLED,
               (Role.PROJECT_OFFICE,), reason_required=True),
)
TRANSITIONS_BY_ACTION = {transition.action: transition for transition in TRANSITIONS}


def transitions_from(status: str) -> list[Transition]:
    """The moves the table allows out of ``status`` (before roles and guards are checked)."""
    return [transition for transition in TRANSITIONS if status in transition.sources]
