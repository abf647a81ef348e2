"""Application config of the REST API."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "meks.api"
    label = "api"
    verbose_name = _("REST API")
