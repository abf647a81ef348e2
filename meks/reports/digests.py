"""Weekly digests: each responsible official gets one e-mail a week listing what needs their attention.

A digest lists, as of its day:

* late milestones: no actual date and the baseline or the forecast date already past, where the official is
  the milestone's or the project's responsible (projects commissioned, rejected or cancelled are left out);
* assignments near or past deadline: open deadlines (not fulfilled) of assignments still on control whose
  lead official is the official, due within ``ASSIGNMENT_HORIZON_DAYS`` calendar days or overdue;
* appeals near or past their due date: open appeals due within ``APPEAL_HORIZON_WORKING_DAYS`` working days
  or overdue, whose executor is the official, or, when no executor is set, whose responsible organization
  the official heads (the same addressee as the appeals' own reminders).

Nobody with nothing to report gets a digest. Each digest is recorded as a ``Notification`` keyed by the user
and the ISO week, so running the job again in the same week sends nothing new. The e-mail is written in the
recipient's language, as plain text with an HTML alternative, with absolute links built from
``MEKS_SITE_URL``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meks.accounts.models import User
from meks.appeals.choices import OPEN_STATUSES
from meks.appeals.models import Appeal
from meks.assignments.choices import AssignmentStatus
from meks.assignments.models import Deadline
from meks.core.jobs import periodic_job
from meks.core.models import Notification
from meks.core.workdays import add_working_days
from meks.portfolio.choices import FINAL_STATUSES
from meks.portfolio.models import Milestone
from meks.portfolio.schedule import milestone_lag_expression

logger = logging.getLogger(__name__)

ASSIGNMENT_HORIZON_DAYS = 7
APPEAL_HORIZON_WORKING_DAYS = 3
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    """The platform's public address used in e-mailed links, without a trailing slash."""
    return str(getattr(settings, "MEKS_SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")


def absolute(path: str) -> str:
    return f"{site_url()}{path}"


def digest_key(on: dt.date) -> str:
    """The de-duplication key of a digest: one per user per ISO week."""
    year, week, _weekday = on.isocalendar()
    return f"weekly-digest:{year}-W{week:02d}"


@dataclass
class Digest:
    """What one official is told in one week's digest."""

    user: Any
    on: dt.date
    milestones: list[Any] = field(default_factory=list)
    deadlines: list[Any] = field(default_factory=list)
    appeals: list[Any] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.milestones or self.deadlines or self.appeals)

    @property
    def count(self) -> int:
        return len(self.milestones) + len(self.deadlines) + len(self.appeals)


def _late_milestones(on: dt.date) -> list[Milestone]:
    return list(
        Milestone.objects.filter(actual_date__isnull=True)
        .filter(Q(baseline_date__lt=on) | Q(forecast_date__lt=on))
        .exclude(project__status__in=FINAL_STATUSES)
        .select_related("project", "project__responsible", "responsible")
        .annotate(lag_days=milestone_lag_expression(on))
        .order_by("baseline_date", "project__code", "order")
    )


def _deadlines(on: dt.date) -> list[Deadline]:
    return list(
        Deadline.objects.filter(fulfilled_on__isnull=True, due_date__lte=on + dt.timedelta(days=ASSIGNMENT_HORIZON_DAYS))
        .exclude(assignment__status=AssignmentStatus.ACCEPTED)
        .select_related("assignment", "assignment__meeting", "assignment__lead_official")
        .order_by("due_date", "pk")
    )


def _appeals(on: dt.date) -> list[Appeal]:
    horizon = add_working_days(on, APPEAL_HORIZON_WORKING_DAYS)
    return list(
        Appeal.objects.filter(status__in=OPEN_STATUSES, due_date__lte=horizon)
        .select_related("category", "region", "organization", "executor")
        .order_by("due_date", "number")
    )


def collect_digests(*, on: dt.date | None = None) -> list[Digest]:
    """Every active official's digest as of ``on``, the empty ones left out, in user order."""
    on = on or timezone.localdate()
    digests: dict[int, Digest] = {}

    def digest_of(user: Any) -> Digest | None:
        if user is None or not user.is_active:
            return None
        if user.pk not in digests:
            digests[user.pk] = Digest(user=user, on=on)
        return digests[user.pk]

    for milestone in _late_milestones(on):
        for user in {milestone.responsible, milestone.project.responsible}:
            if (digest := digest_of(user)) is not None:
                digest.milestones.append(milestone)
    for deadline in _deadlines(on):
        if (digest := digest_of(deadline.assignment.lead_official)) is not None:
            digest.deadlines.append(deadline)
    appeals = _appeals(on)
    organizations = {appeal.organization_id for appeal in appeals if appeal.executor_id is None and appeal.organization_id}
    heads: dict[int, list[Any]] = {}
    for head in User.objects.filter(organization_id__in=organizations, is_organization_head=True, is_active=True):
        heads.setdefault(head.organization_id, []).append(head)
    for appeal in appeals:
        addressees = [appeal.executor] if appeal.executor_id else heads.get(appeal.organization_id, [])
        for user in addressees:
            if (digest := digest_of(user)) is not None:
                digest.appeals.append(appeal)
    return [digests[pk] for pk in sorted(digests) if not digests[pk].is_empty]


