"""Home-page figures of the territory domain."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meks.core.home import Tile

from .selectors import region_list, settlement_list


def territory_tiles(user) -> list[Tile]:
    """Regions, settlements and monotowns within the user's scope; one query each."""
    settlements = settlement_list(user=user).aggregate(
        total=Count("pk"), monotowns=Count("pk", filter=Q(is_monotown=True))
    )
    url = reverse("territory:settlement_list")
    return [
        Tile(_("Regions"), region_list(user=user).count(), reverse("territory:region_list")),
        Tile(_("Settlements"), settlements["total"], url),
        Tile(_("Monotowns"), settlements["monotowns"], f"{url}?monotown=1"),
    ]
