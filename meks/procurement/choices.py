"""Choices of e-procurement: contractor, tender, bid, award, contract and complaint statuses; configurable rules.

Every rule a procurement body may want to tune (the domestic-content preference table, the amendment limit,
the publication target, the standstill) is a setting with a documented default, read when used, never at
import time.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContractorStatus(models.TextChoices):
    """Where a contractor's registration is: only a verified contractor may bid."""

    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    SUSPENDED = "suspended", _("Suspended")


class WorkCategory(models.TextChoices):
    """Categories of work a contractor is licensed and experienced in, and a lot asks for."""

    HEAT_NETWORKS = "heat_networks", _("Heat networks")
    POWER_NETWORKS = "power_networks", _("Power networks")
    WATER_NETWORKS = "water_networks", _("Water supply networks")
    SEWER_NETWORKS = "sewer_networks", _("Sewerage networks and plants")
    GENERATION = "generation", _("Power and heat generation")
    EQUIPMENT = "equipment", _("Equipment supply and installation")
    DESIGN = "design", _("Design and surveys")


class ContractorDocumentKind(models.TextChoices):
    """Documents a contractor attaches to its registration."""

    CHARTER = "charter", _("Charter")
    REGISTRATION_CERTIFICATE = "registration_certificate", _("State registration certificate")
    LICENCE = "licence", _("Licence")
    FINANCIAL_STATEMENTS = "financial_statements", _("Financial statements")
    TAX_CERTIFICATE = "tax_certificate", _("Certificate of no tax arrears")
    OTHER = "other", _("Other")


class TenderMethod(models.TextChoices):
    """How the contractor is chosen."""

    OPEN = "open", _("Open tender")
    TWO_STAGE = "two_stage", _("Two-stage tender")
    SINGLE_SOURCE = "single_source", _("Single source")


