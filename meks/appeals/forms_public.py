"""Forms of the public appeal pages (no log-in), in the GOV.UK pattern.

Each error message stands on its own (it is shown in the error summary at the top of the page and again
by its field) and says what to do. The rules themselves are the services': the forms check the format
first so that every problem is reported at once, and the service's refusals land on the field they name.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meks.core.errors import ServiceError
from meks.core.i18n import localized_field_name
from meks.core.validators import business_identification_number_problem
from meks.portfolio.choices import ProjectStatus
from meks.portfolio.models import Project
from meks.territory.models import Region

from . import human_check
from .models import Category
from .services import MAX_TEXT, normalize_phone

MAX_COMMENT = 1000

# Which field a service's refusal belongs to, by its code.
SERVICE_ERROR_FIELDS = {
    "empty_text": "text",
    "long_text": "text",
    "no_name": "applicant_name",
    "invalid_phone": "applicant_phone",
    "invalid_iin": "applicant_iin",
    "no_contact": "applicant_phone",
    "bad_rating": "rating",
}


class TelInput(forms.TextInput):
    input_type = "tel"


class PublicForm(forms.Form):
    """Shared by the public forms: ids for hints and errors wired to each field for screen readers."""

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's refusal on the field its code names, else at the top of the form."""
        for item in error.error_list:
            target = SERVICE_ERROR_FIELDS.get(item.code or "")
            self.add_error(target if target in self.fields else None, item)

    def describe_fields(self) -> None:
        """Point each input at its hint and error message (``aria-describedby``), and mark wrong ones."""
        for bound in self:
            ids = []
            if bound.help_text:
                ids.append(f"{bound.auto_id}-hint")
            if bound.errors:
                ids.append(f"{bound.auto_id}-error")
                bound.field.widget.attrs["aria-invalid"] = "true"
            else:
                bound.field.widget.attrs.pop("aria-invalid", None)
            if ids and not isinstance(bound.field.widget, forms.RadioSelect):
                bound.field.widget.attrs["aria-describedby"] = " ".join(ids)
            bound.describedby = " ".join(ids)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.name


