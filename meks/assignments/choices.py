"""Choices of the control of assignments."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    PROJECT_OFFICE = "project_office", _("Project office meeting")
    GOVERNMENT = "government", _("Government meeting")
    WORKING_TRIP = "working_trip", _("Working trip")
    SEMINAR = "seminar", _("Seminar")


class ControlLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")


class AssignmentStatus(models.TextChoices):
    """Where an assignment is; overdue is never a status, it is computed from its deadlines."""

    ISSUED = "issued", _("Issued")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Reported")
    RETURNED = "returned", _("Returned for rework")
    ACCEPTED = "accepted", _("Accepted, taken off control")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for rework")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


OPEN_STATUSES = (AssignmentStatus.ISSUED, AssignmentStatus.IN_PROGRESS, AssignmentStatus.REPORTED,
                 AssignmentStatus.RETURNED)
