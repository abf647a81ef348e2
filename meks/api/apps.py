"""Application config of the REST API."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "meks.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        # The API layer knows both procurement and the domestic producers; it hands the producers' totals to
        # the procurement dashboard, which may not import the producers' app itself.
        from .procurement import register_dashboard_figures

        register_dashboard_figures()
