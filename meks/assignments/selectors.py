"""Reads of the control of assignments, scoped to the user; overdue and discipline computed for a date.

Who sees what: the project office sees every assignment; any other user those whose lead executor or
co-executor is their organization, and those of meetings their organization keeps under control.

Overdue is never stored: a deadline is overdue on a date when no report accepted for it was submitted by
that date and its due date has passed; asked about a past date, a deadline met later counts as open. A deadline counts for discipline once it has come due or been met: on time when its accepted
report was submitted by the due date, late when after, overdue while still open past it. The delay of a
late one is its report's date minus the due date; of an overdue one, the date minus the due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Case, Count, F, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from meks.core.access import Role, get_visible_or_404, scope_of
from meks.core.db import DaysBetween
from meks.core.i18n import FALLBACK_LANGUAGE

from .choices import AssignmentStatus
from .models import Assignment, Deadline, Meeting


def assignment_visibility(user: Any, prefix: str = "") -> Q:
    """The filter of the assignments ``user`` may see (fields reached through ``prefix``)."""
    scope = scope_of(user)
    if scope.is_empty:
        return Q(pk__in=[])
    if scope.has_role(Role.PROJECT_OFFICE):
        return Q()
    organization = scope.organization_id or 0
    return (Q(**{f"{prefix}lead_executor_id": organization}) | Q(**{f"{prefix}co_executors": organization})
            | Q(**{f"{prefix}meeting__controlling_organization_id": organization}))


def visible_assignment_ids(user: Any) -> QuerySet:
    """The ids of the assignments ``user`` may see, as a subquery."""
    return Assignment.objects.filter(assignment_visibility(user)).values("pk")


def meeting_list(*, user: Any) -> QuerySet[Meeting]:
    """Meetings with at least one assignment the user may see (all, for the project office)."""
    scope = scope_of(user)
    if scope.has_role(Role.PROJECT_OFFICE):
        return Meeting.objects.annotate(assignment_count=Count("assignments")).order_by("-date")
    return (Meeting.objects.filter(assignments__in=visible_assignment_ids(user)).distinct()
            .annotate(assignment_count=Count("assignments", distinct=True)).order_by("-date"))


def meeting_get(*, user: Any, pk: int) -> Meeting:
    return get_visible_or_404(meeting_list(user=user), pk=pk)


@dataclass(frozen=True)
class AssignmentFilters:
    """Filters of the assignment list."""

    executor: int | None = None
    meeting: int | None = None
    status: str | None = None
    overdue: bool | None = None
    search: str | None = None

    @classmethod
    def from_query(cls, params: Any) -> AssignmentFilters:
        def number(name: str) -> int | None:
            value = params.get(name) or ""
            return int(value) if str(value).isdigit() else None

        return cls(
            executor=number("executor"), meeting=number("meeting"),
            status=params.get("status") if params.get("status") in AssignmentStatus.values else None,
            overdue={"1": True, "0": False}.get(params.get("overdue", "")),
            search=(params.get("q") or "").strip() or None,
        )


def open_on(on: dt.date, prefix: str = "") -> Q:
    """Deadlines not yet met on ``on``: no accepted report, or one dated after ``on``."""
    return Q(**{f"{prefix}fulfilled_on__isnull": True}) | Q(**{f"{prefix}fulfilled_on__gt": on})


def met_by(on: dt.date, prefix: str = "") -> Q:
    """Deadlines met on or before ``on``."""
    return Q(**{f"{prefix}fulfilled_on__isnull": False, f"{prefix}fulfilled_on__lte": on})


def _overdue_deadlines(on: dt.date) -> QuerySet[Deadline]:
    return Deadline.objects.filter(open_on(on), due_date__lt=on)


def assignment_list(*, user: Any, filters: AssignmentFilters | None = None, on: dt.date | None = None) -> QuerySet[Assignment]:
    """Visible assignments with their next open deadline, overdue deadline count and worst delay, as of ``on``."""
    on = on or timezone.localdate()
    filters = filters or AssignmentFilters()
    open_past = open_on(on, "deadlines__") & Q(deadlines__due_date__lt=on)
    queryset = (
        Assignment.objects.filter(pk__in=visible_assignment_ids(user))
        .select_related("meeting", "lead_executor", "lead_official")
        .annotate(
            overdue_count=Count("deadlines", filter=open_past, distinct=True),
            next_due=Min("deadlines__due_date", filter=open_on(on, "deadlines__")),
            worst_delay=Coalesce(Max(DaysBetween(Value(on), F("deadlines__due_date")), filter=open_past), Value(0),
                                 output_field=IntegerField()),
        )
    )
    if filters.executor:
        queryset = queryset.filter(Q(lead_executor_id=filters.executor) | Q(co_executors=filters.executor)).distinct()
    if filters.meeting:
        queryset = queryset.filter(meeting_id=filters.meeting)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.overdue is not None:
        queryset = queryset.filter(overdue_count__gt=0) if filters.overdue else queryset.filter(overdue_count=0)
    if filters.search:
        term = filters.search
        queryset = queryset.filter(Q(text_ru__icontains=term) | Q(text_kk__icontains=term) | Q(item_number=term))
    return queryset.order_by("next_due", "meeting__date", "item_number")


def assignment_get(*, user: Any, pk: int) -> Assignment:
    return get_visible_or_404(assignment_list(user=user), pk=pk)


def overdue_deadlines(*, user: Any, on: dt.date | None = None) -> QuerySet[Deadline]:
    """Open deadlines past their date, most overdue first, with how many days."""
    on = on or timezone.localdate()
    return (
        _overdue_deadlines(on).filter(assignment__in=visible_assignment_ids(user))
        .select_related("assignment__meeting", "assignment__lead_executor", "assignment__lead_official")
        .annotate(days_overdue=DaysBetween(Value(on), F("due_date")))
        .order_by("due_date", "assignment__item_number")
    )


def due_soon(*, user: Any, on: dt.date | None = None, days: int = 14) -> QuerySet[Deadline]:
    """Open deadlines falling within the next ``days`` days (today included)."""
    on = on or timezone.localdate()
    return (
        Deadline.objects.filter(open_on(on), due_date__gte=on, due_date__lte=on + dt.timedelta(days=days),
                                assignment__in=visible_assignment_ids(user))
        .select_related("assignment__meeting", "assignment__lead_executor", "assignment__lead_official")
        .annotate(days_left=DaysBetween(F("due_date"), Value(on)))
        .order_by("due_date")
    )


def deadlines_in_month(*, user: Any, month: dt.date) -> QuerySet[Deadline]:
    """Deadlines of one month, for the calendar."""
    first = month.replace(day=1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (
        Deadline.objects.filter(due_date__gte=first, due_date__lt=following, assignment__in=visible_assignment_ids(user))
        .select_related("assignment__meeting", "assignment__lead_executor")
        .order_by("due_date")
    )


@dataclass(frozen=True)
class DisciplineRow:
    """One executor's record: deadlines come due, met on time, met late, overdue, average delay."""

    key: int
    name: str
    organization: str
    due: int
    on_time: int
    late: int
    overdue: int
    average_delay: Decimal
    share_on_time: Decimal
    rank: int = 0


