"""Choices of financing: lender kinds, application statuses, tranche and mismatch kinds, stage targets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LenderKind(models.TextChoices):
    """Where a financing channel routes an application once the financial operator has reviewed it."""

    DEVELOPMENT_BANK = "development_bank", _("Development bank")
    BANK = "bank", _("Second-tier bank")
    HOUSING_COMPANY = "housing_company", _("Housing company (KHC)")
    BUDGET = "budget", _("Budget")
    NONE = "none", _("No lender")


#: The organization kinds (``accounts.OrganizationKind``) an application of each lender kind may be routed to.
LENDER_ORGANIZATION_KINDS = {
    LenderKind.DEVELOPMENT_BANK: ("development_bank",),
    LenderKind.BANK: ("bank",),
    LenderKind.HOUSING_COMPANY: ("housing_company",),
    LenderKind.BUDGET: (),
    LenderKind.NONE: (),
}
#: Lender kinds whose applications must name the lender organization when routed.
LENDER_REQUIRED = (LenderKind.DEVELOPMENT_BANK, LenderKind.BANK, LenderKind.HOUSING_COMPANY)


class ApplicationStatus(models.TextChoices):
    """Where a financing application is (see ``lifecycle.py`` for the moves between them)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    TECHNICAL_CONCLUSION = "technical_conclusion", _("Technical operator's conclusion")
    FINANCIAL_REVIEW = "financial_review", _("Financial operator's review")
    ROUTED = "routed", _("Routed to the lender")
    APPROVED = "approved", _("Approved")
    AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
    DISBURSING = "disbursing", _("Disbursing")
    DISBURSED = "disbursed", _("Fully disbursed")
    RETURNED = "returned", _("Returned with remarks")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


A = ApplicationStatus
#: The main line of the lifecycle, in order (the pipeline's stages).
PIPELINE_ORDER = (
    A.DRAFT, A.SUBMITTED, A.TECHNICAL_CONCLUSION, A.FINANCIAL_REVIEW, A.ROUTED, A.APPROVED,
    A.AGREEMENT_SIGNED, A.DISBURSING, A.DISBURSED,
)
#: Statuses in which the application waits for a reviewer (time in review is measured against a target).
REVIEW_STATUSES = (A.SUBMITTED, A.TECHNICAL_CONCLUSION, A.FINANCIAL_REVIEW, A.ROUTED)
#: Statuses of an approved application (it holds a decision and a financing round).
APPROVED_STATUSES = (A.APPROVED, A.AGREEMENT_SIGNED, A.DISBURSING, A.DISBURSED)
#: Statuses the financial operator sees: from its own review on.
FROM_FINANCIAL_REVIEW = (A.FINANCIAL_REVIEW, A.ROUTED, *APPROVED_STATUSES)
#: Statuses that no longer move.
FINAL_STATUSES = (A.DISBURSED, A.REJECTED, A.WITHDRAWN)
#: Statuses in which the applicant may still edit the application.
EDITABLE_STATUSES = (A.DRAFT, A.RETURNED)
#: Statuses in which tranches may be paid.
PAYABLE_STATUSES = (A.AGREEMENT_SIGNED, A.DISBURSING)

#: Default target, in calendar days, for the time an application may wait in each stage.
DEFAULT_STAGE_TARGET_DAYS = {
    A.SUBMITTED: 5,
    A.TECHNICAL_CONCLUSION: 15,
    A.FINANCIAL_REVIEW: 15,
    A.ROUTED: 20,
    A.APPROVED: 30,
}


def stage_target_days() -> dict[str, int]:
    """The target days per stage: the defaults, overridden by the ``FINANCE_STAGE_TARGET_DAYS`` setting."""
    return {**DEFAULT_STAGE_TARGET_DAYS, **getattr(settings, "FINANCE_STAGE_TARGET_DAYS", {})}


def disbursement_margins() -> tuple[int, int]:
    """Percentage points by which money paid may run ahead of / behind physical completion before a flag."""
    return (
        int(getattr(settings, "FINANCE_DISBURSEMENT_AHEAD_MARGIN", 15)),
        int(getattr(settings, "FINANCE_DISBURSEMENT_BEHIND_MARGIN", 25)),
    )


class DisbursementFlag(models.TextChoices):
    """How the money paid on an application compares with the project's physical completion."""

    AHEAD = "ahead", _("Paid ahead of physical progress")
    BEHIND = "behind", _("Paid far behind physical progress")
    IN_LINE = "in_line", _("In line with physical progress")
    NONE = "none", _("Nothing paid yet")


class MismatchKind(models.TextChoices):
    """The kinds of disagreement between budget programme lines and financing plans."""

    PLAN_WITHOUT_LINE = "plan_without_line", _("Budget-funded plan with no budget line")
    LINE_WITHOUT_PROJECT = "line_without_project", _("Budget line with no project")
    AMOUNTS_DISAGREE = "amounts_disagree", _("Plan and budget line amounts disagree")
    NOT_READY = "not_ready", _("Money allocated to a project that is not ready")


#: Documents an application's checklist holds (key -> label); the checklist records which are attached.
DOCUMENTS = {
    "feasibility_study": _("Feasibility study"),
    "design_estimate": _("Design and estimate documents"),
    "expertise_conclusion": _("State expertise conclusion"),
    "financial_statements": _("Financial statements for three years"),
    "collateral": _("Collateral documents"),
    "akimat_decision": _("Akimat decision"),
    "tariff_decision": _("Tariff decision of the regulator"),
}