def _context(digest: Digest) -> dict[str, Any]:
    on = digest.on
    milestones = [
        {
            "project": milestone.project.code,
            "project_title": milestone.project.title,
            "milestone": milestone.get_kind_display(),
            "baseline": milestone.baseline_date,
            "forecast": milestone.forecast_date,
            "lag_days": milestone.lag_days,
            "url": absolute(reverse("portfolio:project_detail", args=[milestone.project_id])),
        }
        for milestone in digest.milestones
    ]
    deadlines = [
        {
            "assignment": str(deadline.assignment),
            "text": deadline.assignment.text[:200],
            "due": deadline.due_date,
            "overdue_days": max((on - deadline.due_date).days, 0),
            "url": absolute(reverse("assignments:assignment_detail", args=[deadline.assignment_id])),
        }
        for deadline in digest.deadlines
    ]
    appeals = [
        {
            "number": appeal.number,
            "category": str(appeal.category),
            "region": str(appeal.region),
            "due": appeal.due_date,
            "overdue": appeal.due_date < on,
            "url": absolute(reverse("appeals:appeal_detail", args=[appeal.pk])),
        }
        for appeal in digest.appeals
    ]
    return {
        "user": digest.user,
        "on": on,
        "week": digest_key(on).rsplit(":", 1)[1],
        "milestones": milestones,
        "deadlines": deadlines,
        "appeals": appeals,
        "site_url": site_url(),
        "assignment_horizon": ASSIGNMENT_HORIZON_DAYS,
        "appeal_horizon": APPEAL_HORIZON_WORKING_DAYS,
    }


def render_digest(digest: Digest) -> tuple[str, str, str]:
    """The subject, plain text and HTML of a digest, in its recipient's language."""
    with translation.override(digest.user.language or settings.LANGUAGE_CODE):
        context = _context(digest)
        subject = ngettext("Weekly digest for %(date)s: %(count)s item needs your attention",
                           "Weekly digest for %(date)s: %(count)s items need your attention", digest.count) % {
            "date": digest.on.strftime("%d.%m.%Y"), "count": digest.count}
        text = render_to_string("reports/digest_email.txt", context)
        html = render_to_string("reports/digest_email.html", context)
    return subject, text, html


def send_digest(digest: Digest) -> bool:
    """Record and send one digest; False when this week's was already sent to the user."""
    key = digest_key(digest.on)
    if Notification.objects.filter(user=digest.user, key=key).exists():
        return False
    subject, text, html = render_digest(digest)
    with translation.override(digest.user.language or settings.LANGUAGE_CODE):
        summary = _("Weekly digest: %(milestones)s late milestones, %(deadlines)s assignment deadlines, "
                    "%(appeals)s appeals due.") % {"milestones": len(digest.milestones),
                                                   "deadlines": len(digest.deadlines),
                                                   "appeals": len(digest.appeals)}
    notification, created = Notification.objects.get_or_create(
        user=digest.user, key=key, defaults={"text": summary, "url": reverse("core:home")})
    if not created:
        return False
    if digest.user.email:
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [digest.user.email])
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except Exception:
            # Not delivered: forget it so that the next run tries again.
            notification.delete()
            raise
    return True


def send_weekly_digests(*, on: dt.date | None = None) -> dict[str, int]:
    """Send the week's digests; returns how many were sent and how many were already sent this week."""
    result = {"sent": 0, "already_sent": 0}
    for digest in collect_digests(on=on):
        if send_digest(digest):
            result["sent"] += 1
        else:
            result["already_sent"] += 1
    logger.info("weekly digests: %(sent)s sent, %(already_sent)s already sent this week", result)
    return result


@periodic_job("weekly", name="reports.weekly_digests")
def weekly_digests() -> dict[str, int]:
    """E-mail each responsible official a digest of late milestones, assignments and appeals due."""
    return send_weekly_digests()
