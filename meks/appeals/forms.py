"""Forms of the contact-centre pages; each hands its cleaned data to a service and shows the service's refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization, User
from meks.core.forms import add_service_error  # noqa: F401  (used here and by the views)
from meks.core.i18n import localized_field_name
from meks.portfolio.selectors import PortfolioFilters, project_list
from meks.territory.models import Region

from .models import Appeal, Category
from .services import MAX_TEXT

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
#: Kinds of organization an appeal may be forwarded to.
FORWARD_KINDS = (OrganizationKind.PROJECT_OFFICE, OrganizationKind.MINISTRY, OrganizationKind.TECHNICAL_OPERATOR,
                 OrganizationKind.AKIMAT, OrganizationKind.UTILITY, OrganizationKind.FINANCIAL_OPERATOR)
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".odt", ".xlsx", ".jpg", ".jpeg", ".png")


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.name


class RegionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.name


def _lookup_attrs() -> dict[str, str]:
    """The htmx attributes that look the applicant up while the operator types a phone or an IIN."""
    return {
        "hx-get": reverse_lazy("appeals:lookup"), "hx-target": "#applicant-history",
        "hx-trigger": "input changed delay:400ms", "hx-sync": "closest form:abort",
        "hx-include": "#id_applicant_phone, #id_applicant_iin, #id_applicant_name",
        "autocomplete": "off",
    }


class IntakeForm(forms.Form):
    """The operator's phone intake, fields in the order of the call: who, then what, then where."""

    ERROR_FIELDS = {"invalid_phone": "applicant_phone", "no_contact": "applicant_phone", "invalid_iin": "applicant_iin",
                    "no_name": "applicant_name", "empty_text": "text", "long_text": "text"}

    applicant_phone = forms.CharField(
        label=_("Phone"), max_length=30, help_text=_("+7 and 10 digits."),
        error_messages={"required": _("Give the caller's phone.")},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autofocus": True, **_lookup_attrs()}))
    applicant_iin = forms.CharField(
        label=_("IIN"), required=False, max_length=12, help_text=_("12 digits, if the caller gives it."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "12", **_lookup_attrs()}))
    applicant_name = forms.CharField(
        label=_("Applicant's name"), max_length=300,
        error_messages={"required": _("Give the applicant's name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}))
    category = CategoryField(label=_("Category"), queryset=Category.objects.all(), to_field_name="code",
                             empty_label=_("— choose —"))
    region = RegionField(
        label=_("Region"), queryset=Region.objects.all(), to_field_name="kato", empty_label=_("— choose —"),
        widget=forms.Select(attrs={"hx-get": reverse_lazy("appeals:project_search"), "hx-target": "#project-options",
                                   "hx-trigger": "change", "hx-include": "#id_project"}))
    project = forms.CharField(
        label=_("Project"), required=False, max_length=600,
        help_text=_("Type the code or words of the title; the list offers the chosen region's projects."),
        widget=forms.TextInput(attrs={
            "list": "project-options", "autocomplete": "off", "hx-get": reverse_lazy("appeals:project_search"),
            "hx-target": "#project-options", "hx-trigger": "input changed delay:300ms, focus",
            "hx-include": "#id_region", "hx-sync": "this:replace"}))
    text = forms.CharField(
        label=_("Text of the appeal"), error_messages={"required": _("Write the text of the appeal.")},
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": str(MAX_TEXT)}))
    applicant_address = forms.CharField(label=_("Postal address"), required=False, max_length=500)
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)

    #: Shown in the main block, in this (Tab) order; the others sit in the "more contact details" block.
    MAIN_FIELDS = ("applicant_phone", "applicant_iin", "applicant_name", "category", "region", "project", "text")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        name = localized_field_name("name")
        self.fields["category"].queryset = Category.objects.order_by("order", "code")
        self.fields["region"].queryset = Region.objects.order_by(name, "kato")

    def focus_first_error(self) -> None:
        """Move the autofocus from the phone to the first field with an error."""
        first = next((name for name in self.MAIN_FIELDS + tuple(self.fields) if name in self.errors), None)
        if first:
            self.fields["applicant_phone"].widget.attrs.pop("autofocus", None)
            self.fields[first].widget.attrs["autofocus"] = True

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MAIN_FIELDS]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.MAIN_FIELDS]

    def clean_applicant_iin(self) -> str:
        return (self.cleaned_data.get("applicant_iin") or "").strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        code = project_code(cleaned.get("project") or "")
        region = cleaned.get("region")
        cleaned["project"] = None
        if code and region is not None:
            found = project_list(user=self.user, filters=PortfolioFilters(region=region.kato)).filter(code=code).first()
            if found is None:
                self.add_error("project", _("No project with the code %(code)s in the chosen region.") % {"code": code})
            else:
                cleaned["project"] = found
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) or "" for name in ("applicant_phone", "applicant_iin", "applicant_name",
                                                         "applicant_address", "applicant_email", "text")} | {
            "category": data["category"], "region": data["region"], "project": data.get("project")}


