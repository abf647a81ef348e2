"""Financing of the portfolio's projects: channels, applications, decisions, tranches and budget lines."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from meks.accounts.models import Organization
from meks.core.models import DomainModel, TranslatedNameMixin
from meks.core.money import TengeField
from meks.portfolio.models import Project
from meks.territory.models import Region

from .choices import ApplicationStatus, LenderKind

POSITIVE = [MinValueValidator(Decimal("0.01"))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class FinancingChannel(TranslatedNameMixin, DomainModel):
    """A way a project is financed (a development bank loan, a KHC bond buyback, a budget transfer, …).

    Reference data: the eight channels of the national project are seeded by a migration; more can be
    added in the back office. ``lender_kind`` says which kind of organization reviews and lends.
    """

    code = models.CharField(_("code"), max_length=30, unique=True)
    lender_kind = models.CharField(_("lender kind"), max_length=20, choices=LenderKind.choices)
    rate_subsidised = models.BooleanField(_("interest rate subsidised"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("financing channel")
        verbose_name_plural = _("financing channels")


class FinancingApplication(DomainModel):
    """An application to finance a project through one channel; its status moves only through the lifecycle.

    ``lender`` is set when the financial operator routes it; ``round`` when it is approved.
    ``status_changed_at`` is when it entered its current stage (the time in stage is measured from it).
    """

    number = models.CharField(_("number"), max_length=30, unique=True)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="financing_applications",
                                verbose_name=_("project"))
    channel = models.ForeignKey(FinancingChannel, on_delete=models.PROTECT, related_name="applications",
                                verbose_name=_("channel"))
    amount_requested = TengeField(_("amount requested, tenge"), validators=POSITIVE)
    term_months = models.PositiveSmallIntegerField(_("term, months"), null=True, blank=True,
                                                   validators=[MinValueValidator(1), MaxValueValidator(480)])
    rate = models.DecimalField(_("interest rate, % a year"), max_digits=5, decimal_places=2, null=True, blank=True,
                               validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    conditions = models.TextField(_("conditions"), blank=True)
    documents = models.JSONField(_("documents checklist"), default=dict, blank=True,
                                 help_text=_("Document key to whether it is attached."))
    applicant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="financing_applications",
                                  verbose_name=_("applicant"))
    lender = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="routed_applications", verbose_name=_("lender"))
    status = models.CharField(_("status"), max_length=30, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    status_changed_at = models.DateTimeField(_("in this stage since"), editable=False)
    round = models.PositiveSmallIntegerField(_("financing round"), null=True, blank=True, editable=False)
    agreement_number = models.CharField(_("agreement number"), max_length=60, blank=True)
    agreement_date = models.DateField(_("agreement date"), null=True, blank=True)
    remarks = models.TextField(_("remarks or reason"), blank=True,
                               help_text=_("The remarks it was returned with or the reason it was rejected."))

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("financing application")
        verbose_name_plural = _("financing applications")
        indexes = [
            models.Index(fields=["status", "status_changed_at"], name="finapp_status_since"),
            models.Index(fields=["round", "channel"], name="finapp_round_channel"),
            models.Index(fields=["lender", "status"], name="finapp_lender_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_requested__gt=0), name="finapp_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class StageChange(models.Model):
    """One lifecycle move of an application: from, to, who, when, why, and how long it stayed. Append-only."""

    is_append_only_log = True

    application = models.ForeignKey(FinancingApplication, on_delete=models.CASCADE, related_name="stage_changes",
                                    verbose_name=_("application"))
    from_status = models.CharField(_("from"), max_length=30, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=30, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    reason = models.TextField(_("reason"), blank=True)
    changed_at = models.DateTimeField(_("when"), db_index=True)
    days_in_stage = models.DecimalField(
        _("days in the previous stage"), max_digits=8, decimal_places=2, default=0,
        help_text=_("Calendar days the application spent in the status it left."),
    )

    class Meta:
        ordering = ["application", "changed_at", "pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class FinancingDecision(DomainModel):
    """The decision approving an application: body, number, date, amount approved and its conditions.

    One per application (a unique constraint), so two reviewers deciding at once never make two.
    """

    application = models.OneToOneField(FinancingApplication, on_delete=models.PROTECT, related_name="decision",
                                       verbose_name=_("application"))
    body = models.CharField(_("decision body"), max_length=300)
    number = models.CharField(_("decision number"), max_length=60)
    date = models.DateField(_("decision date"))
    amount_approved = TengeField(_("amount approved, tenge"), validators=POSITIVE)
    amount_reason = models.TextField(_("reason the amount differs from the request"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    round = models.PositiveSmallIntegerField(_("financing round"), validators=[MinValueValidator(1)])
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                   verbose_name=_("recorded by"))

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("financing decision")
        verbose_name_plural = _("financing decisions")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_approved__gt=0), name="findecision_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.date}"


class Tranche(DomainModel):
    """A tranche of an approved application: planned (date and amount) and, once paid, when and how much."""

    application = models.ForeignKey(FinancingApplication, on_delete=models.PROTECT, related_name="tranches",
                                    verbose_name=_("application"))
    number = models.PositiveSmallIntegerField(_("number"))
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    planned_amount = TengeField(_("planned amount, tenge"), default=0, validators=NON_NEGATIVE)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = TengeField(_("amount paid, tenge"), null=True, blank=True, validators=POSITIVE)

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="tranche_unique_number"),
            models.CheckConstraint(
                condition=models.Q(paid_on__isnull=True, paid_amount__isnull=True)
                | models.Q(paid_on__isnull=False, paid_amount__gt=0),
                name="tranche_paid_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.number}"


class BudgetLine(DomainModel):
    """A line of a budget programme: administrator, programme and subprogramme codes, year, allocated, spent.

    It may name the project it finances; the mismatch report compares lines with the financing plans.
    """

    administrator_code = models.CharField(_("budget administrator code"), max_length=3)
    administrator = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="budget_lines", verbose_name=_("budget administrator"))
    programme_code = models.CharField(_("programme code"), max_length=3)
    subprogramme_code = models.CharField(_("subprogramme code"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="budget_lines",
                               verbose_name=_("region"), help_text=_("For a local budget's line."))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="budget_lines", verbose_name=_("project"))
    allocated = TengeField(_("allocated, tenge"), validators=NON_NEGATIVE)
    spent = TengeField(_("spent, tenge"), default=0, validators=NON_NEGATIVE)

    class Meta:
        ordering = ["year", "administrator_code", "programme_code", "subprogramme_code", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        indexes = [models.Index(fields=["year", "project"], name="budgetline_year_project")]

    def __str__(self) -> str:
        code = "-".join(part for part in (self.administrator_code, self.programme_code, self.subprogramme_code) if part)
        return f"{code} ({self.year})"

    def clean(self) -> None:
        """Spent is not above allocated; the codes are three digits; a project lies in the line's region."""
        from django.core.exceptions import ValidationError

        errors = {}
        for name in ("administrator_code", "programme_code", "subprogramme_code"):
            value = getattr(self, name)
            if value and (len(value) != 3 or not value.isdigit()):
                errors[name] = _("A budget classification code is three digits.")
        if self.spent is not None and self.allocated is not None and self.spent > self.allocated:
            errors["spent"] = _("Spent cannot exceed the amount allocated.")
        if self.project_id and self.region_id and self.project.region_id != self.region_id:
            errors["project"] = _("The project lies in another region.")
        if errors:
            raise ValidationError(errors)


class FinancingPlan(DomainModel):
    """How much a project plans to get from one source (a financing channel) in one year."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="financing_plans",
                                verbose_name=_("project"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    source = models.ForeignKey(FinancingChannel, on_delete=models.PROTECT, related_name="plans",
                               verbose_name=_("source"))
    amount = TengeField(_("amount, tenge"), validators=POSITIVE)
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="plans", verbose_name=_("budget line"))

    class Meta:
        ordering = ["project", "year", "source__order"]
        verbose_name = _("financing plan")
        verbose_name_plural = _("financing plans")
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "source"], name="financingplan_unique_source"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="financingplan_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year} {self.source_id}: {self.amount}"

    def clean(self) -> None:
        """A linked budget line is of the same year and names no other project."""
        from django.core.exceptions import ValidationError

        if self.budget_line_id:
            line = self.budget_line
            if line.year != self.year:
                raise ValidationError({"budget_line": _("The budget line is of another year.")})
            if line.project_id and line.project_id != self.project_id:
                raise ValidationError({"budget_line": _("The budget line finances another project.")})
