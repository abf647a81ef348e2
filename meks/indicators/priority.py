"""The funding priority of regions: worst infrastructure first, red zone before yellow before green.

Four components, each a share from 0 to 1 (docs/indicators.md, "Funding priority"):

* ``wear``: the wear of heat, water and sewer networks, % / 100;
* ``people``: people affected, population × wear, relative to the region where it is largest;
* ``replacement``: the share of networks needing replacement, % / 100;
* ``readiness``: the share of the portfolio's readiness conditions its pipeline projects meet (money goes
  where it can be spent); 0 for a region with no project.

Score = 100 × Σ weightᵢ × componentᵢ / Σ weightᵢ, rounded to two decimals. Regions are ranked by zone first
(red, yellow, green, then regions without wear data), then by score (highest first), then by KATO code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .choices import ZONE_ORDER, Zone

DEFAULT_PRIORITY_WEIGHTS: dict[str, Decimal] = {
    "wear": Decimal("0.40"),
    "people": Decimal("0.20"),
    "replacement": Decimal("0.25"),
    "readiness": Decimal("0.15"),
}
FOUR_PLACES = Decimal("0.0001")


@dataclass
class RegionPriority:
    """A region's place in the funding priority, with its zone and components (each 0–1)."""

    region_id: int
    region: object
    rank: int
    score: Decimal
    zone: str | None
    components: dict[str, Decimal]
    contributions: dict[str, Decimal] = field(default_factory=dict)
    wear: Decimal | None = None
    people_affected: int | None = None

    @property
    def zone_label(self) -> str:
        return str(Zone(self.zone).label) if self.zone else ""


def priority_score(components: dict[str, Decimal], weights: dict[str, Decimal]) -> tuple[Decimal, dict[str, Decimal]]:
    """The score (0–100) and each component's contribution to it."""
    total = sum((weights[name] for name in components), Decimal("0"))
    if not total:
        return Decimal("0.00"), {}
    contributions = {
        name: (Decimal("100") * weights[name] * value / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        for name, value in components.items()
    }
    score = (Decimal("100") * sum((weights[name] * value for name, value in components.items()), Decimal("0"))
             / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return score, contributions


def rank_key(zone: str | None, score: Decimal, kato: str) -> tuple:
    """Red first, then yellow, green and regions without data; within a zone the higher score first."""
    return (ZONE_ORDER.get(zone, len(ZONE_ORDER)), -score, kato)


def share(value: Decimal | None, whole: Decimal | None = None) -> Decimal:
    """A share rounded to four places; 0 for a missing value."""
    if value is None:
        return Decimal("0.0000")
    if whole is None:
        return (Decimal(value) / Decimal("100")).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
    if not whole:
        return Decimal("0.0000")
    return (Decimal(value) / Decimal(whole)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
