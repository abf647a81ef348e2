"""The national project's programme, its projects, their schedules, progress and the regions' rating."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from meks.accounts.models import Organization
from meks.core.models import DomainModel, TranslatedNameMixin
from meks.core.money import TengeField
from meks.territory.models import Region, Settlement

from .choices import (
    BaselineStatus,
    DeliveryConfidence,
    MilestoneKind,
    ProjectStatus,
    ProjectType,
    TargetMetric,
)

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class NationalProject(TranslatedNameMixin, DomainModel):
    """The national project itself (МЭКС, 2025–2029)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))

    class Meta:
        verbose_name = _("national project")
        verbose_name_plural = _("national projects")


class Direction(TranslatedNameMixin, DomainModel):
    """A direction of the national project: heat supply, power, water supply, sewerage and so on."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")


class Target(DomainModel):
    """A programme target: a metric for the whole period (``year`` empty) or one year, optionally by direction."""

    national_project = models.ForeignKey(
        NationalProject, on_delete=models.PROTECT, related_name="targets", verbose_name=_("national project")
    )
    direction = models.ForeignKey(
        Direction, on_delete=models.PROTECT, null=True, blank=True, related_name="targets", verbose_name=_("direction")
    )
    metric = models.CharField(_("metric"), max_length=20, choices=TargetMetric.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    value = models.DecimalField(_("target value"), max_digits=20, decimal_places=2)

    class Meta:
        ordering = ["metric", "year", "direction__order"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            # One target per metric, year and direction; "no year" and "all directions" count as values.
            models.UniqueConstraint(
                models.F("national_project"), models.F("metric"), Coalesce("direction", models.Value(0)),
                Coalesce("year", models.Value(0)), name="target_unique_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.year or ''}: {self.value}"


class Project(DomainModel):
    """An infrastructure project of the national project, aligned with OC4IDS.

    Its status moves only through the transitions of ``lifecycle.py``; its readiness checklist is six flags;
    its lag, delivery confidence and the region's rating are derived from its milestones and reports.
    """

    code = models.CharField(_("code"), max_length=30, unique=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=500)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    direction = models.ForeignKey(Direction, on_delete=models.PROTECT, related_name="projects", verbose_name=_("direction"))
    project_type = models.CharField(_("type"), max_length=20, choices=ProjectType.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="projects", verbose_name=_("region"))
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="projects",
        verbose_name=_("settlement"),
    )
    owner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="owned_projects", verbose_name=_("owner"),
        help_text=_("The utility or akimat that carries out the project."),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="responsible_projects",
        verbose_name=_("responsible official"),
    )
    status = models.CharField(_("status"), max_length=30, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    status_before_suspension = models.CharField(
        _("status before suspension"), max_length=30, choices=ProjectStatus.choices, blank=True, editable=False
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True, editable=False)
    cost_estimate = TengeField(_("cost estimate, tenge"), validators=[MinValueValidator(Decimal("0.01"))])

    planned_km_heat = models.DecimalField(_("heat networks, km"), max_digits=10, decimal_places=2, default=0, validators=NON_NEGATIVE)
    planned_km_power = models.DecimalField(_("power networks, km"), max_digits=10, decimal_places=2, default=0, validators=NON_NEGATIVE)
    planned_km_water = models.DecimalField(_("water networks, km"), max_digits=10, decimal_places=2, default=0, validators=NON_NEGATIVE)
    planned_km_sewer = models.DecimalField(_("sewer networks, km"), max_digits=10, decimal_places=2, default=0, validators=NON_NEGATIVE)
    planned_mw = models.DecimalField(_("generating capacity, MW"), max_digits=10, decimal_places=2, default=0, validators=NON_NEGATIVE)
    planned_equipment_units = models.PositiveIntegerField(_("equipment, units"), default=0)
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    wear_before = models.DecimalField(_("network wear before, %"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT)
    wear_after = models.DecimalField(_("network wear after, %"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned completion"), null=True, blank=True)

    ready_design = models.BooleanField(_("design and estimate documents approved"), default=False)
    ready_expertise = models.BooleanField(_("state expertise positive"), default=False)
    ready_land = models.BooleanField(_("land allotted"), default=False)
    ready_akimat_decision = models.BooleanField(_("akimat decision taken"), default=False)
    ready_financing = models.BooleanField(_("financing source confirmed"), default=False)
    ready_tender_documents = models.BooleanField(_("tender documents ready"), default=False)

    confidence_override = models.CharField(
        _("delivery confidence set by the project office"), max_length=20, choices=DeliveryConfidence.choices,
        blank=True,
    )
    confidence_override_reason = models.TextField(_("reason for the delivery confidence set by hand"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["status", "region"], name="project_status_region"),
            models.Index(fields=["region", "direction"], name="project_region_direction"),
            models.Index(fields=["owner"], name="project_owner"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(cost_estimate__gt=0), name="project_cost_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        """The title in the active language."""
        from meks.core.i18n import localized

        return localized(self, "title")

    def clean(self) -> None:
        """The settlement lies in the project's region; wear after is not above wear before."""
        from django.core.exceptions import ValidationError

        errors = {}
        if self.owner_id and self.region_id and self.owner.region_id not in (None, self.region_id):
            errors["owner"] = _("The owner works in another region.")
        if self.settlement_id and self.region_id and self.settlement.region_id != self.region_id:
            errors["settlement"] = _("The settlement lies in another region.")
        if self.wear_before is not None and self.wear_after is not None and self.wear_after > self.wear_before:
            errors["wear_after"] = _("Wear after the project cannot exceed wear before it.")
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("Completion cannot come before the start.")
        if errors:
            raise ValidationError(errors)


