"""Wear zoning: each region's network wear and its zone (red, yellow, green) from configurable thresholds.

A region's zone follows the wear of its heat, water and sewer networks taken together (indicator
``utl_wear_hws``, the measure the national figures use: 49% on average): red above 60% (the texts' "red
zone"), yellow above 50% (worse than the national average), green otherwise. The project office may move
both thresholds (``WearZoneThreshold``). Wear by network (heat, power, water, sewer) is shown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .choices import Network, Zone
from .models import WearZoneThreshold

#: Thresholds by default: wear above which a region is red, and yellow.
DEFAULT_ZONE_THRESHOLDS: dict[str, Decimal] = {Zone.RED: Decimal("60"), Zone.YELLOW: Decimal("50")}
#: The indicator a zone is decided on.
ZONE_INDICATOR = "utl_wear_hws"
#: The indicator of the share of networks needing replacement.
REPLACEMENT_INDICATOR = "utl_replacement_share"
#: Wear indicators by network.
NETWORK_INDICATORS: dict[str, str] = {
    Network.HEAT: "utl_heat_wear",
    Network.POWER: "utl_power_wear",
    Network.WATER: "utl_water_wear",
    Network.SEWER: "utl_sewer_wear",
}


def zone_thresholds() -> dict[str, Decimal]:
    """The thresholds in force: those stored by the project office, the defaults for the rest."""
    thresholds = dict(DEFAULT_ZONE_THRESHOLDS)
    thresholds.update({row.zone: row.above_percent for row in WearZoneThreshold.objects.all()})
    return thresholds


def zone_for(wear: Decimal | None, thresholds: dict[str, Decimal] | None = None) -> str | None:
    """The zone of a wear figure: red above the red threshold, yellow above the yellow one, green otherwise."""
    if wear is None:
        return None
    thresholds = thresholds or DEFAULT_ZONE_THRESHOLDS
    if wear > thresholds[Zone.RED]:
        return Zone.RED
    if wear > thresholds[Zone.YELLOW]:
        return Zone.YELLOW
    return Zone.GREEN


@dataclass
class RegionWear:
    """A region's wear in a year: overall (heat, water, sewer), by network, share needing replacement, zone."""

    region: object
    year: int | None
    wear: Decimal | None
    by_network: dict[str, Decimal | None] = field(default_factory=dict)
    replacement_share: Decimal | None = None
    zone: str | None = None

    @property
    def region_id(self) -> int:
        return self.region.pk

    @property
    def zone_label(self) -> str:
        return str(Zone(self.zone).label) if self.zone else ""
