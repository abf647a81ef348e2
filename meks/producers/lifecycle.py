"""The producer registration's lifecycle as data: each move, who may make it, and whether a reason is needed.

``producer_transition`` in services.py applies a move by its action name. A registration starts "awaiting
verification"; the technical operator (or the project office) verifies it, suspends a verified one (a
false declaration, lost certificates) and reinstates it. ``OWNER`` stands for the members of the
producer's own organization, who may ask again for verification after editing a suspended registration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from meks.core.access import Role

from .choices import ProducerStatus

P = ProducerStatus
OWNER = "owner"
#: Roles that verify registrations and may edit any producer's record and catalogue.
OPERATORS = (Role.TECHNICAL_OPERATOR, Role.PROJECT_OFFICE)


@dataclass(frozen=True)
class Transition:
    """One allowed move of a registration's status."""

    action: str
    label: object
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    reason_required: bool = False


TRANSITIONS = (
    Transition("verify", _("Verify the registration"), (P.PENDING,), P.VERIFIED, OPERATORS),
    Transition("suspend", _("Suspend the registration"), (P.PENDING, P.VERIFIED), P.SUSPENDED, OPERATORS,
               reason_required=True),
    Transition("reinstate", _("Reinstate"), (P.SUSPENDED,), P.VERIFIED, OPERATORS, reason_required=True),
    Transition("resubmit", _("Ask for verification again"), (P.SUSPENDED,), P.PENDING, (OWNER, *OPERATORS)),
)
TRANSITIONS_BY_ACTION = {transition.action: transition for transition in TRANSITIONS}


def transitions_from(status: str) -> list[Transition]:
    """The moves the table allows out of ``status`` (before roles are checked)."""
    return [transition for transition in TRANSITIONS if status in transition.sources]
