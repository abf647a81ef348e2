"""Village screening: what each specialization needs of the village's infrastructure, and where it falls short.

A specialization needs three kinds of infrastructure (``SPECIALIZATION_NEEDS``). A needed kind in a poor or
absent state is a gap; a gap with planned infrastructure of that kind is covered. A village is "ready"
with no gaps, "planned" when every gap is covered, "gaps" otherwise; villages without a profile are
"not screened".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import GAP_STATES
from .choices import InfrastructureKind as K

SPECIALIZATION_NEEDS: dict[str, tuple[str, ...]] = {
    "crops": (K.WATER, K.POWER, K.ROADS),
    "livestock": (K.WATER, K.ROADS, K.POWER),
    "tourism": (K.ROADS, K.INTERNET, K.WATER),
    "industry": (K.POWER, K.WATER, K.ROADS),
    "logistics": (K.ROADS, K.POWER, K.INTERNET),
    "services": (K.INTERNET, K.POWER, K.WATER),
}


class ScreeningStatus(models.TextChoices):
    """The outcome of screening a village."""

    READY = "ready", _("Infrastructure fits the specialization")
    PLANNED = "planned", _("Gaps covered by plans")
    GAPS = "gaps", _("Gaps without plans")
    NOT_SCREENED = "not_screened", _("Not screened")


@dataclass
class VillageScreen:
    """One village screened: specialization, states, needs, gaps and plans."""

    settlement: object
    profile: object | None
    states: dict[str, str] = field(default_factory=dict)
    needs: tuple[str, ...] = ()
    gaps: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    plans: list = field(default_factory=list)
    status: str = ScreeningStatus.NOT_SCREENED

    @property
    def status_label(self) -> str:
        return str(ScreeningStatus(self.status).label)


def screen(settlement, profile, plans) -> VillageScreen:
    """Screen one village from its profile and plans."""
    needs = SPECIALIZATION_NEEDS.get(settlement.village_specialization, ())
    result = VillageScreen(settlement=settlement, profile=profile, needs=needs, plans=list(plans))
    if profile is None:
        return result
    result.states = {kind.value: profile.state_of(kind.value) for kind in K}
    planned = {plan.kind for plan in result.plans}
    result.gaps = [kind for kind in needs if result.states[kind] in GAP_STATES]
    result.uncovered = [kind for kind in result.gaps if kind not in planned]
    if not result.gaps:
        result.status = ScreeningStatus.READY
    elif not result.uncovered:
        result.status = ScreeningStatus.PLANNED
    else:
        result.status = ScreeningStatus.GAPS
    return result