class PublicAppealForm(PublicForm):
    """The citizen's appeal: who they are, what it is about, consent, and the human check."""

    applicant_name = forms.CharField(
        label=_("Full name"), max_length=300,
        error_messages={"required": _("Enter your full name"),
                        "max_length": _("The name must be 300 characters or fewer")},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    applicant_phone = forms.CharField(
        label=_("Phone number"), max_length=30,
        help_text=_("So that we can reach you about the appeal. For example, +7 701 234 56 78"),
        error_messages={"required": _("Enter your phone number")},
        widget=TelInput(attrs={"autocomplete": "tel", "class": "input--20"}),
    )
    applicant_email = forms.EmailField(
        label=_("Email address"), required=False, max_length=254,
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    applicant_iin = forms.CharField(
        label=_("IIN"), required=False, max_length=20,
        help_text=_("Your individual identification number: 12 digits, as on your identity card"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "input--12"}),
    )
    region = RegionChoiceField(
        label=_("Region"), queryset=Region.objects.none(), empty_label=_("Choose the region"),
        help_text=_("Where the problem is"),
        error_messages={"required": _("Choose the region"), "invalid_choice": _("Choose the region")},
    )
    category = forms.ModelChoiceField(
        label=_("What is the appeal about?"), queryset=Category.objects.none(), empty_label=_("Choose a topic"),
        error_messages={"required": _("Choose what the appeal is about"),
                        "invalid_choice": _("Choose what the appeal is about")},
    )
    project_code = forms.CharField(
        label=_("Project code"), required=False, max_length=30,
        help_text=_("Only if the appeal is about one project of the national project, for example MEKS-35-001"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "input--20"}),
    )
    text = forms.CharField(
        label=_("Text of the appeal"), strip=False,
        error_messages={"required": _("Write your appeal")},
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    consent = forms.BooleanField(
        label=_("I agree that my personal data is processed to handle this appeal"),
        help_text=_("Your name, phone number, email address and IIN are seen only by those who handle the appeal, "
                    "as the Law of the Republic of Kazakhstan «On personal data and their protection» requires."),
        error_messages={"required": _("Agree to the processing of your personal data: without it the appeal "
                                      "cannot be accepted")},
    )
    check_answer = forms.CharField(
        label=_("Check question"), required=False, max_length=10,
        help_text=_("Enter the answer in digits. This shows that a person, not a program, sends the appeal."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "input--4"}),
    )
    check_token = forms.CharField(required=False, widget=forms.HiddenInput)

    text_limit = MAX_TEXT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.order_by(localized_field_name("name"), "kato")
        self.fields["category"].queryset = Category.objects.order_by("order", "code")
        self.fields["text"].help_text = gettext("What happened, where and since when. At most %(limit)s characters.") % {
            "limit": number_format(MAX_TEXT, force_grouping=True)}
        self.check_outcome: human_check.Outcome | None = None
        self.project: Project | None = None
        self.challenge: human_check.Challenge | None = None

    # Formats

    def clean_applicant_name(self) -> str:
        return " ".join(self.cleaned_data["applicant_name"].split())

    def clean_applicant_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["applicant_phone"])
        except ServiceError as error:
            raise ValidationError(_("Enter the phone number as +7 and 10 digits, like +7 701 234 56 78"),
                                  code="invalid_phone") from error

    def clean_applicant_iin(self) -> str:
        iin = re.sub(r"\s", "", self.cleaned_data["applicant_iin"])
        if iin and business_identification_number_problem(iin):
            raise ValidationError(_("Enter a valid IIN: 12 digits, as on your identity card"), code="invalid_iin")
        return iin

    def clean_project_code(self) -> str:
        code = self.cleaned_data["project_code"].strip().upper()
        if code:
            self.project = Project.objects.filter(code__iexact=code).exclude(status=ProjectStatus.DRAFT).first()
            if self.project is None:
                raise ValidationError(_("There is no project with this code. Check the code or leave the field empty"),
                                      code="unknown_project")
        return code

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].replace("\r\n", "\n").strip()
        if not text:
            raise ValidationError(_("Write your appeal"), code="required")
        if len(text) > MAX_TEXT:
            raise ValidationError(
                gettext("The appeal must be %(limit)s characters or fewer: it has %(count)s")
                % {"limit": number_format(MAX_TEXT, force_grouping=True),
                   "count": number_format(len(text), force_grouping=True)}, code="long_text")
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_outcome = human_check.verify(self.data.get("check_token", ""), self.data.get("check_answer", ""))
        message = {
            human_check.Outcome.WRONG: _("The answer to the check question is wrong. Answer the new question"),
            human_check.Outcome.NO_ANSWER: _("Answer the check question"),
            human_check.Outcome.EXPIRED: _("The check question has expired: it is valid for 30 minutes. "
                                           "Answer the new question"),
            human_check.Outcome.USED: _("This check question has already been used. Answer the new question"),
            human_check.Outcome.INVALID: _("Answer the check question"),
        }.get(self.check_outcome)
        if message:
            self.add_error("check_answer", ValidationError(message, code=f"check_{self.check_outcome.value}"))
        return cleaned

    @property
    def check_passed(self) -> bool:
        return self.check_outcome is human_check.Outcome.PASSED

    def set_challenge(self, challenge: human_check.Challenge) -> None:
        """Show ``challenge`` next: a new question, or none when the check was passed already."""
        self.challenge = challenge
        if self.is_bound:
            data = self.data.copy()
            data["check_token"], data["check_answer"] = challenge.token, ""
            self.data = data
        else:
            self.initial["check_token"] = challenge.token
        self.fields["check_answer"].label = challenge.question or _("Check question")
        self._bound_fields_cache.pop("check_answer", None)
        self._bound_fields_cache.pop("check_token", None)

    def service_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``appeal_register`` from the cleaned form."""
        data = self.cleaned_data
        return {
            "category": data["category"], "region": data["region"], "text": data["text"],
            "applicant_name": data["applicant_name"], "applicant_phone": data["applicant_phone"],
            "applicant_email": data["applicant_email"], "applicant_iin": data["applicant_iin"],
            "project": self.project,
        }


class TrackForm(PublicForm):
    """Number and access code of an appeal."""

    number = forms.CharField(
        label=_("Appeal number"), max_length=20, help_text=_("For example, 2025-000123"),
        error_messages={"required": _("Enter the appeal number"),
                        "max_length": _("The appeal number has at most 20 characters")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "input--12"}),
    )
    access_code = forms.CharField(
        label=_("Access code"), max_length=12, help_text=_("8 letters and digits, given when the appeal was accepted"),
        error_messages={"required": _("Enter the access code"),
                        "max_length": _("The access code has at most 12 characters")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters",
                                      "class": "input--12"}),
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip()

    def clean_access_code(self) -> str:
        return re.sub(r"\s", "", self.cleaned_data["access_code"]).upper()


class RateForm(PublicForm):
    """The applicant's rating of the answer, and whether it resolved the question."""

    rating = forms.TypedChoiceField(
        label=_("How do you rate the answer?"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("5: very good")), (4, _("4: good")), (3, _("3: fair")), (2, _("2: poor")), (1, _("1: very poor"))],
        error_messages={"required": _("Choose a rating from 1 to 5"), "invalid_choice": _("Choose a rating from 1 to 5")},
    )
    satisfied = forms.TypedChoiceField(
        label=_("Has the answer resolved your question?"), widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Yes: close the appeal")), ("no", _("No: I want the appeal looked at again"))],
        error_messages={"required": _("Say whether the answer has resolved your question"),
                        "invalid_choice": _("Say whether the answer has resolved your question")},
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = number_format(MAX_COMMENT, force_grouping=True)
        self.fields["comment"].help_text = gettext(
            "If you are not satisfied, say what is still not resolved. At most %(limit)s characters.") % {"limit": limit}
        self.fields["comment"].error_messages["max_length"] = gettext(
            "The comment must be %(limit)s characters or fewer") % {"limit": limit}

    def clean_comment(self) -> str:
        return self.cleaned_data["comment"].replace("\r\n", "\n").strip()
