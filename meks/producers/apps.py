"""Application config of domestic producers: the producer registry, product catalogue and offtake contracts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProducersConfig(AppConfig):
    name = "meks.producers"
    label = "producers"
    verbose_name = _("Domestic producers")
