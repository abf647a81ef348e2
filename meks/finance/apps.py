"""Application config of financing."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "meks.finance"
    label = "finance"
    verbose_name = _("Financing")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from meks.core.home import register_tiles
        from meks.core.navigation import NavItem, register

        from .home import finance_tiles
        from .selectors import FINANCE_ROLES

        register(NavItem("finance", _("Financing"), "finance:dashboard", order=25, roles=frozenset(FINANCE_ROLES)))
        register_tiles("finance", finance_tiles, order=25)
