"""Application config of the portfolio."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "meks.portfolio"
    label = "portfolio"
    verbose_name = _("Project portfolio")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from meks.core.access import Role
        from meks.core.navigation import NavItem, register

        from . import rating  # noqa: F401  (registers the periodic rating snapshot)

        readers = frozenset({Role.PROJECT_OFFICE, Role.MINISTRY, Role.TECHNICAL_OPERATOR, Role.FINANCIAL_OPERATOR,
                             Role.CONTACT_CENTRE, Role.AKIMAT, Role.UTILITY})
        register(NavItem("dashboard", _("Dashboard"), "portfolio:dashboard", order=5, roles=readers))
        register(NavItem("projects", _("Projects"), "portfolio:project_list", order=10, roles=readers))
        register(NavItem("rating", _("Region rating"), "portfolio:rating", order=15, roles=readers))
