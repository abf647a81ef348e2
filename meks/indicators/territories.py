"""Territories of indicator values, named by KATO code: a region (2 digits), a district or a settlement (9)."""

from __future__ import annotations

from dataclasses import dataclass

from meks.territory.models import District, Region, Settlement

from .choices import TerritoryLevel


@dataclass(frozen=True)
class Territory:
    """A region, district or settlement, with the region it lies in."""

    level: str
    region: Region
    district: District | None = None
    settlement: Settlement | None = None

    @classmethod
    def of(cls, unit: Region | District | Settlement) -> Territory:
        """The territory of a region, district or settlement record."""
        if isinstance(unit, Settlement):
            return cls(TerritoryLevel.SETTLEMENT, unit.region, unit.district, unit)
        if isinstance(unit, District):
            return cls(TerritoryLevel.DISTRICT, unit.region, unit)
        return cls(TerritoryLevel.REGION, unit)

    @property
    def unit(self) -> Region | District | Settlement:
        return self.settlement or self.district or self.region

    @property
    def kato(self) -> str:
        return self.unit.kato

    @property
    def key(self) -> tuple[str, int]:
        """Identifies the territory among all levels."""
        return self.level, self.unit.pk

    def value_fields(self) -> dict:
        """The territory fields of an ``IndicatorValue``."""
        return {"level": self.level, "region": self.region, "district": self.district,
                "settlement": self.settlement}


class TerritoryDirectory:
    """Every territory by KATO code, loaded in three queries."""

    def __init__(self) -> None:
        self.by_kato: dict[str, Territory] = {}
        regions = {region.pk: region for region in Region.objects.all()}
        for region in regions.values():
            self.by_kato[region.kato] = Territory(TerritoryLevel.REGION, region)
        districts = {}
        for district in District.objects.all():
            district.region = regions[district.region_id]
            districts[district.pk] = district
            self.by_kato[district.kato] = Territory(TerritoryLevel.DISTRICT, district.region, district)
        for settlement in Settlement.objects.all():
            settlement.region = regions[settlement.region_id]
            if settlement.district_id:
                settlement.district = districts.get(settlement.district_id)
            self.by_kato[settlement.kato] = Territory(TerritoryLevel.SETTLEMENT, settlement.region,
                                                      settlement.district, settlement)

    def get(self, kato: str) -> Territory | None:
        return self.by_kato.get(kato)
