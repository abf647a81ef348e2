"""Forms of the accounts pages."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from meks.core.forms import VersionedModelForm

from .choices import Language
from .models import Organization
from .services import ORGANIZATION_EDITABLE_FIELDS


class LoginForm(AuthenticationForm):
    """The log-in form, with autocomplete hints for password managers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class OrganizationForm(VersionedModelForm):
    class Meta:
        model = Organization
        fields = list(ORGANIZATION_EDITABLE_FIELDS)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Interface language"), choices=Language.choices)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
