"""The readiness checklist: six conditions a project needs before its tender, and who must act on each."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import ExpressionWrapper, F, IntegerField, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from meks.core.access import Role


@dataclass(frozen=True)
class ReadinessItem:
    """One condition of the checklist: the project field that records it and the role that must act."""

    field: str
    label: object
    who_acts: str


READINESS_ITEMS = (
    ReadinessItem("ready_design", _("Design and estimate documents approved"), Role.UTILITY),
    ReadinessItem("ready_expertise", _("Positive conclusion of the state expertise"), Role.TECHNICAL_OPERATOR),
    ReadinessItem("ready_land", _("Land plot allotted"), Role.AKIMAT),
    ReadinessItem("ready_akimat_decision", _("Decision of the akimat"), Role.AKIMAT),
    ReadinessItem("ready_financing", _("Financing source confirmed"), Role.FINANCIAL_OPERATOR),
    ReadinessItem("ready_tender_documents", _("Tender documents ready"), Role.UTILITY),
)
READINESS_FIELDS = tuple(item.field for item in READINESS_ITEMS)


def readiness_count_expression():
    """How many of the six conditions a project meets, computed in the database."""
    total = Value(0)
    for field in READINESS_FIELDS:
        total = total + Cast(F(field), IntegerField())
    return ExpressionWrapper(total, output_field=IntegerField())


def missing_items(project) -> list[ReadinessItem]:
    """The conditions a project does not meet yet, each with the role that must act."""
    return [item for item in READINESS_ITEMS if not getattr(project, item.field)]


def is_ready(project) -> bool:
    """True when all six conditions are met ("ready"); otherwise the project is "under refinement"."""
    return not missing_items(project)
