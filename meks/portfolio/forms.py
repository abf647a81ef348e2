"""Forms of the portfolio pages; each hands its cleaned data to a service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meks.core.forms import VersionedModelForm

from .choices import DeliveryConfidence, MilestoneKind
from .models import Milestone, ProgressReport, Project
from .readiness import READINESS_FIELDS
from .services import PROJECT_EDITABLE_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(VersionedModelForm):
    """Create or edit a project's attributes (readiness is edited on its own form)."""

    class Meta:
        model = Project
        fields = ["code", "region", *[name for name in PROJECT_EDITABLE_FIELDS if name not in READINESS_FIELDS]]
        widgets = {"planned_start": DATE_INPUT, "planned_end": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields.pop("version")
        else:
            self.fields.pop("code")
            self.fields.pop("region")


class ReadinessForm(VersionedModelForm):
    class Meta:
        model = Project
        fields = list(READINESS_FIELDS)


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneForm(VersionedModelForm):
    class Meta:
        model = Milestone
        fields = ["forecast_date", "actual_date", "responsible"]
        widgets = {"forecast_date": DATE_INPUT, "actual_date": DATE_INPUT}


class ProgressForm(forms.ModelForm):
    period = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                             input_formats=["%Y-%m", "%Y-%m-%d"])

    class Meta:
        model = ProgressReport
        fields = ["period", "completion_percent", "km_heat", "km_power", "km_water", "km_sewer", "equipment_installed",
                  "mw_commissioned", "spent", "explanation"]
        widgets = {"explanation": forms.Textarea(attrs={"rows": 2})}


class ConfidenceOverrideForm(forms.Form):
    level = forms.ChoiceField(label=_("Delivery confidence"),
                              choices=[("", _("As computed by the rule")), *DeliveryConfidence.choices], required=False)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class BaselineForm(forms.Form):
    """New baseline dates for the milestones that change, with the reason."""

    reason = forms.CharField(label=_("Reason for re-baselining"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        for milestone in project.milestones.order_by("order"):
            self.fields[milestone.kind] = forms.DateField(
                label=MilestoneKind(milestone.kind).label, initial=milestone.baseline_date, widget=DATE_INPUT)

    def changed_dates(self, project: Project) -> dict:
        current = {m.kind: m.baseline_date for m in project.milestones.all()}
        return {kind: value for kind, value in self.cleaned_data.items()
                if kind in current and value != current[kind]}
