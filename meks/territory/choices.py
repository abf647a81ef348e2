"""Choices of the territory domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegionKind(models.TextChoices):
    """A region (oblast) or a city of republican significance."""

    OBLAST = "oblast", pgettext_lazy("region kind", "Region")
    CITY = "city", _("City of republican significance")


class SettlementKind(models.TextChoices):
    """The kind of settlement."""

    CITY = "city", _("City")
    TOWN = "town", _("Town")
    VILLAGE = "village", _("Village")


class VillageSpecialization(models.TextChoices):
    """What a village's economy rests on (screened under the regional policy)."""

    CROPS = "crops", _("Crop farming")
    LIVESTOCK = "livestock", _("Livestock")
    TOURISM = "tourism", _("Tourism")
    INDUSTRY = "industry", _("Industry")
    LOGISTICS = "logistics", _("Logistics")
    SERVICES = "services", _("Services")
