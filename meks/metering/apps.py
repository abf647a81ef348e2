"""Application config of water and heat metering."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeteringConfig(AppConfig):
    name = "meks.metering"
    label = "metering"
    verbose_name = _("Water and heat metering")
