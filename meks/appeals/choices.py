"""Choices of the contact centre."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone (hotline 1465)")
    PORTAL = "portal", _("Portal")


class AppealStatus(models.TextChoices):
    """Where an appeal is; overdue is computed from its due date, never stored."""

    REGISTERED = "registered", _("Registered")
    ROUTED = "routed", _("Sent to the responsible organization")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (AppealStatus.REGISTERED, AppealStatus.ROUTED, AppealStatus.IN_PROGRESS)


class AnswerStatus(models.TextChoices):
    DRAFT = "draft", _("Draft, waiting for the head's approval")
    SENT = "sent", _("Sent to the applicant")


class EventKind(models.TextChoices):
    """What happened to an appeal, in its journal."""

    REGISTERED = "registered", _("Registered")
    ROUTED = "routed", _("Routed")
    FORWARDED = "forwarded", _("Forwarded to the competent body")
    ASSIGNED = "assigned", _("Executor assigned")
    NOTE = "note", _("Internal note")
    EXTENDED = "extended", _("Deadline extended")
    ANSWERED = "answered", _("Answered")
    RATED = "rated", _("Rated by the applicant")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    REMINDED = "reminded", _("Reminder sent")
    ESCALATED = "escalated", _("Escalated")
