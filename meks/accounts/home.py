"""Home-page figures of the accounts domain."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meks.core.home import Tile

from .selectors import organization_list


def organization_tiles(user) -> list[Tile]:
    """The organizations the user may see."""
    return [Tile(_("Organizations"), organization_list(user=user).count(), reverse("accounts:organization_list"))]
