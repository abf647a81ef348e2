"""Application config of indicators and regional analytics."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "meks.indicators"
    label = "indicators"
    verbose_name = _("Indicators and regional analytics")
