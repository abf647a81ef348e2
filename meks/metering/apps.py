"""Application config of water and heat metering."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeteringConfig(AppConfig):
    name = "meks.metering"
    label = "metering"
    verbose_name = _("Water and heat metering")

    def ready(self) -> None:
        from meks.core.access import Role
        from meks.core.home import register_tiles
        from meks.core.navigation import NavItem, register

        from . import partitions  # noqa: F401 (registers the daily job creating partitions ahead)
        from .home import metering_tiles

        readers = frozenset({Role.PROJECT_OFFICE, Role.MINISTRY, Role.TECHNICAL_OPERATOR, Role.AKIMAT, Role.UTILITY})
        register(NavItem("metering", _("Metering"), "metering:dashboard", order=50, roles=readers))
        register_tiles("metering", metering_tiles, order=50)
