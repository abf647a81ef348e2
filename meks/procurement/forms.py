"""Forms of the procurement pages; each hands its cleaned data to a service and shows the service's refusals.

The forms check only the shape of the input (a number, a date, a choice); every rule of procurement (who may,
until when, how much) is the services' and comes back as their translated refusal.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meks.portfolio.models import Project
from meks.territory.models import Region

from .choices import AmendmentKind, RequirementKind, TenderMethod, WorkCategory

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
AMOUNT_INPUT = forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"})
SHARE_INPUT = forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100", "inputmode": "decimal"})
TEXT_AREA = forms.Textarea(attrs={"rows": 3})
#: The largest document a bid may carry, and how many.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_DOCUMENTS = 10
REQUIREMENT_FIELDS = {kind: f"requirement_{kind}" for kind in RequirementKind.values}


def money_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=18, decimal_places=2, widget=AMOUNT_INPUT, **kwargs)


def share_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=5, decimal_places=2, widget=SHARE_INPUT, **kwargs)


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Project) -> str:
        return f"{obj.code} — {obj.title}"


# --- the contractor registry -------------------------------------------------------------------------------


class ContractorRegisterForm(forms.Form):
    """A contractor's registration: BIN, names, region, contacts, categories of work and experience."""

    bin = forms.CharField(label=_("BIN"), max_length=12, min_length=12,
                          help_text=_("12 digits; the last one is the control digit."),
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=300)
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=300, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    region = forms.ModelChoiceField(label=_("Region of registration"), queryset=Region.objects.all(), required=False)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    categories = forms.MultipleChoiceField(label=_("Categories of work"), choices=WorkCategory.choices,
                                           widget=forms.CheckboxSelectMultiple, required=False)
    experience_years = forms.IntegerField(label=_("Years of experience"), min_value=0, max_value=200, initial=0)


class ContractorMoveForm(forms.Form):
    """The registry keeper's verification or suspension of a contractor."""

    action = forms.ChoiceField(choices=[("verify", "verify"), ("suspend", "suspend")])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=5000)


class UnreliableIncludeForm(forms.Form):
    """An entry of the register of unreliable suppliers."""

    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=TEXT_AREA)
    basis = forms.CharField(label=_("Basis (decision or court ruling)"), max_length=300, required=False)
    listed_from = forms.DateField(label=_("Listed from"), widget=DATE_INPUT, required=False)
    listed_until = forms.DateField(label=_("Listed until"), widget=DATE_INPUT, required=False,
                                   help_text=_("Empty: indefinitely."))


class ReasonForm(forms.Form):
    """A move that only needs a reason."""

    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=TEXT_AREA)


# --- tenders -----------------------------------------------------------------------------------------------


class TenderFieldsForm(forms.Form):
    """The fields a tender's draft carries (shared by the new-tender and the edit forms)."""

    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=500)
    title_kk = forms.CharField(label=_("Title (Kazakh)"), max_length=500, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=500, required=False)
    description = forms.CharField(label=_("Description"), required=False, max_length=20000, widget=TEXT_AREA)
    method = forms.ChoiceField(label=_("Method"), choices=TenderMethod.choices, initial=TenderMethod.OPEN)
    single_source_justification = forms.CharField(label=_("Justification of the single source"), required=False,
                                                  max_length=5000, widget=TEXT_AREA,
                                                  help_text=_("Required for a single-source procurement."))
    is_turnkey = forms.BooleanField(label=_("Turnkey (EPC)"), required=False)
    evaluation_criteria = forms.CharField(label=_("Evaluation criteria"), required=False, max_length=5000,
                                          widget=TEXT_AREA)
    clarification_deadline = forms.DateTimeField(label=_("Clarification questions until"), widget=DATETIME_INPUT,
                                                 required=False)
    bid_deadline = forms.DateTimeField(label=_("Bid deadline"), widget=DATETIME_INPUT, required=False)
    opening_at = forms.DateTimeField(label=_("Opening of bids"), widget=DATETIME_INPUT, required=False)
    evaluation_deadline = forms.DateTimeField(label=_("Evaluation until"), widget=DATETIME_INPUT, required=False)


