"""Application config of the contact centre."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "meks.appeals"
    label = "appeals"
    verbose_name = _("Contact centre")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from meks.core.access import Role
        from meks.core.navigation import NavItem, register

        from . import reminders  # noqa: F401  (registers the daily reminders job)

        handlers = frozenset({Role.CONTACT_CENTRE, Role.PROJECT_OFFICE, Role.AKIMAT, Role.UTILITY, Role.MINISTRY,
                              Role.TECHNICAL_OPERATOR, Role.FINANCIAL_OPERATOR})
        register(NavItem("appeals", _("Appeals"), "appeals:dashboard", order=35, roles=handlers))
