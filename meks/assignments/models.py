"""Meetings, their assignments, the deadlines each must meet, reports and extension requests."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from meks.accounts.models import Organization
from meks.core.models import DomainModel
from meks.portfolio.models import Project
from meks.territory.models import Region, Settlement

from .choices import AssignmentStatus, ControlLevel, ExtensionStatus, MeetingKind, ReportStatus


class Meeting(DomainModel):
    """A meeting, seminar or working trip whose protocol gives assignments."""

    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    date = models.DateField(_("date"))
    title_ru = models.CharField(_("title (Russian)"), max_length=500)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    chair = models.CharField(_("chair"), max_length=300, help_text=_("Name and position of who chaired it."))
    controlling_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="controlled_meetings",
        verbose_name=_("chair's office"), help_text=_("The office that keeps the assignments under control."),
    )
    protocol_number = models.CharField(_("protocol number"), max_length=50, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    protocol_file = models.FileField(_("protocol"), upload_to="protocols/%Y/", blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.title}"

    @property
    def title(self) -> str:
        """The title in the active language."""
        from meks.core.i18n import localized

        return localized(self, "title")


class Assignment(DomainModel):
    """An item of a protocol: what must be done, by whom, by when; overdue is derived from its deadlines."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("meeting"))
    item_number = models.CharField(_("item"), max_length=20)
    text_ru = models.TextField(_("text (Russian)"))
    text_kk = models.TextField(_("text (Kazakh)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    lead_executor = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="lead_assignments", verbose_name=_("lead executor")
    )
    lead_official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lead_assignments",
        verbose_name=_("responsible official"),
    )
    co_executors = models.ManyToManyField(
        Organization, blank=True, related_name="co_assignments", verbose_name=_("co-executors")
    )
    control_level = models.CharField(_("control level"), max_length=10, choices=ControlLevel.choices)
    status = models.CharField(_("status"), max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.ISSUED)
    deadline = models.DateField(_("deadline"), null=True, blank=True, help_text=_("For a one-off assignment."))
    recurrence_day = models.PositiveSmallIntegerField(
        _("monthly by day"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("For a recurring assignment: the day of each month a report is due."),
    )
    recurrence_until = models.DateField(_("recurring until"), null=True, blank=True)
    regions = models.ManyToManyField(Region, blank=True, related_name="assignments", verbose_name=_("regions"))
    settlements = models.ManyToManyField(Settlement, blank=True, related_name="assignments", verbose_name=_("settlements"))
    projects = models.ManyToManyField(Project, blank=True, related_name="assignments", verbose_name=_("projects"))

    class Meta:
        ordering = ["meeting", "item_number"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "item_number"], name="assignment_unique_item"),
            models.CheckConstraint(
                condition=(models.Q(deadline__isnull=False, recurrence_day__isnull=True)
                           | models.Q(deadline__isnull=True, recurrence_day__isnull=False)),
                name="assignment_one_kind_of_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting.protocol_number or self.meeting_id} п. {self.item_number}"

    @property
    def text(self) -> str:
        """The text in the active language."""
        from meks.core.i18n import localized

        return localized(self, "text")


class Deadline(DomainModel):
    """One date an assignment must be reported by: one for a one-off assignment, one a month for a recurring one.

    ``fulfilled_on`` is the date of the report that the chair's office accepted for it; a deadline is
    overdue while it has none and its date has passed. An approved extension moves ``due_date``; the
    history keeps the earlier date, and ``original_due_date`` the first one.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("assignment"))
    period = models.DateField(_("period"), null=True, blank=True, help_text=_("The month reported on, for a recurring assignment."))
    due_date = models.DateField(_("due date"))
    original_due_date = models.DateField(_("original due date"))
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)

    class Meta:
        ordering = ["assignment", "due_date"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [models.Index(fields=["due_date", "fulfilled_on"], name="deadline_due_fulfilled")]
        constraints = [models.UniqueConstraint(fields=["assignment", "period"], name="deadline_unique_period")]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.due_date}"


class Report(DomainModel):
    """An executor's report on an assignment (for a recurring one, on one deadline)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("assignment"))
    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="reports", verbose_name=_("deadline"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("executor"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    submitted_on = models.DateField(_("submitted on"))
    text = models.TextField(_("report"))
    attachment = models.FileField(_("attachment"), upload_to="assignment-reports/%Y/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True, verbose_name=_("decided by"))

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.submitted_on}"


class ExtensionRequest(DomainModel):
    """An executor's request to move a deadline, decided by the chair's office."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="extension_requests", verbose_name=_("deadline"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    requested_on = models.DateField(_("requested on"))
    new_due_date = models.DateField(_("new due date"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True, verbose_name=_("decided by"))
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-requested_on", "-pk"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self) -> str:
        return f"{self.deadline_id} → {self.new_due_date}"
