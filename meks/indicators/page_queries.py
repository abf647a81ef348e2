"""What the indicator pages need beyond the domain's selectors and services.

Who may open the pages, which trial weights differ from those in force, and moving both zone thresholds in
one go.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from .selectors import ANALYTICS_ROLES, can_view_analytics

#: Roles that see the indicator pages: those the domain shows its analyses to.
READER_ROLES = ANALYTICS_ROLES


def is_indicators_reader(user: Any) -> bool:
    """True when the user holds a role the indicator pages serve."""
    return user is not None and can_view_analytics(user)


def changed_weights(weights: dict[str, Decimal], current: dict[str, Decimal]) -> dict[str, Decimal]:
    """The trial weights that differ from those in force (only these are saved)."""
    return {domain: weight for domain, weight in weights.items()
            if Decimal(weight) != Decimal(current.get(domain, 0))}


def zone_thresholds_set(*, actor: Any, red: Decimal, yellow: Decimal, reason: str = "") -> None:
    """Move both wear zone thresholds, all or none, in the order that keeps red above yellow at each step."""
    from .choices import Zone
    from .services import wear_threshold_set
    from .zoning import zone_thresholds

    current = zone_thresholds()
    order = [(Zone.RED, red), (Zone.YELLOW, yellow)] if red > current[Zone.YELLOW] else [(Zone.YELLOW, yellow),
                                                                                         (Zone.RED, red)]
    with transaction.atomic():
        for zone, above in order:
            if Decimal(above) != current[zone]:
                wear_threshold_set(actor=actor, zone=zone, above_percent=above, reason=reason)
