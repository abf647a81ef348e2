"""Home-page figures of indicators and regional analytics, for the roles the indicator pages serve."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from meks.core.home import Tile

from .choices import MonotownGroup, Zone
from .page_queries import is_indicators_reader
from .selectors import monotown_assessment, monotown_years, wear_zoning


def indicator_tiles(user) -> list[Tile]:
    """Regions in the red wear zone, and monotowns in the weakest group in the latest year."""
    if not is_indicators_reader(user):
        return []
    try:
        zones_url, ranking_url = reverse("indicators:zones"), reverse("indicators:monotown_ranking")
    except NoReverseMatch:
        return []
    tiles = []
    zoning = wear_zoning(user=user)
    if any(row.wear is not None for row in zoning):
        tiles.append(Tile(_("Regions in the red wear zone"), sum(1 for row in zoning if row.zone == Zone.RED),
                          zones_url, note=_("funded first")))
    years = monotown_years(user=user)
    if years:
        towns = monotown_assessment(user=user, year=years[0]).towns
        tiles.append(Tile(_("Monotowns in group 3"), sum(1 for town in towns if town.group == MonotownGroup.LAGGING),
                          f"{ranking_url}?year={years[0]}&group=3", note=str(years[0])))
    return tiles
