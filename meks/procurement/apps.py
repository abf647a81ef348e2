"""Application config of e-procurement: contractors, tenders, sealed bids, evaluation, awards, contracts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "meks.procurement"
    label = "procurement"
    verbose_name = _("Procurement")