def project_code(value: str) -> str:
    """The code in «CODE — title» (what the autocomplete puts in the field) or the value itself."""
    return value.split(" — ", 1)[0].strip()


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        position = obj.position
        return f"{obj.get_full_name()}{' — ' + position if position else ''}"


class ActionForm(forms.Form):
    """A form of the appeal page; several stand on one page, so each has its own ids (not names)."""

    ID_PREFIX = "action"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.ID_PREFIX}_%s")
        super().__init__(*args, **kwargs)


class AssignForm(ActionForm):
    ID_PREFIX = "assign"
    executor = OfficialChoiceField(label=_("Executor"), queryset=User.objects.none(), empty_label=_("— choose —"))

    ERROR_FIELDS = {"executor_outside": "executor"}

    def __init__(self, *args: Any, appeal: Appeal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["executor"].queryset = (User.objects.filter(organization_id=appeal.organization_id or 0, is_active=True)
                                            .order_by("last_name", "first_name", "pk"))
        if appeal.executor_id:
            self.fields["executor"].initial = appeal.executor_id


class OrganizationField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


class ForwardForm(ActionForm):
    ID_PREFIX = "forward"
    organization = OrganizationField(label=_("Competent organization"), queryset=Organization.objects.none(),
                                     empty_label=_("— choose —"))
    note = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Say why the appeal goes to another body.")},
                           help_text=_("Why the appeal is outside this organization's competence; the applicant is told."))

    ERROR_FIELDS = {"reason_required": "note", "same_organization": "organization"}

    def __init__(self, *args: Any, appeal: Appeal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.filter(is_active=True, kind__in=FORWARD_KINDS).exclude(pk=appeal.organization_id or 0)
            .order_by(localized_field_name("name"), "pk"))


class NoteForm(ActionForm):
    ID_PREFIX = "note"
    note = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Write the note.")},
                           help_text=_("Seen by those handling the appeal, never by the applicant."))

    ERROR_FIELDS = {"empty_note": "note"}


class ExtendForm(ActionForm):
    ID_PREFIX = "extend"
    new_due_date = forms.DateField(label=_("New due date"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason for the extension"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Give the reason for the extension.")},
                             help_text=_("The head's reasoned decision; the applicant is told."))

    ERROR_FIELDS = {"not_later": "new_due_date", "beyond_limit": "new_due_date", "reason_required": "reason"}

    def __init__(self, *args: Any, limit=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if limit is not None:
            self.fields["new_due_date"].widget.attrs["max"] = limit.isoformat()


class AnswerForm(ActionForm):
    ID_PREFIX = "answer"
    text = forms.CharField(label=_("Answer"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": _("Write the answer.")},
                           help_text=_("The answer on the merits, in plain language; the applicant receives it."))
    attachment = forms.FileField(label=_("Attachment"), required=False,
                                 help_text=_("A signed letter or a document (PDF, DOCX, XLSX, JPG, PNG), up to 10 MB."))
    needs_approval = forms.BooleanField(label=_("Send for the head's approval"), required=False,
                                        help_text=_("The answer is sent once the head approves it."))

    ERROR_FIELDS = {"empty_answer": "text"}

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if attachment:
            if Path(attachment.name).suffix.lower() not in ATTACHMENT_SUFFIXES:
                raise ValidationError(_("Attach a PDF, DOCX, XLSX, JPG or PNG file."), code="attachment_type")
            if attachment.size > ATTACHMENT_MAX_BYTES:
                raise ValidationError(_("The file is larger than 10 MB."), code="attachment_size")
        return attachment


class CloseForm(ActionForm):
    ID_PREFIX = "close"
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
