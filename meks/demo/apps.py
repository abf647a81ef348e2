"""Application config of the demo data set."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "meks.demo"
    label = "demo"
    verbose_name = _("Demo data")

    def ready(self) -> None:
        from django.conf import settings

        from meks.accounts.login_hints import register

        if settings.MEKS_DEMO_ENABLED:
            register(_demo_login_hints)


def _demo_login_hints() -> dict:
    from .accounts import DEMO_ACCOUNTS, demo_password

    return {"demo_accounts": DEMO_ACCOUNTS, "demo_password": demo_password()}
