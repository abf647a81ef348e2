"""Forms of the metering pages: the filters of the registers and dashboards, and the upload of readings.

Filter forms are unbound-tolerant GET forms: a wrong value is ignored (the filter is not applied) rather
than answered with an error, so a stale bookmark still opens the list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import BatchMode, BatchSource, BatchStatus, Interface, Medium, MeterRole, TypeStatus

#: The largest upload accepted by the page (bigger files go through the bulk API).
UPLOAD_MAX_BYTES = 50 * 1024 * 1024
YES_NO = (("", _("All")), ("1", _("Yes")), ("0", _("No")))


def _with_all(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("All")), *choices]


class FilterForm(forms.Form):
    """A GET filter form: ``values()`` gives the valid, non-empty filters; ``query()`` them as a query string."""

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        data = data.copy() if data is not None else {}
        for name, value in self.defaults().items():
            if not data.get(name):
                data[name] = value
        super().__init__(data, **kwargs)
        self.is_valid()

    def defaults(self) -> dict[str, str]:
        """Values the filter takes when the query does not give them (shown in the form as chosen)."""
        return {}

    def values(self) -> dict[str, Any]:
        """The filters that were given and are valid."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: value for name, value in cleaned.items()
                if name not in self.errors and value not in (None, "", [])}

    def query(self) -> str:
        """The valid filters as a query string (for export links that carry the same filters)."""
        pairs = {}
        for name, value in self.values().items():
            pairs[name] = getattr(value, "pk", value)
            if isinstance(value, dt.date):
                pairs[name] = value.strftime("%Y-%m")
        return urlencode(pairs)


class MeterTypeFilterForm(FilterForm):
    """Filters of the register of meter types."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, approval number or maker")}))
    medium = forms.ChoiceField(label=_("Medium"), required=False, choices=_with_all(Medium.choices))
    interface = forms.ChoiceField(label=_("Interface"), required=False, choices=_with_all(Interface.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_with_all(TypeStatus.choices))
    domestic = forms.ChoiceField(label=_("Domestic"), required=False, choices=YES_NO)


class MeterFilterForm(FilterForm):
    """Filters of the register of meters."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Serial, account or address")}))
    settlement = forms.TypedChoiceField(label=_("Settlement"), required=False, coerce=int, empty_value=None)
    building = forms.TypedChoiceField(label=_("Building"), required=False, coerce=int, empty_value=None)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=_with_all(MeterRole.choices))
    medium = forms.ChoiceField(label=_("Medium"), required=False, choices=_with_all(Medium.choices))
    meter_type = forms.IntegerField(required=False, widget=forms.HiddenInput)
    overdue = forms.BooleanField(label=_("Verification overdue"), required=False)
    withdrawn = forms.BooleanField(label=_("Type not approved or withdrawn"), required=False)

    def __init__(self, data: Any = None, *, settlements: Any = (), buildings: Any = (), **kwargs: Any) -> None:
        self.base_fields["settlement"].choices = _with_all([(item.pk, item.name) for item in settlements])
        self.base_fields["building"].choices = _with_all(list(buildings))
        super().__init__(data, **kwargs)


class BuildingFilterForm(FilterForm):
    """Filters of the list of buildings."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Address")}))
    settlement = forms.TypedChoiceField(label=_("Settlement"), required=False, coerce=int, empty_value=None)

    def __init__(self, data: Any = None, *, settlements: Any = (), **kwargs: Any) -> None:
        self.base_fields["settlement"].choices = _with_all([(item.pk, item.name) for item in settlements])
        super().__init__(data, **kwargs)


class BatchFilterForm(FilterForm):
    """Filters of the list of reading batches."""

    source = forms.ChoiceField(label=_("Source"), required=False, choices=_with_all(BatchSource.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_with_all(BatchStatus.choices))
    problems = forms.BooleanField(label=_("With rejected rows or conflicts"), required=False)


class PeriodFilterForm(FilterForm):
    """The dashboards' period: a year of months ending with ``until`` (a month, ``YYYY-MM``); and a region."""

    until = forms.DateField(label=_("Up to the month"), required=False, input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    region = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def defaults(self) -> dict[str, str]:
        """The last complete month."""
        this_month = timezone.localdate().replace(day=1)
        return {"until": (this_month - dt.timedelta(days=1)).strftime("%Y-%m")}


class ConsumptionFilterForm(PeriodFilterForm):
    """The consumption dashboard's period, region and medium (cold water when none is chosen)."""

    medium = forms.ChoiceField(label=_("Medium"), required=False, choices=Medium.choices)

    field_order = ["medium", "until", "region"]

    def defaults(self) -> dict[str, str]:
        return {**super().defaults(), "medium": Medium.COLD_WATER}


class ReadingsUploadForm(forms.Form):
    """A CSV or XLSX file of readings and what to do with its good rows when some are bad."""

    file = forms.FileField(
        label=_("File of readings (.csv or .xlsx)"),
        help_text=_("Columns meter, taken_at and value, named in the first row; up to 50 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv,"
                                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )
    mode = forms.ChoiceField(
        label=_("When some rows are bad"), choices=BatchMode.choices, initial=BatchMode.ACCEPT_GOOD,
        widget=forms.RadioSelect,
        help_text=_("Accept the good rows and list the bad ones, or save nothing unless every row is good."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Upload a CSV or XLSX file."), code="extension")
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB: send it through the bulk API."),
                                        code="too_large")
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        return upload
