"""Application config of the reports and briefings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "meks.reports"
    label = "reports"
    verbose_name = _("Reports and briefings")

    def ready(self) -> None:
        from meks.core.home import register_tiles
        from meks.core.navigation import NavItem, register

        from . import digests  # noqa: F401  (registers the weekly digests job)
        from .briefing import BRIEFING_ROLES, briefing_tiles

        register(NavItem("briefing", _("Briefing"), "reports:briefing", order=60, roles=frozenset(BRIEFING_ROLES)))
        register_tiles("briefing", briefing_tiles, order=90)
