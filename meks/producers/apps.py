"""Application config of domestic producers: the producer registry, product catalogue and offtake contracts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProducersConfig(AppConfig):
    name = "meks.producers"
    label = "producers"
    verbose_name = _("Domestic producers")

    def ready(self) -> None:
        from meks.core.home import register_tiles
        from meks.core.navigation import NavItem, register

        from .home import producer_tiles

        # Every signed-in user sees the entry: the register and the catalogue are public.
        register(NavItem("producers", _("Domestic producers"), "producers:dashboard", order=45))
        register_tiles("producers", producer_tiles, order=45)
