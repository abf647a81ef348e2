"""Reminders before an appeal's due date and escalation after it, as a daily job on working days.

On working days only: the executor (or, with none, the organization's head) is reminded 3 working
days before the due date and on the due date itself; on the first working day after the due date of an
unanswered appeal, the organization's head and the project office are told it is overdue. Each message
is sent and journaled once, however often the job runs.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import User
from meks.core.jobs import periodic_job
from meks.core.notifications import notify
from meks.core.workdays import add_working_days, is_working_day, working_days_between

from .choices import OPEN_STATUSES, EventKind
from .models import Appeal, AppealEvent

REMIND_WORKING_DAYS_BEFORE = (3, 0)


def _heads(organization_id: int) -> list[User]:
    return list(User.objects.filter(organization_id=organization_id, is_organization_head=True, is_active=True))


def _send(users, appeal: Appeal, key: str, subject: str, text_of) -> int:
    sent = 0
    for user in users:
        with translation.override(user.language):
            sent += notify(user=user, key=key, subject=str(subject), text=text_of(),
                           url=reverse("appeals:appeal_detail", args=[appeal.pk]))
    return sent


def send_reminders(*, on: dt.date | None = None) -> dict[str, int]:
    """The day's reminders and escalations; nothing on a non-working day."""
    on = on or timezone.localdate()
    result = {"reminders": 0, "escalations": 0}
    if not is_working_day(on):
        return result
    horizon = add_working_days(on, max(REMIND_WORKING_DAYS_BEFORE))
    candidates = Appeal.objects.filter(status__in=OPEN_STATUSES, due_date__lte=horizon).select_related("executor", "organization")
    project_office = list(User.objects.filter(organization__kind=OrganizationKind.PROJECT_OFFICE, is_active=True))
    for appeal in candidates:
        left = working_days_between(on, appeal.due_date)
        if left in REMIND_WORKING_DAYS_BEFORE:
            note = f"remind:{appeal.due_date}:{left}"
            if AppealEvent.objects.filter(appeal=appeal, kind=EventKind.REMINDED, note=note).exists():
                continue
            users = [appeal.executor] if appeal.executor else _heads(appeal.organization_id)
            result["reminders"] += _send(users, appeal, f"appeal-{note}:{appeal.pk}", _("Appeal due soon"), lambda a=appeal: _(
                "Appeal %(number)s must be answered by %(date)s.") % {"number": a.number, "date": a.due_date.strftime("%d.%m.%Y")})
            AppealEvent.objects.create(appeal=appeal, kind=EventKind.REMINDED, note=note, at=timezone.now())
        elif appeal.due_date < on and add_working_days(appeal.due_date, 1) == on:
            note = f"overdue:{appeal.due_date}"
            if AppealEvent.objects.filter(appeal=appeal, kind=EventKind.ESCALATED, note=note).exists():
                continue
            users = {*_heads(appeal.organization_id), *project_office}
            result["escalations"] += _send(users, appeal, f"appeal-{note}:{appeal.pk}", _("Appeal overdue"), lambda a=appeal: _(
                "Appeal %(number)s was due on %(date)s and is not answered (%(organization)s).") % {
                "number": a.number, "date": a.due_date.strftime("%d.%m.%Y"), "organization": a.organization.name})
            AppealEvent.objects.create(appeal=appeal, kind=EventKind.ESCALATED, note=note, at=timezone.now())
    return result


@periodic_job("daily", name="appeals.reminders")
def daily_reminders() -> dict[str, int]:
    """Remind executors of appeals due soon and escalate overdue ones."""
    return send_reminders()
