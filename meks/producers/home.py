"""Home-page figures of domestic producers: the register's size and, for those who hold them, offtake contracts."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from meks.core.home import Tile

from .selectors import contract_summary, is_offtake_reader, producer_of_user, producer_totals


def producer_tiles(user) -> list[Tile]:
    """The producers and products (for the roles that work with them) and the contracts behind plan."""
    if not is_offtake_reader(user):
        return []
    try:
        dashboard = reverse("producers:dashboard")
        contracts = reverse("producers:contract_list")
    except NoReverseMatch:
        return []
    tiles = []
    own = producer_of_user(user=user)
    if own is not None:
        tiles.append(Tile(_("My catalogue: products listed"), own.products.count(),
                          reverse("producers:producer_detail", args=[own.pk])))
    else:
        totals = producer_totals(user=user)
        tiles.append(Tile(_("Domestic producers"), totals["producers"], dashboard))
    summary = contract_summary(user=user)
    if summary["contracts"]:
        tiles.append(Tile(_("Offtake contracts behind plan"), summary["behind"], f"{contracts}?behind=1"))
    return tiles
