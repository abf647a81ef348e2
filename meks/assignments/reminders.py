"""Reminders before a deadline and escalation after it, as a daily periodic job.

The lead official is reminded a configurable number of days before each open deadline
(``MEKS_ASSIGNMENT_REMINDER_DAYS``, 7, 3 and 1 by default). On the first day a deadline is overdue, and
every seven days after, the lead official and the chair's office are told. Messages go to the platform
and by e-mail; each is sent once, however often the job runs.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meks.accounts.models import User
from meks.core.jobs import periodic_job
from meks.core.notifications import notify

from .models import Deadline

ESCALATION_EVERY_DAYS = 7


def reminder_days() -> tuple[int, ...]:
    return tuple(getattr(settings, "MEKS_ASSIGNMENT_REMINDER_DAYS", (7, 3, 1)))


def send_reminders(*, on: dt.date | None = None) -> dict[str, int]:
    """Send the day's reminders and escalations; returns how many of each were new."""
    on = on or timezone.localdate()
    sent = {"reminders": 0, "escalations": 0}
    open_deadlines = Deadline.objects.filter(fulfilled_on__isnull=True).select_related(
        "assignment__meeting", "assignment__lead_official", "assignment__lead_executor")
    due_dates = [on + dt.timedelta(days=days) for days in reminder_days()]
    for deadline in open_deadlines.filter(due_date__in=due_dates):
        official = deadline.assignment.lead_official
        with translation.override(official.language):
            text = _("Assignment %(item)s is due on %(date)s: %(text)s") % {
                "item": str(deadline.assignment), "date": deadline.due_date.strftime("%d.%m.%Y"),
                "text": deadline.assignment.text[:200]}
            sent["reminders"] += notify(
                user=official, key=f"assignment-reminder:{deadline.pk}:{deadline.due_date}:{on}",
                subject=_("Deadline approaching"), text=text,
                url=reverse("assignments:assignment_detail", args=[deadline.assignment_id]))
    for deadline in open_deadlines.filter(due_date__lt=on):
        days = (on - deadline.due_date).days
        if (days - 1) % ESCALATION_EVERY_DAYS:
            continue
        assignment = deadline.assignment
        recipients = {assignment.lead_official, *User.objects.filter(
            organization=assignment.meeting.controlling_organization, is_active=True)}
        for user in recipients:
            with translation.override(user.language):
                text = _("Assignment %(item)s is %(days)s days overdue; responsible: %(official)s (%(executor)s).") % {
                    "item": str(assignment), "days": days, "official": assignment.lead_official.get_full_name(),
                    "executor": assignment.lead_executor.name}
                sent["escalations"] += notify(
                    user=user, key=f"assignment-escalation:{deadline.pk}:{days}", subject=_("Assignment overdue"),
                    text=text, url=reverse("assignments:assignment_detail", args=[assignment.pk]))
    return sent


@periodic_job("daily", name="assignments.reminders")
def daily_reminders() -> dict[str, int]:
    """Remind executors of deadlines and escalate overdue assignments."""
    return send_reminders()
