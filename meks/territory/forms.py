"""Forms of the territory pages."""

from meks.core.forms import VersionedModelForm

from .models import Settlement
from .services import SETTLEMENT_EDITABLE_FIELDS


class SettlementForm(VersionedModelForm):
    class Meta:
        model = Settlement
        fields = list(SETTLEMENT_EDITABLE_FIELDS)
