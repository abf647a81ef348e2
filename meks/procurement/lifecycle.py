"""The tender's lifecycle as data: each move, who may make it, its guard, and whether a reason is needed.

Each move has its own service in ``services.py`` (``tender_publish``, ``tender_open_bids`` …), which applies
the row of this table named by its action. ``CUSTOMER`` stands for the project's owner side (the owner
organization's members and the akimat of the project's region); ``REVIEW_BODY`` for the body that hears
complaints (see ``REVIEW_ROLES``). ``actor=None`` is the system: the periodic job that opens bids at the
deadline, or the demo build.

draft → published → bids opened → evaluation → awarded → standstill → contract signed → complete;
cancelled (with a reason) from any live status; unsuccessful (too few bids, or none qualified) from the
bidding and evaluation stages; an unsuccessful or cancelled tender is re-tendered by a new draft that
names it; a complaint may suspend a live tender, and its decision lifts the suspension.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meks.core.access import Role
from meks.portfolio.lifecycle import Transition  # the same row shape; a guard here takes (tender, when)

from .choices import SUSPENDABLE_STATUSES, AwardStatus, ContractorStatus, LotStatus, TenderStatus

T = TenderStatus
CUSTOMER = "customer"
REVIEW_BODY = "review_body"
#: Roles that act as the review body for complaints.
REVIEW_ROLES = (Role.PROJECT_OFFICE, Role.MINISTRY)
#: Roles that act for the procurement organizer next to the customer.
ORGANIZER_ROLES = (Role.PROJECT_OFFICE, Role.TECHNICAL_OPERATOR)


def _guard_publishable(tender, at) -> str | None:
    from .choices import TENDERABLE_PROJECT_STATUSES

    if tender.project.status not in TENDERABLE_PROJECT_STATUSES:
        return str(_("Only a confirmed project, or one at contractor determination, can be tendered."))
    if not tender.lots.exists():
        return str(_("A tender needs at least one lot."))
    if tender.method == "single_source" and not tender.single_source_justification.strip():
        return str(_("A single-source procurement needs its justification."))
    if not (tender.clarification_deadline and tender.bid_deadline and tender.opening_at):
        return str(_("Set the clarification deadline, the bid deadline and the opening time."))
    if tender.bid_deadline <= at:
        return str(_("The bid deadline must be in the future."))
    if not tender.clarification_deadline <= tender.bid_deadline <= tender.opening_at:
        return str(_("Clarifications close before the bid deadline, and bids are opened after it."))
    if tender.evaluation_deadline and tender.evaluation_deadline < tender.opening_at:
        return str(_("The evaluation cannot end before the opening."))
    return None


def _guard_deadline_passed(tender, at) -> str | None:
    if tender.bid_deadline is None or at < tender.bid_deadline:
        return str(_("Bids are opened only after the bid deadline."))
    return None


def _guard_every_lot_decided(tender, at) -> str | None:
    undecided = tender.lots.filter(status=LotStatus.OPEN).exclude(awards__status=AwardStatus.PENDING)
    if undecided.exists():
        return str(_("Every lot must have its winner or be declared unsuccessful."))
    if not tender.lots.filter(status=LotStatus.AWARDED).exists() and not tender.lots.filter(
            awards__status=AwardStatus.PENDING).exists():
        return str(_("No lot has a winner: declare the tender unsuccessful instead."))
    return None


def _guard_standstill_over(tender, at) -> str | None:
    if tender.standstill_ends_at and at < tender.standstill_ends_at:
        return str(_("The contract is signed only after the standstill period ends."))
    return None


LIVE = (T.DRAFT, T.PUBLISHED, T.BIDS_OPENED, T.EVALUATION, T.AWARDED, T.STANDSTILL, T.SUSPENDED)

TRANSITIONS = (
    Transition("publish", _("Publish"), (T.DRAFT,), T.PUBLISHED, (CUSTOMER, Role.PROJECT_OFFICE), _guard_publishable),
    Transition("open_bids", _("Open the bids"), (T.PUBLISHED,), T.BIDS_OPENED, (CUSTOMER, *ORGANIZER_ROLES),
               _guard_deadline_passed),
    Transition("start_evaluation", _("Start the evaluation"), (T.BIDS_OPENED,), T.EVALUATION,
               (CUSTOMER, *ORGANIZER_ROLES)),
    Transition("award", _("Announce the award"), (T.EVALUATION,), T.AWARDED, (CUSTOMER, *ORGANIZER_ROLES),
               _guard_every_lot_decided),
    Transition("start_standstill", _("Start the standstill period"), (T.AWARDED,), T.STANDSTILL,
               (CUSTOMER, *ORGANIZER_ROLES)),
    Transition("sign_contract", _("Record the signed contract"), (T.STANDSTILL,), T.CONTRACT_SIGNED,
               (CUSTOMER, *ORGANIZER_ROLES), _guard_standstill_over),
    Transition("complete", _("Complete"), (T.CONTRACT_SIGNED,), T.COMPLETE, (CUSTOMER, *ORGANIZER_ROLES)),
    Transition("reopen_award", _("Award to the next bidder"), (T.AWARDED, T.STANDSTILL), T.EVALUATION,
               (CUSTOMER, *ORGANIZER_ROLES), reason_required=True),
    Transition("declare_unsuccessful", _("Declare unsuccessful"), (T.PUBLISHED, T.BIDS_OPENED, T.EVALUATION, T.AWARDED,
               T.STANDSTILL), T.UNSUCCESSFUL, (CUSTOMER, *ORGANIZER_ROLES), reason_required=True),
    Transition("cancel", pgettext_lazy("lifecycle", "Cancel"), LIVE, T.CANCELLED, (CUSTOMER, Role.PROJECT_OFFICE),
               reason_required=True),
    Transition("retender", _("Re-tender"), (T.UNSUCCESSFUL, T.CANCELLED), T.RETENDERED,
               (CUSTOMER, *ORGANIZER_ROLES)),
    Transition("suspend", _("Suspend pending a complaint"), SUSPENDABLE_STATUSES, T.SUSPENDED, (REVIEW_BODY,),
               reason_required=True),
    Transition("lift_suspension", _("Lift the suspension"), (T.SUSPENDED,), None, (REVIEW_BODY,),
               reason_required=True),
)
TRANSITIONS_BY_ACTION = {transition.action: transition for transition in TRANSITIONS}
#: Actions applied inside other services (bids opening, contract signing, complaints, awards).
INTERNAL_ACTIONS = frozenset({"sign_contract", "suspend", "lift_suspension", "reopen_award", "retender"})


@dataclass(frozen=True)
class ContractorTransition:
    """One allowed move of a contractor's registration status; the technical operator or project office makes it."""

    action: str
    label: object
    sources: tuple[str, ...]
    target: str
    reason_required: bool = False


#: Roles that verify, suspend and reinstate contractors and keep the register of unreliable suppliers.
REGISTRY_ROLES = (Role.TECHNICAL_OPERATOR, Role.PROJECT_OFFICE)
C = ContractorStatus
CONTRACTOR_TRANSITIONS = (
    ContractorTransition("verify", _("Verify"), (C.PENDING, C.SUSPENDED), C.VERIFIED),
    ContractorTransition("suspend", _("Suspend"), (C.PENDING, C.VERIFIED), C.SUSPENDED, reason_required=True),
)
CONTRACTOR_TRANSITIONS_BY_ACTION = {transition.action: transition for transition in CONTRACTOR_TRANSITIONS}


def transitions_from(status: str) -> list[Transition]:
    """The moves the table allows out of ``status`` (before roles and guards are checked)."""
    return [transition for transition in TRANSITIONS if status in transition.sources]
