"""The financing application's lifecycle as data: each move, who may make it, and whether a reason is needed.

``application_transition`` in services.py applies a move by its action name. ``LENDER`` stands for the
members of the organization the application was routed to, ``APPLICANT`` for the project's owner side
(the owner organization's members and the akimat of its region). Approval goes through
``decision_record`` (it needs a decision) and tranches move an application into and out of "disbursing";
they use the rows named ``approve``, ``start_disbursing`` and ``complete_disbursement`` of this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from meks.core.access import Role

from .choices import ApplicationStatus

A = ApplicationStatus
APPLICANT = "applicant"
LENDER = "lender"
#: Actions applied by other services rather than by ``application_transition`` directly.
INTERNAL_ACTIONS = frozenset({"approve", "start_disbursing", "complete_disbursement"})


@dataclass(frozen=True)
class Transition:
    """One allowed move of an application's lifecycle."""

    action: str
    label: object
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    reason_required: bool = False


REVIEWING = (A.SUBMITTED, A.TECHNICAL_CONCLUSION, A.FINANCIAL_REVIEW, A.ROUTED)

TRANSITIONS = (
    Transition("submit", _("Submit"), (A.DRAFT, A.RETURNED), A.SUBMITTED, (APPLICANT, Role.PROJECT_OFFICE)),
    Transition("take_for_conclusion", _("Take for the technical conclusion"), (A.SUBMITTED,),
               A.TECHNICAL_CONCLUSION, (Role.TECHNICAL_OPERATOR, Role.PROJECT_OFFICE)),
    Transition("pass_to_financial_review", _("Give a positive conclusion and pass to the financial operator"),
               (A.TECHNICAL_CONCLUSION,), A.FINANCIAL_REVIEW, (Role.TECHNICAL_OPERATOR, Role.PROJECT_OFFICE)),
    Transition("route", _("Route to the lender"), (A.FINANCIAL_REVIEW,), A.ROUTED,
               (Role.FINANCIAL_OPERATOR, Role.PROJECT_OFFICE)),
    Transition("approve", _("Approve"), (A.ROUTED,), A.APPROVED,
               (LENDER, Role.FINANCIAL_OPERATOR, Role.PROJECT_OFFICE)),
    Transition("sign_agreement", _("Record the signed agreement"), (A.APPROVED,), A.AGREEMENT_SIGNED,
               (LENDER, Role.FINANCIAL_OPERATOR, Role.PROJECT_OFFICE)),
    Transition("start_disbursing", _("Start disbursing"), (A.AGREEMENT_SIGNED,), A.DISBURSING,
               (LENDER, Role.FINANCIAL_OPERATOR, Role.PROJECT_OFFICE)),
    Transition("complete_disbursement", _("Complete disbursement"), (A.DISBURSING,), A.DISBURSED,
               (LENDER, Role.FINANCIAL_OPERATOR, Role.PROJECT_OFFICE)),
    Transition("return", _("Return with remarks"), REVIEWING, A.RETURNED,
               (Role.TECHNICAL_OPERATOR, Role.FINANCIAL_OPERATOR, LENDER, Role.PROJECT_OFFICE), reason_required=True),
    Transition("reject", _("Reject"), (A.TECHNICAL_CONCLUSION, A.FINANCIAL_REVIEW, A.ROUTED), A.REJECTED,
               (Role.TECHNICAL_OPERATOR, Role.FINANCIAL_OPERATOR, LENDER, Role.PROJECT_OFFICE), reason_required=True),
    Transition("withdraw", _("Withdraw"), (A.DRAFT, A.RETURNED, *REVIEWING), A.WITHDRAWN,
               (APPLICANT, Role.PROJECT_OFFICE), reason_required=True),
)
TRANSITIONS_BY_ACTION = {transition.action: transition for transition in TRANSITIONS}


def transitions_from(status: str) -> list[Transition]:
    """The moves the table allows out of ``status`` (before roles are checked)."""
    return [transition for transition in TRANSITIONS if status in transition.sources]
