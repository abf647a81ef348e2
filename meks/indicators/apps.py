"""Application config of indicators and regional analytics."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "meks.indicators"
    label = "indicators"
    verbose_name = _("Indicators and regional analytics")

    def ready(self) -> None:
        from meks.core.home import register_tiles
        from meks.core.navigation import NavItem, register
        from meks.core.region_figures import register_region_figures

        from .home import indicator_tiles
        from .page_queries import READER_ROLES
        from .selectors import region_figures_for_portfolio

        register_region_figures(region_figures_for_portfolio)
        register(NavItem("indicators", _("Indicators"), "indicators:overview", order=40, roles=frozenset(READER_ROLES)))
        register_tiles("indicators", indicator_tiles, order=40)
