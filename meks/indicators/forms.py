"""Forms of the indicator pages: value filters and import, "what if" weights, thresholds, pools, comparisons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Domain, PeriodType, TerritoryLevel, Zone

XLSX_ACCEPT = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ValueFilterForm(forms.Form):
    """What the values page shows: one indicator (or all), a region, a year, a period type, a level."""

    indicator = forms.ChoiceField(label=_("Indicator"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    period_type = forms.ChoiceField(label=_("Period"), required=False,
                                    choices=[("", _("All")), *PeriodType.choices])
    level = forms.ChoiceField(label=_("Territory level"), required=False,
                              choices=[("", _("All")), *TerritoryLevel.choices])

    def __init__(self, *args: Any, indicators: list[tuple[str, str]], regions: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", _("All")), *indicators]
        self.fields["region"].choices = [("", _("All")), *regions]

    def value(self, name: str) -> Any:
        """The cleaned value of a filter, or None when the filters do not validate or it is empty."""
        if not self.is_valid():
            return None
        return self.cleaned_data.get(name) or None


class ValueImportForm(forms.Form):
    """A workbook of indicator values in the long or the wide layout."""

    layout = forms.ChoiceField(
        label=_("Layout"), widget=forms.RadioSelect, initial="long",
        choices=[("long", _("Long: one value per row (code, kato, period, value, unit)")),
                 ("wide", _("Wide: one row per territory, one column per indicator, one period"))],
    )
    period = forms.CharField(
        label=_("Period of a wide sheet"), required=False, max_length=10,
        help_text=_("Only for the wide layout: 2024, 2024-Q2 or 2024-05."),
    )
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("The first sheet is read. Nothing is saved unless every row is correct."),
        widget=forms.ClearableFileInput(attrs={"accept": XLSX_ACCEPT}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("layout") == "wide" and not data.get("period"):
            self.add_error("period", _("Give the period the wide sheet's values are for."))
        return data


class WeightsForm(forms.Form):
    """Trial domain weights of the monotown index (0–100 each); saving them needs the project office and a tick."""

    confirm = forms.BooleanField(
        label=_("Yes, make these weights the ones in force for every user"), required=False,
    )
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)

    def __init__(self, *args: Any, current: dict[str, Decimal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = {}
        for domain in Domain:
            fields[domain.value] = forms.DecimalField(
                label=domain.label, min_value=0, max_value=100, max_digits=6, decimal_places=3,
                initial=current.get(domain.value), required=True,
                widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
            )
        self.fields = {**fields, **self.fields}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if all(data.get(domain.value) is not None for domain in Domain) and not any(
                data[domain.value] for domain in Domain):
            raise forms.ValidationError(_("At least one domain needs a weight above zero."))
        return data

    def weights(self) -> dict[str, Decimal]:
        """The trial weights by domain."""
        return {domain.value: self.cleaned_data[domain.value] for domain in Domain}


class CompareForm(forms.Form):
    """Two to four monotowns to compare."""

    town = forms.TypedMultipleChoiceField(label=_("Towns"), coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, towns: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = towns

    def clean_town(self) -> list[int]:
        towns = self.cleaned_data["town"]
        if not 2 <= len(towns) <= 4:
            raise forms.ValidationError(_("Choose from two to four towns."))
        return towns


class ThresholdsForm(forms.Form):
    """The wear above which a region is in the red and in the yellow zone."""

    red = forms.DecimalField(label=Zone.RED.label, min_value=0, max_value=100, max_digits=5, decimal_places=2,
                             help_text=_("Wear above this, %, puts a region in the red zone."))
    yellow = forms.DecimalField(label=Zone.YELLOW.label, min_value=0, max_value=100, max_digits=5,
                                decimal_places=2, help_text=_("Wear above this, %, and up to the red threshold."))
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("red") is not None and data.get("yellow") is not None and data["red"] <= data["yellow"]:
            raise forms.ValidationError(_("The red zone threshold must be above the yellow one."))
        return data


class PoolForm(forms.Form):
    """The incentive pool of a year: tried on the page, saved by the project office."""

    pool = forms.DecimalField(label=_("Pool, million tenge"), min_value=0, max_digits=14, decimal_places=2)
    cap_share = forms.DecimalField(
        label=_("Largest share of the pool for one region"), min_value=0, max_value=1, max_digits=4,
        decimal_places=3, help_text=_("From 0 to 1; 0.25 means a quarter of the pool at most."),
    )
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)
