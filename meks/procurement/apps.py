"""Application config of e-procurement: contractors, tenders, sealed bids, evaluation, awards, contracts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "meks.procurement"
    label = "procurement"
    verbose_name = _("Procurement")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from meks.core.access import Role
        from meks.core.home import register_tiles
        from meks.core.navigation import NavItem, register

        from . import tasks  # noqa: F401  (registers the periodic opening of bids)
        from .home import procurement_tiles

        roles = frozenset({Role.PROJECT_OFFICE, Role.MINISTRY, Role.TECHNICAL_OPERATOR, Role.AKIMAT, Role.UTILITY,
                           Role.CONTRACTOR, Role.MANUFACTURER})
        register(NavItem("procurement", _("Procurement"), "procurement:dashboard", order=30, roles=roles))
        register_tiles("procurement", procurement_tiles, order=30)
