"""Choices of the portfolio domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectType(models.TextChoices):
    """The OC4IDS project types the national project uses."""

    CONSTRUCTION = "construction", _("Construction")
    REHABILITATION = "rehabilitation", _("Rehabilitation")
    REPLACEMENT = "replacement", _("Replacement")
    EXPANSION = "expansion", _("Expansion")


class ProjectStatus(models.TextChoices):
    """Where a project is in its lifecycle (see ``lifecycle.py`` for the moves between them)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    DOCUMENT_CHECK = "document_check", _("Document check")
    TECHNICAL_REVIEW = "technical_review", _("Technical review")
    COMMISSION_DECISION = "commission_decision", _("Commission decision")
    CONFIRMED = "confirmed", _("Confirmed")
    CONTRACTOR_DETERMINATION = "contractor_determination", _("Contractor determination")
    IMPLEMENTATION = "implementation", _("Implementation")
    COMMISSIONED = "commissioned", _("Commissioned")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


class Stage(models.TextChoices):
    """The stages of the pipeline funnel, each grouping one or more statuses."""

    APPLICATION = "application", _("Application")
    SELECTION = "selection", _("Selection")
    CONFIRMED = "confirmed", _("Confirmed")
    CONTRACTOR_DETERMINATION = "contractor_determination", _("Contractor determination")
    IMPLEMENTATION = "implementation", _("Implementation")
    COMMISSIONED = "commissioned", _("Commissioned")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Rejected or cancelled")


S = ProjectStatus
STAGE_OF_STATUS = {
    S.DRAFT: Stage.APPLICATION,
    S.RETURNED: Stage.APPLICATION,
    S.SUBMITTED: Stage.SELECTION,
    S.DOCUMENT_CHECK: Stage.SELECTION,
    S.TECHNICAL_REVIEW: Stage.SELECTION,
    S.COMMISSION_DECISION: Stage.SELECTION,
    S.CONFIRMED: Stage.CONFIRMED,
    S.CONTRACTOR_DETERMINATION: Stage.CONTRACTOR_DETERMINATION,
    S.IMPLEMENTATION: Stage.IMPLEMENTATION,
    S.COMMISSIONED: Stage.COMMISSIONED,
    S.SUSPENDED: Stage.SUSPENDED,
    S.REJECTED: Stage.CLOSED,
    S.CANCELLED: Stage.CLOSED,
}

#: The stages whose projects are published on the public portal and in the open data: confirmed onwards.
#: Applications, drafts, projects under selection, rejected and cancelled ones are not published.
PUBLIC_STAGES = (Stage.CONFIRMED, Stage.CONTRACTOR_DETERMINATION, Stage.IMPLEMENTATION, Stage.COMMISSIONED,
                 Stage.SUSPENDED)
PUBLIC_STATUSES = tuple(status for status, stage in STAGE_OF_STATUS.items() if stage in PUBLIC_STAGES)

#: The OC4IDS 0.9.4 ``projectStatus`` code of each status.
OC4IDS_STATUS = {
    S.DRAFT: "identification",
    S.RETURNED: "identification",
    S.SUBMITTED: "preparation",
    S.DOCUMENT_CHECK: "preparation",
    S.TECHNICAL_REVIEW: "preparation",
    S.COMMISSION_DECISION: "preparation",
    S.CONFIRMED: "preparation",
    S.CONTRACTOR_DETERMINATION: "implementation",
    S.IMPLEMENTATION: "implementation",
    S.COMMISSIONED: "completion",
    S.SUSPENDED: "implementation",
    S.REJECTED: "cancelled",
    S.CANCELLED: "cancelled",
}

#: Statuses of projects in the confirmed portfolio's pipeline (what the dashboard counts by default).
PIPELINE_STATUSES = tuple(
    status for status, stage in STAGE_OF_STATUS.items()
    if stage in {Stage.SELECTION, Stage.CONFIRMED, Stage.CONTRACTOR_DETERMINATION, Stage.IMPLEMENTATION,
                 Stage.COMMISSIONED, Stage.SUSPENDED}
)
#: Statuses that no longer move.
FINAL_STATUSES = (S.COMMISSIONED, S.REJECTED, S.CANCELLED)


class MilestoneKind(models.TextChoices):
    """The standard milestones of a project's schedule, in order."""

    DESIGN = "design", _("Design and estimate approved")
    EXPERTISE = "expertise", _("State expertise passed")
    TENDER_PUBLISHED = "tender_published", _("Tender published")
    CONTRACT_SIGNED = "contract_signed", _("Contract signed")
    WORKS_STARTED = "works_started", _("Works started")
    WORKS_HALF = "works_half", _("Half of the works done")
    COMMISSIONED = "commissioned", _("Commissioned")


MILESTONE_ORDER = {kind: index for index, kind in enumerate(MilestoneKind.values, start=1)}


class DeliveryConfidence(models.TextChoices):
    """The five-level delivery confidence scale."""

    GREEN = "green", _("Green")
    AMBER_GREEN = "amber_green", _("Amber/Green")
    AMBER = "amber", _("Amber")
    AMBER_RED = "amber_red", _("Amber/Red")
    RED = "red", _("Red")


CONFIDENCE_LEVELS = list(DeliveryConfidence.values)


class NetworkType(models.TextChoices):
    """Kinds of utility network."""

    HEAT = "heat", _("Heat")
    POWER = "power", _("Power")
    WATER = "water", _("Water")
    SEWER = "sewer", _("Sewer")


class TargetMetric(models.TextChoices):
    """What a programme target measures."""

    INVESTMENT = "investment", _("Investment, tenge")
    NETWORK_KM = "network_km", _("Networks renewed, km")
    CAPACITY_MW = "capacity_mw", _("Generating capacity, MW")
    EQUIPMENT_UNITS = "equipment_units", _("Equipment replaced, units")
    WEAR_PERCENT = "wear_percent", _("Network wear, %")


class BaselineStatus(models.TextChoices):
    """A schedule baseline is proposed, then approved or declined by the project office."""

    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
