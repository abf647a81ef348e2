"""Application config of the reports and briefings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "meks.reports"
    label = "reports"
    verbose_name = _("Reports and briefings")

    def ready(self) -> None:
        from . import digests  # noqa: F401  (registers the weekly digests job)
