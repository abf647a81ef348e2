"""Forms of domestic producers: a registration, a catalogue position, a certificate, a delivery, a bill upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meks.core.forms import (
    VersionedModelForm,
    add_service_error,  # noqa: F401  (used here and by the views)
)

from .models import OriginCertificate, Producer, Product

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProducerForm(VersionedModelForm):
    """A producer's registration: the owner edits names, region, address and capacity; operators also the BIN."""

    class Meta:
        model = Producer
        fields = ["name_ru", "name_kk", "name_en", "bin", "region", "address", "capacity"]


class ProductForm(VersionedModelForm):
    """A catalogue position."""

    class Meta:
        model = Product
        fields = ["name_ru", "name_kk", "name_en", "category", "code", "unit", "unit_price", "quantity_listed",
                  "description"]


class NewProductForm(forms.ModelForm):
    """A new catalogue position."""

    class Meta:
        model = Product
        fields = ["name_ru", "name_kk", "name_en", "category", "code", "unit", "unit_price", "quantity_listed",
                  "description"]


class CertificateForm(forms.ModelForm):
    """A certificate of origin of a product."""

    class Meta:
        model = OriginCertificate
        fields = ["number", "issuer", "issued_on", "valid_until"]
        widgets = {"issued_on": DATE_INPUT, "valid_until": DATE_INPUT}


class DeliveryForm(forms.Form):
    """A delivery under an offtake contract."""

    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE_INPUT)
    quantity = forms.DecimalField(label=_("Quantity delivered"), max_digits=18, decimal_places=3, min_value=0)
    document = forms.CharField(label=_("Waybill or acceptance act"), required=False, max_length=100)


class TransitionForm(forms.Form):
    """A move of a registration's status, with its reason."""

    action = forms.CharField(max_length=40)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=5000)


class BillUploadForm(forms.Form):
    """A bill of materials filled in the platform's template."""

    file = forms.FileField(label=_("Workbook (.xlsx) filled in the template"))