class TenderStatus(models.TextChoices):
    """Where a tender is (see ``lifecycle.py`` for the moves between them)."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published, accepting bids")
    BIDS_OPENED = "bids_opened", _("Bids opened")
    EVALUATION = "evaluation", _("Evaluation")
    AWARDED = "awarded", _("Awarded")
    STANDSTILL = "standstill", _("Standstill period")
    CONTRACT_SIGNED = "contract_signed", _("Contract signed")
    COMPLETE = "complete", pgettext_lazy("tender status", "Complete")
    SUSPENDED = "suspended", _("Suspended by the review body")
    CANCELLED = "cancelled", _("Cancelled")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
    RETENDERED = "retendered", _("Re-tendered")


T = TenderStatus
#: The main line of a tender's lifecycle, in order (the stages counted by "tenders by stage").
TENDER_PIPELINE = (T.DRAFT, T.PUBLISHED, T.BIDS_OPENED, T.EVALUATION, T.AWARDED, T.STANDSTILL,
                   T.CONTRACT_SIGNED, T.COMPLETE)
#: Statuses in which a tender is public (the portal, anonymous users and every contractor see it).
PUBLIC_TENDER_STATUSES = tuple(status for status in T.values if status != T.DRAFT)
#: Statuses that no longer move.
FINAL_TENDER_STATUSES = (T.COMPLETE, T.CANCELLED, T.RETENDERED)
#: Statuses from which a complaint may suspend the tender (and to which lifting the suspension returns it).
SUSPENDABLE_STATUSES = (T.PUBLISHED, T.BIDS_OPENED, T.EVALUATION, T.AWARDED, T.STANDSTILL)
#: Statuses in which a tender still holds its project's contractor determination open.
ACTIVE_TENDER_STATUSES = (T.PUBLISHED, T.BIDS_OPENED, T.EVALUATION, T.AWARDED, T.STANDSTILL, T.SUSPENDED)
#: Project statuses (portfolio ``ProjectStatus``) for which a tender may be prepared and published.
TENDERABLE_PROJECT_STATUSES = ("confirmed", "contractor_determination")


class LotStatus(models.TextChoices):
    """The outcome of one lot."""

    OPEN = "open", _("Open")
    AWARDED = "awarded", _("Awarded")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
    CANCELLED = "cancelled", _("Cancelled")


class RequirementKind(models.TextChoices):
    """What a qualification requirement asks for."""

    LICENCE = "licence", _("Licence for the category of work")
    EXPERIENCE = "experience", _("Experience of similar works")
    FINANCIAL = "financial", _("Financial standing")
    STAFF = "staff", _("Qualified staff and equipment")
    OTHER = "other", _("Other")


class BidStatus(models.TextChoices):
    """Where a bid is: sealed until the opening, then qualified or not, ranked and possibly awarded."""

    SUBMITTED = "submitted", _("Submitted (sealed)")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REPLACED = "replaced", _("Replaced by a later bid")
    OPENED = "opened", _("Opened")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")
    AWARDED = "awarded", _("Awarded")
    DECLINED = "declined", _("Award declined by the bidder")


B = BidStatus
#: Bids that take part in the tender (not withdrawn or replaced).
LIVE_BID_STATUSES = (B.SUBMITTED, B.OPENED, B.QUALIFIED, B.DISQUALIFIED, B.AWARDED, B.DECLINED)
#: Bids whose content has been opened.
OPENED_BID_STATUSES = (B.OPENED, B.QUALIFIED, B.DISQUALIFIED, B.AWARDED, B.DECLINED)


class AwardStatus(models.TextChoices):
    """An award of a lot: pending the standstill and signature, then signed; or declined or cancelled."""

    PENDING = "pending", _("Pending signature")
    SIGNED = "signed", _("Contract signed")
    DECLINED = "declined", _("Declined by the winner")
    CANCELLED = "cancelled", _("Cancelled")


class ContractStatus(models.TextChoices):
    """Where a contract is."""

    ACTIVE = "active", _("In force")
    COMPLETE = "complete", pgettext_lazy("contract status", "Complete")
    TERMINATED = "terminated", _("Terminated")


class AmendmentKind(models.TextChoices):
    """What an amendment changes."""

    VALUE = "value", _("Value")
    DURATION = "duration", _("Duration")
    SCOPE = "scope", _("Scope")


class ComplaintStatus(models.TextChoices):
    """A complaint to the review body and its decision."""

    FILED = "filed", _("Filed")
    UNDER_REVIEW = "under_review", _("Under review")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: Complaints still waiting for the review body.
OPEN_COMPLAINT_STATUSES = (ComplaintStatus.FILED, ComplaintStatus.UNDER_REVIEW)


# --- configurable rules ------------------------------------------------------------------------------------

#: Domestic-content preference: (minimum declared local-content share, %, discount on the evaluated price, %).
#: The price is reduced for evaluation only, by the discount of the highest step the share reaches; below the
#: first step there is no discount, and the last step is the cap. Override with ``PROCUREMENT_DOMESTIC_PREFERENCE``.
DEFAULT_DOMESTIC_PREFERENCE = (
    (Decimal("20"), Decimal("3")),
    (Decimal("40"), Decimal("7")),
    (Decimal("60"), Decimal("11")),
    (Decimal("80"), Decimal("15")),
)
#: Calendar days from a project's confirmation within which its tender should be published.
DEFAULT_PUBLICATION_TARGET_DAYS = 30
#: Cumulative increase of a contract's value, % of its signed value, above which an amendment is flagged.
DEFAULT_AMENDMENT_LIMIT_PERCENT = Decimal("10")
#: Working days between the award notice and the earliest contract signature.
DEFAULT_STANDSTILL_WORKING_DAYS = 10
#: Fewest live bids for a lot to be evaluated (fewer: the lot, and a tender with no lot left, is unsuccessful).
DEFAULT_MIN_BIDS = 2


def domestic_preference_table() -> tuple[tuple[Decimal, Decimal], ...]:
    """The preference steps in force, sorted by share (setting ``PROCUREMENT_DOMESTIC_PREFERENCE``)."""
    table = getattr(settings, "PROCUREMENT_DOMESTIC_PREFERENCE", None) or DEFAULT_DOMESTIC_PREFERENCE
    return tuple(sorted((Decimal(str(share)), Decimal(str(discount))) for share, discount in table))


def publication_target_days() -> int:
    """Days from confirmation to publication before a tender counts as late (``PROCUREMENT_PUBLICATION_TARGET_DAYS``)."""
    return int(getattr(settings, "PROCUREMENT_PUBLICATION_TARGET_DAYS", DEFAULT_PUBLICATION_TARGET_DAYS))


def amendment_limit_percent() -> Decimal:
    """The cumulative value increase, %, above which amendments are flagged (``PROCUREMENT_AMENDMENT_LIMIT_PERCENT``)."""
    return Decimal(str(getattr(settings, "PROCUREMENT_AMENDMENT_LIMIT_PERCENT", DEFAULT_AMENDMENT_LIMIT_PERCENT)))


def standstill_working_days() -> int:
    """Working days of the standstill period (``PROCUREMENT_STANDSTILL_WORKING_DAYS``)."""
    return int(getattr(settings, "PROCUREMENT_STANDSTILL_WORKING_DAYS", DEFAULT_STANDSTILL_WORKING_DAYS))


def minimum_bids() -> int:
    """Fewest live bids for a lot of a competitive tender to be evaluated (``PROCUREMENT_MIN_BIDS``)."""
    return int(getattr(settings, "PROCUREMENT_MIN_BIDS", DEFAULT_MIN_BIDS))


#: The OCID prefix the platform publishes under (``PROCUREMENT_OCID_PREFIX``); ``ocds-`` plus a registered code.
DEFAULT_OCID_PREFIX = "ocds-meks01"


def ocid_prefix() -> str:
    """The prefix of every tender's Open Contracting ID."""
    return str(getattr(settings, "PROCUREMENT_OCID_PREFIX", DEFAULT_OCID_PREFIX))
