"""Application config of the public portal."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "meks.portal"
    label = "portal"
    verbose_name = _("Public portal")
