"""Forms of the assignment pages; each hands its cleaned data to a service and shows the service's refusals."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meks.accounts.models import Organization, User
from meks.accounts.selectors import organization_choices
from meks.core.access import Role, scope_of
from meks.core.forms import add_service_error  # noqa: F401  (used here and by the views)
from meks.core.i18n import localized_field_name
from meks.portfolio.models import Project
from meks.portfolio.selectors import project_visibility
from meks.territory.models import Region, Settlement

from .choices import ControlLevel
from .models import Assignment, Meeting
from .selectors import assignment_visibility

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def executor_choices(*, user: Any) -> list[tuple[int, str]]:
    """(id, name) of the organizations leading or co-executing an assignment the user may see."""
    visible = Assignment.objects.filter(assignment_visibility(user)).values("pk")
    co_executing = Assignment.co_executors.through.objects.filter(assignment__in=visible).values("organization_id")
    column = localized_field_name("name")
    rows = (Organization.objects.filter(Q(lead_assignments__in=visible) | Q(pk__in=co_executing)).distinct()
            .order_by(column, "pk").values_list("pk", column, "name_ru"))
    return [(pk, name or fallback) for pk, name, fallback in rows]


def controllable_organizations(*, user: Any):
    """The offices ``user`` may record a meeting for: any, for the project office; otherwise its own."""
    scope = scope_of(user)
    if scope.has_role(Role.PROJECT_OFFICE):
        return Organization.objects.filter(pk__in=[pk for pk, _name in organization_choices(user=user)])
    return Organization.objects.filter(pk=scope.organization_id or 0)


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name()} — {obj.organization.name if obj.organization_id else ''}"


class MeetingForm(forms.ModelForm):
    """Record a meeting whose protocol gives assignments."""

    class Meta:
        model = Meeting
        fields = ["kind", "date", "title_ru", "title_kk", "title_en", "chair", "controlling_organization",
                  "protocol_number", "place", "protocol_file"]
        widgets = {"date": DATE_INPUT}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offices = controllable_organizations(user=user)
        self.fields["controlling_organization"].queryset = offices
        if offices.count() == 1:
            self.fields["controlling_organization"].initial = offices.first()
        self.fields["protocol_number"].help_text = _("As written on the protocol, e.g. 3-МЭКС.")

    def service_fields(self) -> dict[str, Any]:
        """The cleaned fields as the service takes them (an empty file left out)."""
        data = dict(self.cleaned_data)
        if not data.get("protocol_file"):
            data.pop("protocol_file", None)
        return data


def _model_field(name: str, **overrides: Any) -> forms.Field:
    return Assignment._meta.get_field(name).formfield(**overrides)


class AssignmentIssueForm(forms.Form):
    """Issue an assignment from an item of a meeting's protocol."""

    ERROR_FIELDS = {"deadline_kind": "deadline", "deadline_before_meeting": "deadline",
                    "recurrence_until": "recurrence_until", "official_outside": "lead_official"}

    item_number = _model_field("item_number", help_text=_("The item's number in the protocol, e.g. 2.1."))
    text_ru = _model_field("text_ru", widget=forms.Textarea(attrs={"rows": 4}))
    text_kk = _model_field("text_kk", widget=forms.Textarea(attrs={"rows": 3}))
    text_en = _model_field("text_en", widget=forms.Textarea(attrs={"rows": 3}))
    lead_executor = forms.ModelChoiceField(label=_("Lead executor"), queryset=Organization.objects.none(),
                                           help_text=_("The organization that answers for the assignment."))
    lead_official = OfficialChoiceField(label=_("Responsible official"), queryset=User.objects.none(),
                                        help_text=_("A member of the lead executor, named personally."))
    co_executors = forms.ModelMultipleChoiceField(label=_("Co-executors"), queryset=Organization.objects.none(),
                                                  required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    control_level = forms.ChoiceField(label=_("Control level"), choices=ControlLevel.choices)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_INPUT,
                               help_text=_("For a one-off assignment. Leave empty for a monthly one."))
    recurrence_day = _model_field("recurrence_day")
    recurrence_until = forms.DateField(label=_("Recurring until"), required=False, widget=DATE_INPUT,
                                       help_text=_("For a monthly assignment: the last date a report may be due."))
    regions = forms.ModelMultipleChoiceField(label=_("Regions"), queryset=Region.objects.none(), required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 5}))
    settlements = forms.ModelMultipleChoiceField(label=_("Settlements"), queryset=Settlement.objects.none(),
                                                 required=False, widget=forms.SelectMultiple(attrs={"size": 5}))
    projects = forms.CharField(label=_("Projects"), required=False, max_length=2000,
                               help_text=_("Project codes separated by commas or spaces."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        name = localized_field_name("name")
        organizations = Organization.objects.filter(pk__in=[pk for pk, _name in organization_choices(user=user)])
        self.fields["lead_executor"].queryset = organizations.order_by(name, "pk")
        self.fields["co_executors"].queryset = organizations.order_by(name, "pk")
        self.fields["lead_official"].queryset = (
            User.objects.filter(is_active=True, organization__in=organizations).select_related("organization")
            .order_by("last_name", "first_name", "pk"))
        self.fields["regions"].queryset = Region.objects.order_by(name, "pk")
        self.fields["settlements"].queryset = Settlement.objects.select_related("region").order_by(name, "pk")

    def clean_projects(self) -> list[Project]:
        codes = [code for code in re.split(r"[\s,;]+", self.cleaned_data.get("projects") or "") if code]
        if not codes:
            return []
        found = {project.code: project for project in
                 Project.objects.filter(project_visibility(self.user), code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise ValidationError(_("No project with the code %(codes)s.") % {"codes": ", ".join(unknown)},
                                  code="unknown_project")
        return list(found.values())


class ReportForm(forms.Form):
    """An executor's report on the assignment's open deadline."""

    text = forms.CharField(label=_("Report"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("What was done, with figures and documents' numbers and dates."))
    attachment = forms.FileField(label=_("Attachment"), required=False,
                                 help_text=_("A scanned letter or supporting document (PDF, DOCX, XLSX)."))

    ERROR_FIELDS = {"empty_report": "text"}


class ExtensionRequestForm(forms.Form):
    """An executor's request to move the open deadline."""

    new_due_date = forms.DateField(label=_("New due date"), widget=DATE_INPUT,
                                   help_text=_("Must be later than the current deadline."))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Why the deadline cannot be met; the chair's office decides."))

    ERROR_FIELDS = {"not_later": "new_due_date", "reason_required": "reason"}


class ReportDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return for rework"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