class TenderCreateForm(TenderFieldsForm):
    """A new tender (a draft) for a project, with its first lot and its qualification requirements."""

    project = ProjectChoiceField(label=_("Project"), queryset=Project.objects.none())
    lot_title_ru = forms.CharField(label=_("Lot 1: title (Russian)"), max_length=500)
    lot_category = forms.ChoiceField(label=_("Lot 1: category of work"), choices=WorkCategory.choices)
    lot_estimated_value = money_field(_("Lot 1: estimated value, tenge"))

    field_order = ["project", "title_ru", "title_kk", "title_en", "description", "method",
                   "single_source_justification", "is_turnkey", "lot_title_ru", "lot_category", "lot_estimated_value"]

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        for kind, label in RequirementKind.choices:
            self.fields[REQUIREMENT_FIELDS[kind]] = forms.CharField(
                label=_("Requirement: %(kind)s") % {"kind": label}, required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Leave empty when not required."))

    def service_fields(self) -> dict[str, Any]:
        """The cleaned fields as ``tender_create`` takes them."""
        data = dict(self.cleaned_data)
        lot = {"title_ru": data.pop("lot_title_ru"), "category": data.pop("lot_category"),
               "estimated_value": data.pop("lot_estimated_value")}
        requirements = []
        for kind in RequirementKind.values:
            text = (data.pop(REQUIREMENT_FIELDS[kind]) or "").strip()
            if text:
                requirements.append({"kind": kind, "text": text})
        return {**data, "lots": [lot], "requirements": requirements}


class TenderEditForm(TenderFieldsForm):
    """A draft tender's fields, changed by its customer; posted with the version seen."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500,
                             help_text=_("Optional; kept in the record's history."))

    def __init__(self, *args: Any, tender: Any, **kwargs: Any) -> None:
        initial = {name: getattr(tender, name) for name in TenderFieldsForm.base_fields}
        initial["version"] = tender.version
        super().__init__(*args, initial=initial, **kwargs)

    def changes(self) -> dict[str, Any]:
        """The changed fields as ``tender_update`` takes them."""
        return {name: value for name, value in self.cleaned_data.items()
                if name not in ("version", "reason") and name in self.changed_data}


class LotForm(forms.Form):
    """Another lot of a draft tender."""

    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=500)
    category = forms.ChoiceField(label=_("Category of work"), choices=WorkCategory.choices)
    estimated_value = money_field(_("Estimated value, tenge"))


class RequirementForm(forms.Form):
    """Another qualification requirement of a draft tender."""

    kind = forms.ChoiceField(label=_("Kind"), choices=RequirementKind.choices)
    text = forms.CharField(label=_("Requirement"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class TransitionForm(forms.Form):
    """One lifecycle move of a tender, posted with the version of the tender the user saw."""

    action = forms.CharField(max_length=40)
    version = forms.IntegerField(min_value=1)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=5000)


class QuestionForm(forms.Form):
    """A contractor's clarification question."""

    text = forms.CharField(label=_("Your question"), max_length=5000, widget=TEXT_AREA,
                           help_text=_("Questions and answers are public; your name is not shown."))
    lot = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    """The customer's answer to a question."""

    answer = forms.CharField(label=_("Answer"), max_length=10000, widget=TEXT_AREA)


class ComplaintForm(forms.Form):
    """A contractor's complaint to the review body."""

    subject = forms.CharField(label=_("Subject"), max_length=300)
    text = forms.CharField(label=_("Complaint"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))


class ComplaintAcceptForm(forms.Form):
    """The review body takes a complaint for review, suspending the tender or not."""

    suspend = forms.BooleanField(label=_("Suspend the tender until the decision"), required=False)


class ComplaintDecisionForm(forms.Form):
    """The review body's decision on a complaint."""

    upheld = forms.TypedChoiceField(label=_("Decision"), coerce=lambda value: value == "1",
                                    choices=[("1", _("Upheld")), ("0", _("Dismissed"))], widget=forms.RadioSelect)
    decision = forms.CharField(label=_("Text of the decision"), max_length=20000, widget=TEXT_AREA)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    new_bid_deadline = forms.DateTimeField(label=_("New bid deadline"), widget=DATETIME_INPUT, required=False,
                                           help_text=_("Optional: extend the bid deadline of a tender open for bids."))


# --- bids --------------------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several files in one field (Django's documented pattern), each checked for size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_DOCUMENTS:
            raise ValidationError(_("Attach at most %(count)s documents.") % {"count": MAX_DOCUMENTS})
        cleaned = [super(DocumentsField, self).clean(item, initial) for item in files]
        for item in cleaned:
            if item.size > MAX_DOCUMENT_BYTES:
                raise ValidationError(_("“%(name)s” is larger than %(size)s MB.")
                                      % {"name": item.name, "size": MAX_DOCUMENT_BYTES // (1024 * 1024)})
        return cleaned


class BidForm(forms.Form):
    """A sealed bid: price, the declared local-content share and documents; encrypted as soon as it arrives."""

    lot = forms.TypedChoiceField(label=_("Lot"), coerce=int, choices=())
    price = money_field(_("Price, tenge"), help_text=_("Sealed until the bid deadline: nobody can read it before."))
    local_content_share = share_field(_("Declared local-content share, %"),
                                      help_text=_("The share of domestic goods, works and services in the price."))
    documents = DocumentsField(label=_("Documents"), required=False,
                               help_text=_("Sealed with the price; opened only after the deadline."))

    def __init__(self, *args: Any, lots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lot"].choices = [(lot.pk, f"{lot.number}. {lot.title}") for lot in lots]

    def documents_as_pairs(self) -> list[tuple[str, bytes]]:
        """The uploaded documents as (file name, bytes), as ``bid_submit`` takes them."""
        return [(item.name, item.read()) for item in self.cleaned_data.get("documents") or []]


class BidReplaceForm(BidForm):
    """A new sealed bid replacing the bidder's earlier one on the same lot."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, lots=(), **kwargs)
        del self.fields["lot"]


class QualificationForm(forms.Form):
    """The evaluators' finding on one requirement for one opened bid."""

    bid = forms.IntegerField(widget=forms.HiddenInput)
    requirement = forms.IntegerField(widget=forms.HiddenInput)
    passed = forms.TypedChoiceField(label=_("Result"), coerce=lambda value: value == "1",
                                    choices=[("1", _("passes")), ("0", _("fails"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=5000,
                           help_text=_("Required when the bid fails."))


class ContractSignForm(forms.Form):
    """The contract signed on a pending award."""

    award = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.CharField(label=_("Contract number"), max_length=60)
    start_date = forms.DateField(label=_("Start"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("End"), widget=DATE_INPUT)
    local_content_share = share_field(_("Committed local-content share, %"), required=False,
                                      help_text=_("Not below the share declared in the bid; empty: the declared one."))


# --- contracts ---------------------------------------------------------------------------------------------


class AmendmentForm(forms.Form):
    """An amendment of a contract's value, duration or scope."""

    kind = forms.ChoiceField(label=_("What changes"), choices=AmendmentKind.choices)
    value_change = forms.DecimalField(label=_("Change of value, tenge"), max_digits=18, decimal_places=2,
                                      required=False, help_text=_("Negative for a decrease."),
                                      widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    new_end_date = forms.DateField(label=_("New end"), widget=DATE_INPUT, required=False)
    scope_change = forms.CharField(label=_("Change of scope"), required=False, max_length=5000, widget=TEXT_AREA)
    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=TEXT_AREA)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_INPUT)


class PaymentForm(forms.Form):
    """A payment against the progress a report shows."""

    progress_report = forms.ModelChoiceField(label=_("Progress report paid for"), queryset=None)
    amount = money_field(_("Amount, tenge"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT)

    def __init__(self, *args: Any, reports: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["progress_report"].queryset = reports
        self.fields["progress_report"].label_from_instance = lambda report: _(
            "%(month)s: %(percent)s %% complete") % {"month": f"{report.period:%m.%Y}",
                                                     "percent": report.completion_percent}
