"""Application config of the shared kernel."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Installs the append-only guard on every history table after each migration."""

    name = "meks.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from . import audit, outbox  # noqa: F401  (outbox registers its delivery job)

        post_migrate.connect(audit.install_append_only_guards, dispatch_uid="meks-append-only-guards")