class StatusChange(models.Model):
    """One lifecycle move of a project: from, to, who, when and why. Append-only."""

    is_append_only_log = True

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("project"))
    from_status = models.CharField(_("from"), max_length=30, choices=ProjectStatus.choices)
    to_status = models.CharField(_("to"), max_length=30, choices=ProjectStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    changed_at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_status} → {self.to_status}"


class Milestone(DomainModel):
    """A milestone of a project's schedule with its baseline, forecast and actual dates."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project"))
    kind = models.CharField(_("milestone"), max_length=30, choices=MilestoneKind.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    baseline_date = models.DateField(_("baseline date"))
    forecast_date = models.DateField(_("forecast date"), null=True, blank=True)
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="responsible_milestones",
        verbose_name=_("responsible official"),
    )

    class Meta:
        ordering = ["project", "order"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="milestone_unique_kind")]
        indexes = [models.Index(fields=["project", "baseline_date"], name="milestone_project_baseline")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_kind_display()}"


class Baseline(DomainModel):
    """A schedule baseline: the first one is set with the schedule; a later one needs the office's approval.

    Every baseline is kept, with the date of each milestone in it, so that any two can be compared.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="baselines", verbose_name=_("project"))
    number = models.PositiveSmallIntegerField(_("number"))
    status = models.CharField(_("status"), max_length=10, choices=BaselineStatus.choices)
    dates = models.JSONField(_("milestone dates"), help_text=_("Milestone kind to ISO date."))
    reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by"), null=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["project", "number"]
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="baseline_unique_number")]

    def __str__(self) -> str:
        return f"{self.project_id} #{self.number}"


class ProgressReport(DomainModel):
    """A monthly progress report of a project's owner; all figures are cumulative to the month's end."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_reports", verbose_name=_("project"))
    period = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    completion_percent = models.DecimalField(_("physical completion, %"), max_digits=5, decimal_places=2, validators=PERCENT)
    km_heat = models.DecimalField(_("heat networks laid, km"), max_digits=10, decimal_places=2, default=0, validators=NON_NEGATIVE)
    km_power = models.DecimalField(_("power networks laid, km"), max_digits=10, decimal_places=2, default=0, validators=NON_NEGATIVE)
    km_water = models.DecimalField(_("water networks laid, km"), max_digits=10, decimal_places=2, default=0, validators=NON_NEGATIVE)
    km_sewer = models.DecimalField(_("sewer networks laid, km"), max_digits=10, decimal_places=2, default=0, validators=NON_NEGATIVE)
    equipment_installed = models.PositiveIntegerField(_("equipment installed, units"), default=0)
    mw_commissioned = models.DecimalField(_("capacity commissioned, MW"), max_digits=10, decimal_places=2, default=0, validators=NON_NEGATIVE)
    spent = TengeField(_("money spent, tenge"), default=0, validators=NON_NEGATIVE)
    explanation = models.TextField(
        _("explanation"), blank=True,
        help_text=_("Required when a figure goes down from the previous month or exceeds the plan."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("submitted by")
    )

    class Meta:
        ordering = ["project", "-period"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [models.UniqueConstraint(fields=["project", "period"], name="progress_unique_month")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.period:%Y-%m}"


class RatingWeight(DomainModel):
    """The weight of one component of the region readiness index (see docs/portfolio.md)."""

    component = models.CharField(_("component"), max_length=30, unique=True)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=3, validators=[MinValueValidator(0), MaxValueValidator(1)])

    class Meta:
        ordering = ["component"]
        verbose_name = _("rating weight")
        verbose_name_plural = _("rating weights")

    def __str__(self) -> str:
        return f"{self.component}: {self.weight}"


class RatingSnapshot(models.Model):
    """The region readiness rating as computed for one period, kept to show the change since."""

    is_append_only_log = True

    period = models.DateField(_("period"), db_index=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    index = models.DecimalField(_("index"), max_digits=6, decimal_places=2)
    components = models.JSONField(_("components"))
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)

    class Meta:
        ordering = ["-period", "rank"]
        verbose_name = _("rating snapshot")
        verbose_name_plural = _("rating snapshots")
        constraints = [models.UniqueConstraint(fields=["period", "region"], name="rating_snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.period} {self.region_id}: {self.index}"
