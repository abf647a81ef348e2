"""Application config of the control of assignments."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "meks.assignments"
    label = "assignments"
    verbose_name = _("Control of assignments")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from meks.core.access import Role
        from meks.core.home import register_tiles
        from meks.core.navigation import NavItem, register

        from . import reminders  # noqa: F401  (registers the daily reminders job)
        from .home import assignment_tiles

        executors = frozenset(set(Role) - {Role.CONTRACTOR, Role.MANUFACTURER, Role.CONTACT_CENTRE})
        register(NavItem("assignments", _("Assignments"), "assignments:dashboard", order=30, roles=executors))
        register_tiles("assignments", assignment_tiles, order=30)
