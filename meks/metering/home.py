"""Home-page figures of water and heat metering, within the user's scope."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from meks.core.home import Tile

from .selectors import is_metering_reader, meter_flag_summary


def metering_tiles(user) -> list[Tile]:
    """Meters with verification overdue and meters of a type not approved (nothing for those who see no meters)."""
    if not is_metering_reader(user):
        return []
    try:
        url = reverse("metering:meter_list")
    except NoReverseMatch:
        return []
    flags = meter_flag_summary(user=user)
    if not flags["total"]:
        return []
    return [
        Tile(_("Meters with verification overdue"), flags["overdue"], f"{url}?overdue=on"),
        Tile(_("Meters of a type not approved or withdrawn"), flags["type_not_approved"], f"{url}?withdrawn=on"),
    ]
