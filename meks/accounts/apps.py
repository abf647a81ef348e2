"""Application config of accounts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "meks.accounts"
    label = "accounts"
    verbose_name = _("Users and organizations")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from meks.core.access import Role
        from meks.core.home import register_tiles
        from meks.core.navigation import NavItem, register

        from .home import organization_tiles

        register(NavItem("home", _("Home"), "core:home", order=0))
        register(NavItem("organizations", _("Organizations"), "accounts:organization_list", order=85))
        register(
            NavItem(
                "my_organization", _("My organization"), "accounts:my_organization", order=21,
                roles=frozenset(set(Role) - {Role.PROJECT_OFFICE, Role.AKIMAT}),
            )
        )
        register(NavItem("admin", _("Back office"), "admin:index", order=200, staff_only=True))
        register_tiles("organizations", organization_tiles, order=85)

        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        from .signals import record_last_login

        # Log-ins are recorded by django-axes; a plain UPDATE of last_login keeps them out of the
        # account's history of changes.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="meks_record_last_login")
