"""Application config of the open data: OC4IDS and OCDS packages of the platform's records."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "meks.opendata"
    label = "opendata"
    verbose_name = _("Open data")
