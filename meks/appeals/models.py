"""Appeals of citizens and organizations, their routing, deadlines, answers and journal."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from meks.accounts.models import Organization
from meks.core.models import DomainModel, TranslatedNameMixin
from meks.core.validators import validate_bin
from meks.portfolio.models import Project
from meks.territory.models import Region

from .choices import AnswerStatus, AppealStatus, Channel, EventKind


class Category(TranslatedNameMixin, DomainModel):
    """A category of appeal (reference data)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class RoutingRule(DomainModel):
    """Which organization answers appeals of a category (from a region, or from anywhere when empty).

    The rule for the category and the appeal's region wins over the category's rule for any region;
    ``to_region_akimat`` sends the appeal to the akimat of the appeal's own region.
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routing_rules", verbose_name=_("category"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("responsible organization"))
    to_region_akimat = models.BooleanField(_("the akimat of the appeal's region"), default=False)

    class Meta:
        ordering = ["category", "region"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(fields=["category", "region"], name="routing_rule_unique"),
            models.CheckConstraint(condition=models.Q(organization__isnull=False) | models.Q(to_region_akimat=True),
                                   name="routing_rule_has_target"),
        ]

    def __str__(self) -> str:
        return f"{self.category} / {self.region or '*'}"


class Appeal(DomainModel):
    """An appeal: registered with a unique number, routed, answered within its legal deadline.

    The applicant's personal data (name, phone, IIN, address, e-mail) is shown only to those handling the
    appeal (see ``personal_data.py``); every view of it is recorded in ``PersonalDataAccess``.
    """

    number = models.CharField(_("number"), max_length=20, unique=True)
    access_code = models.CharField(_("access code"), max_length=12)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"))
    registered_on = models.DateField(_("registered on"), help_text=_("The first working day on or after receipt."))
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("accepted by"),
                                    help_text=_("Empty when the portal accepted it."))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("category"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("region"))
    project = models.ForeignKey(Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="appeals",
                                verbose_name=_("project"))
    text = models.TextField(_("text of the appeal"))
    applicant_name = models.CharField(_("applicant"), max_length=300)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_iin = models.CharField(_("IIN"), max_length=12, blank=True, validators=[validate_bin])
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.REGISTERED)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="appeals", verbose_name=_("responsible organization"))
    executor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="appeals", verbose_name=_("executor"))
    due_date = models.DateField(_("due date"))
    original_due_date = models.DateField(_("original due date"))
    forward_due_date = models.DateField(_("forward by"), help_text=_("The last working day to forward it if it is not ours."))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("applicant's rating"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        indexes = [
            models.Index(fields=["status", "due_date"], name="appeal_status_due"),
            models.Index(fields=["organization", "status"], name="appeal_org_status"),
            models.Index(fields=["registered_on"], name="appeal_registered"),
            models.Index(fields=["applicant_phone"], name="appeal_phone"),
            models.Index(fields=["applicant_iin"], name="appeal_iin"),
        ]

    def __str__(self) -> str:
        return self.number


class Answer(DomainModel):
    """The answer to an appeal; with approval required it waits as a draft for the head."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="answers", verbose_name=_("appeal"))
    text = models.TextField(_("answer"))
    attachment = models.FileField(_("attachment"), upload_to="appeal-answers/%Y/", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    status = models.CharField(_("status"), max_length=10, choices=AnswerStatus.choices)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    sent_on = models.DateField(_("sent on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.get_status_display()}"


class AppealEvent(models.Model):
    """One entry of an appeal's journal: what happened, who did it, when, with a note. Append-only."""

    is_append_only_log = True

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events", verbose_name=_("appeal"))
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("organization"))
    internal = models.BooleanField(_("internal"), default=True,
                                   help_text=_("Internal entries are never shown to the applicant."))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        constraints = [models.UniqueConstraint(fields=["appeal", "kind", "note"], name="appeal_event_once",
                                               condition=models.Q(kind__in=["reminded", "escalated"]))]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"


class PersonalDataAccess(models.Model):
    """A record of someone seeing an applicant's personal data: who, which appeal, where, when. Append-only."""

    is_append_only_log = True

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="personal_data_accesses", verbose_name=_("appeal"))
    channel = models.CharField(_("where"), max_length=20)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self) -> str:
        return f"{self.user_id} {self.appeal_id} {self.channel}"