def discipline_ranking(*, user: Any, on: dt.date | None = None, by: str = "organization") -> list[DisciplineRow]:
    """Executors ranked by the share of deadlines met on time, then fewest overdue, then smallest delay.

    ``by`` is ``organization`` (the lead executor) or ``official`` (the responsible official); one query.
    """
    on = on or timezone.localdate()
    counted = (
        Deadline.objects.filter(assignment__in=visible_assignment_ids(user))
        .filter(Q(due_date__lt=on) | met_by(on))
    )
    delay = Case(
        When(met_by(on) & Q(fulfilled_on__gt=F("due_date")), then=DaysBetween(F("fulfilled_on"), F("due_date"))),
        When(open_on(on), then=DaysBetween(Value(on), F("due_date"))),
        default=Value(0), output_field=IntegerField(),
    )
    if by == "official":
        group = ["assignment__lead_official", "assignment__lead_official__last_name",
                 "assignment__lead_official__first_name", "assignment__lead_official__middle_name",
                 "assignment__lead_executor__name_ru"]
    else:
        group = ["assignment__lead_executor", "assignment__lead_executor__name_ru", "assignment__lead_executor__name_kk",
                 "assignment__lead_executor__name_en"]
    rows = (
        counted.annotate(delay=delay).order_by().values(*group)
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=met_by(on) & Q(fulfilled_on__lte=F("due_date"))),
            late=Count("pk", filter=met_by(on) & Q(fulfilled_on__gt=F("due_date"))),
            overdue=Count("pk", filter=open_on(on)),
            average_delay=Avg("delay", filter=Q(delay__gt=0)),
        )
    )
    language = (get_language() or FALLBACK_LANGUAGE).split("-")[0]
    result = []
    for row in rows:
        if by == "official":
            name = " ".join(part for part in (row["assignment__lead_official__last_name"],
                                              row["assignment__lead_official__first_name"],
                                              row["assignment__lead_official__middle_name"]) if part)
            key, organization = row["assignment__lead_official"], row["assignment__lead_executor__name_ru"]
        else:
            name = row.get(f"assignment__lead_executor__name_{language}") or row["assignment__lead_executor__name_ru"]
            key, organization = row["assignment__lead_executor"], name
        share = (Decimal(row["on_time"]) / Decimal(row["due"])).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        average = Decimal(str(row["average_delay"] or 0)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        result.append(DisciplineRow(key, name, organization, row["due"], row["on_time"], row["late"], row["overdue"],
                                    average, share))
    result.sort(key=lambda r: (-r.share_on_time, r.overdue, r.average_delay, r.name))
    return [DisciplineRow(**{**r.__dict__, "rank": rank}) for rank, r in enumerate(result, start=1)]


def assignment_summary(*, user: Any, on: dt.date | None = None) -> dict[str, Any]:
    """The dashboard's figures: open, overdue, due within 14 days, accepted; and by status."""
    on = on or timezone.localdate()
    visible = Assignment.objects.filter(pk__in=visible_assignment_ids(user))
    by_status = dict(visible.order_by().values_list("status").annotate(count=Count("pk")))
    deadlines = Deadline.objects.filter(assignment__in=visible_assignment_ids(user)).aggregate(
        overdue=Count("pk", filter=open_on(on) & Q(due_date__lt=on)),
        due_soon=Count("pk", filter=open_on(on) & Q(due_date__gte=on, due_date__lte=on + dt.timedelta(days=14))),
        met_on_time=Count("pk", filter=met_by(on) & Q(fulfilled_on__lte=F("due_date"))),
        met_late=Count("pk", filter=met_by(on) & Q(fulfilled_on__gt=F("due_date"))),
    )
    return {
        "on": on,
        "total": sum(by_status.values()),
        "by_status": [{"status": value, "label": label, "count": by_status.get(value, 0)}
                      for value, label in AssignmentStatus.choices],
        **deadlines,
    }
