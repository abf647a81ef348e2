"""Forms of the financing pages; each hands its cleaned data to a service and shows the service's refusals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meks.accounts.models import Organization
from meks.core.forms import add_service_error  # noqa: F401  (used here and by the views)
from meks.portfolio.models import Project

from .choices import DOCUMENTS
from .models import FinancingChannel, Tranche

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AMOUNT_INPUT = forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"})


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Project) -> str:
        return f"{obj.code} — {obj.title}"


class ApplicationForm(forms.Form):
    """A new financing application for a project: channel, amount, term, rate, conditions, documents."""

    project = ProjectChoiceField(label=_("Project"), queryset=Project.objects.none())
    channel = forms.ModelChoiceField(label=_("Financing channel"), queryset=FinancingChannel.objects.none())
    amount_requested = forms.DecimalField(label=_("Amount requested, tenge"), max_digits=18, decimal_places=2,
                                          widget=AMOUNT_INPUT, help_text=_("In tenge, not above the project's estimate."))
    term_months = forms.IntegerField(label=_("Term, months"), required=False, min_value=1, max_value=480)
    rate = forms.DecimalField(label=_("Interest rate, % a year"), required=False, max_digits=5, decimal_places=2,
                              min_value=0, max_value=100)
    conditions = forms.CharField(label=_("Conditions"), required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    documents = forms.MultipleChoiceField(label=_("Documents attached"), required=False,
                                          choices=[(key, label) for key, label in DOCUMENTS.items()],
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, projects: Any, channels: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if projects is None:
            del self.fields["project"]
        else:
            self.fields["project"].queryset = projects
        self.fields["channel"].queryset = channels

    def service_fields(self) -> dict[str, Any]:
        """The cleaned fields as ``application_create`` takes them (the checklist as key → attached)."""
        data = dict(self.cleaned_data)
        chosen = set(data.pop("documents") or ())
        data["documents"] = {key: key in chosen for key in DOCUMENTS}
        data["conditions"] = data.get("conditions") or ""
        return data


class ApplicationEditForm(ApplicationForm):
    """A draft or returned application's terms, changed by the applicant; posted with the version seen."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500,
                             help_text=_("Optional; kept in the record's history."))

    def __init__(self, *args: Any, application: Any, channels: Any, **kwargs: Any) -> None:
        initial = {"channel": application.channel_id, "amount_requested": application.amount_requested,
                   "term_months": application.term_months, "rate": application.rate,
                   "conditions": application.conditions, "version": application.version,
                   "documents": [key for key, attached in (application.documents or {}).items() if attached]}
        super().__init__(*args, projects=None, channels=channels, initial=initial, **kwargs)

    def changes(self) -> dict[str, Any]:
        """The fields as ``application_update`` takes them."""
        data = self.service_fields()
        data.pop("version")
        data.pop("reason")
        return data


class TransitionForm(forms.Form):
    """One lifecycle move, posted with the version of the application the user saw."""

    action = forms.CharField(max_length=40)
    version = forms.IntegerField(min_value=1)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=5000)
    lender = forms.ModelChoiceField(label=_("Lender"), queryset=Organization.objects.all(), required=False)
    agreement_number = forms.CharField(label=_("Agreement number"), required=False, max_length=60)
    agreement_date = forms.DateField(label=_("Agreement date"), required=False, widget=DATE_INPUT)


class DecisionForm(forms.Form):
    """The decision approving a routed application."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    body = forms.CharField(label=_("Decision body"), max_length=300,
                           help_text=_("E.g. the credit committee of the lender."))
    number = forms.CharField(label=_("Decision number"), max_length=60)
    date = forms.DateField(label=_("Decision date"), widget=DATE_INPUT)
    amount_approved = forms.DecimalField(label=_("Amount approved, tenge"), max_digits=18, decimal_places=2,
                                         widget=AMOUNT_INPUT)
    amount_reason = forms.CharField(label=_("Reason the amount differs from the request"), required=False,
                                    max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("Required when the amount approved is not the amount requested."))
    round = forms.IntegerField(label=_("Financing round"), min_value=1, max_value=99)
    conditions = forms.CharField(label=_("Conditions"), required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["body", "number", "date", "amount_approved", "amount_reason", "round", "conditions", "version"]


class TranchePlanForm(forms.Form):
    """A tranche added to the schedule."""

    planned_date = forms.DateField(label=_("Planned date"), widget=DATE_INPUT)
    planned_amount = forms.DecimalField(label=_("Planned amount, tenge"), max_digits=18, decimal_places=2,
                                        widget=AMOUNT_INPUT)


class TranchePayForm(forms.Form):
    """A payment: of a planned tranche or off the schedule."""

    tranche = forms.ModelChoiceField(label=_("Planned tranche"), queryset=Tranche.objects.none(), required=False,
                                     empty_label=_("— off the schedule —"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT)
    amount = forms.DecimalField(label=_("Amount paid, tenge"), max_digits=18, decimal_places=2, widget=AMOUNT_INPUT)

    def __init__(self, *args: Any, unpaid: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unpaid is not None:
            self.fields["tranche"].queryset = unpaid
        self.fields["tranche"].label_from_instance = lambda tranche: _("No. %(number)s, %(date)s") % {
            "number": tranche.number, "date": tranche.planned_date or "—"}
