"""Pages of the control of assignments: dashboard, list, calendar, ranking, meetings, an assignment and its actions.

The views read through ``selectors`` and write through ``services``; a service's refusal is shown as a
message or a form error, and nothing is changed.
"""

from __future__ import annotations

import calendar as calendar_module
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meks.core.access import Role, scope_of
from meks.core.audit import history_entries
from meks.core.forms import paginate

from . import selectors, services
from .choices import OPEN_STATUSES, AssignmentStatus, ExtensionStatus, ReportStatus
from .forms import (
    AssignmentIssueForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    MeetingForm,
    ReportDecisionForm,
    ReportForm,
    add_service_error,
    executor_choices,
)
from .models import Assignment, Deadline, ExtensionRequest, Report

#: The roles the control of assignments serves (those its menu entry is shown to).
READER_ROLES = tuple(sorted(set(Role) - {Role.CONTRACTOR, Role.MANUFACTURER, Role.CONTACT_CENTRE}))
DUE_SOON_DAYS = 14
LIST_LIMIT = 15
RANKING_TOP = 10
SORTS = {
    "deadline": (F("next_due").asc(nulls_last=True), "meeting__date", "item_number"),
    "-deadline": (F("next_due").desc(nulls_last=True), "meeting__date", "item_number"),
    "-delay": ("-worst_delay", F("next_due").asc(nulls_last=True), "item_number"),
}


def _require_reader(request: HttpRequest) -> None:
    if not scope_of(request.user).has_role(*READER_ROLES):
        raise Http404


@dataclass(frozen=True)
class DeadlineState:
    """A deadline as the pages show it on a date: met on time, met late, overdue or open, and by how many days."""

    deadline: Deadline
    state: str
    days: int

    @property
    def moved(self) -> bool:
        return self.deadline.due_date != self.deadline.original_due_date


def _state(deadline: Deadline, on: dt.date) -> DeadlineState:
    if deadline.fulfilled_on:
        delay = (deadline.fulfilled_on - deadline.due_date).days
        return DeadlineState(deadline, "late" if delay > 0 else "on_time", max(delay, 0))
    if deadline.due_date < on:
        return DeadlineState(deadline, "overdue", (on - deadline.due_date).days)
    return DeadlineState(deadline, "open", (deadline.due_date - on).days)


def _service_call(request: HttpRequest, call: Callable[[], Any], success: str) -> bool:
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


def _status_counts(summary: dict[str, Any]) -> dict[str, int]:
    return {row["status"]: row["count"] for row in summary["by_status"]}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    user, on = request.user, timezone.localdate()
    summary = selectors.assignment_summary(user=user, on=on)
    counts = _status_counts(summary)
    ranking = selectors.discipline_ranking(user=user, on=on)
    context = {
        "summary": summary,
        "on": on,
        "overdue_assignments": selectors.assignment_list(
            user=user, filters=selectors.AssignmentFilters(overdue=True), on=on).count(),
        "reported": counts.get(AssignmentStatus.REPORTED, 0),
        "accepted": counts.get(AssignmentStatus.ACCEPTED, 0),
        "overdue": selectors.overdue_deadlines(user=user, on=on)[:LIST_LIMIT],
        "due_soon": selectors.due_soon(user=user, on=on, days=DUE_SOON_DAYS)[:LIST_LIMIT],
        "due_soon_days": DUE_SOON_DAYS,
        "ranking_top": ranking[:RANKING_TOP],
        "ranking_count": len(ranking),
        "month": on.strftime("%Y-%m"),
    }
    return render(request, "assignments/dashboard.html", context)


def _list_context(request: HttpRequest, filters: selectors.AssignmentFilters) -> dict[str, Any]:
    query = {"executor": filters.executor, "meeting": filters.meeting, "status": filters.status,
             "overdue": {True: "1", False: "0"}.get(filters.overdue), "q": filters.search}
    return {
        "filters": filters,
        "filter_qs": urlencode({key: value for key, value in query.items() if value not in (None, "")}),
        "executors": executor_choices(user=request.user),
        "meetings": selectors.meeting_list(user=request.user),
        "statuses": AssignmentStatus.choices,
    }


def _due_within(request: HttpRequest) -> int | None:
    value = request.GET.get("due", "")
    return int(value) if value.isdigit() and 0 < int(value) <= 366 else None


@login_required
def assignment_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    user, on = request.user, timezone.localdate()
    filters = selectors.AssignmentFilters.from_query(request.GET)
    queryset = selectors.assignment_list(user=user, filters=filters, on=on)
    due = _due_within(request)
    if due:
        queryset = queryset.filter(pk__in=selectors.due_soon(user=user, on=on, days=due).values("assignment_id"))
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "deadline"
    context = {**_list_context(request, filters), "page": paginate(request, queryset.order_by(*SORTS[sort])),
               "sort": sort, "due": due, "on": on}
    template = "assignments/_assignment_table.html" if request.htmx else "assignments/assignment_list.html"
    return render(request, template, context)


def _month_from(value: str, today: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in value.split("-", 1))
        if 1901 <= year <= 9998:
            return dt.date(year, month, 1)
    except (TypeError, ValueError):
        pass
    return today.replace(day=1)


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    today = timezone.localdate()
    month = _month_from(request.GET.get("month", ""), today)
    by_day: dict[dt.date, list[DeadlineState]] = defaultdict(list)
    for deadline in selectors.deadlines_in_month(user=request.user, month=month):
        by_day[deadline.due_date].append(_state(deadline, today))
    weeks = [
        [{"date": day, "in_month": day.month == month.month, "today": day == today, "deadlines": by_day.get(day, [])}
         for day in week]
        for week in calendar_module.Calendar(firstweekday=calendar_module.MONDAY).monthdatescalendar(month.year,
                                                                                                    month.month)
    ]
    previous_month = (month - dt.timedelta(days=1)).replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    context = {
        "month": month, "weeks": weeks, "weekdays": [day["date"] for day in weeks[0]],
        "previous_month": previous_month.strftime("%Y-%m"), "next_month": next_month.strftime("%Y-%m"),
        "this_month": today.strftime("%Y-%m"), "count": sum(len(items) for items in by_day.values()),
    }
    return render(request, "assignments/calendar.html", context)


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    by = "official" if request.GET.get("by") == "official" else "organization"
    rows = selectors.discipline_ranking(user=request.user, on=timezone.localdate(), by=by)
    context = {"by": by, "rows": [{"row": row, "percent": row.share_on_time * Decimal(100)} for row in rows],
               "on": timezone.localdate()}
    return render(request, "assignments/ranking.html", context)


def _can_record_meetings(user: Any, meetings) -> bool:
    scope = scope_of(user)
    return scope.has_role(Role.PROJECT_OFFICE) or (
        bool(scope.organization_id) and meetings.filter(controlling_organization_id=scope.organization_id).exists())


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    meetings = selectors.meeting_list(user=request.user).select_related("controlling_organization")
    context = {"meetings": meetings, "can_record": _can_record_meetings(request.user, meetings)}
    return render(request, "assignments/meeting_list.html", context)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    assignments = selectors.assignment_list(user=request.user, filters=selectors.AssignmentFilters(meeting=meeting.pk))
    context = {
        "meeting": meeting,
        "assignments": assignments.order_by("item_number"),
        "can_issue": services.is_controller(request.user, meeting),
        "can_record": _can_record_meetings(request.user, selectors.meeting_list(user=request.user)),
        "history": history_entries(meeting, limit=20),
    }
    return render(request, "assignments/meeting_detail.html", context)


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    if not _can_record_meetings(request.user, selectors.meeting_list(user=request.user)):
        raise Http404
    form = MeetingForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting was recorded."))
            return redirect("assignments:meeting_detail", pk=meeting.pk)
    return render(request, "assignments/meeting_form.html", {"form": form})


@login_required
def assignment_issue(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    if not services.is_controller(request.user, meeting):
        raise Http404
    form = AssignmentIssueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_issue(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error, form.ERROR_FIELDS)
        else:
            messages.success(request, _("The assignment was issued."))
            return redirect("assignments:assignment_detail", pk=assignment.pk)
    return render(request, "assignments/assignment_issue.html", {"form": form, "meeting": meeting})


def _get_assignment(request: HttpRequest, pk: int) -> Assignment:
    _require_reader(request)
    return selectors.assignment_get(user=request.user, pk=pk)


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment(request, pk)
    user, today = request.user, timezone.localdate()
    executor = services.is_executor(user, assignment)
    decides = services.is_controller(user, assignment.meeting) and not executor
    deadlines = [_state(deadline, today) for deadline in assignment.deadlines.order_by("due_date")]
    extensions = list(ExtensionRequest.objects.filter(deadline__assignment=assignment)
                      .select_related("deadline", "requested_by", "decided_by"))
    due = services.open_deadline(assignment)
    is_open = assignment.status in OPEN_STATUSES
    pending = any(extension.deadline_id == getattr(due, "pk", None) and extension.status == ExtensionStatus.PENDING
                  for extension in extensions)
    context = {
        "assignment": assignment,
        "meeting": assignment.meeting,
        "co_executors": assignment.co_executors.all(),
        "regions": assignment.regions.all(),
        "settlements": assignment.settlements.select_related("region"),
        "projects": assignment.projects.all(),
        "deadlines": deadlines,
        "reports": assignment.reports.select_related("deadline", "organization", "author", "decided_by"),
        "extensions": extensions,
        "open_deadline": due,
        "is_executor": executor,
        "decides": decides,
        "can_start": executor and assignment.status == AssignmentStatus.ISSUED,
        "can_report": executor and is_open and assignment.status != AssignmentStatus.REPORTED and due is not None,
        "can_extend": executor and is_open and due is not None and not pending,
        "report_form": ReportForm(),
        "extension_form": ExtensionRequestForm(),
        "history": history_entries(assignment, limit=30),
        "submitted": ReportStatus.SUBMITTED,
        "pending": ExtensionStatus.PENDING,
        "today": today,
    }
    return render(request, "assignments/assignment_detail.html", context)


@login_required
@require_POST
def assignment_start(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment(request, pk)
    _service_call(request, lambda: services.assignment_start(actor=request.user, assignment=assignment),
                  _("The assignment was taken into work."))
    return redirect("assignments:assignment_detail", pk=pk)


def _executor_form_page(request: HttpRequest, pk: int) -> tuple[Assignment, Deadline | None]:
    assignment = _get_assignment(request, pk)
    if not services.is_executor(request.user, assignment):
        raise Http404
    return assignment, services.open_deadline(assignment)


@login_required
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment, due = _executor_form_page(request, pk)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_submit(actor=request.user, assignment=assignment, text=form.cleaned_data["text"],
                                   attachment=form.cleaned_data["attachment"])
        except ValidationError as error:
            add_service_error(form, error, form.ERROR_FIELDS)
        else:
            messages.success(request, _("The report was sent to the chair's office."))
            return redirect("assignments:assignment_detail", pk=pk)
    return render(request, "assignments/report_form.html", {"form": form, "assignment": assignment, "due": due})


@login_required
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    assignment, due = _executor_form_page(request, pk)
    if due is None:
        messages.error(request, _("Every deadline of this assignment is met."))
        return redirect("assignments:assignment_detail", pk=pk)
    form = ExtensionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_request(actor=request.user, deadline=due, new_due_date=form.cleaned_data["new_due_date"],
                                       reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error, form.ERROR_FIELDS)
        else:
            messages.success(request, _("The extension request was sent to the chair's office."))
            return redirect("assignments:assignment_detail", pk=pk)
    return render(request, "assignments/extension_form.html", {"form": form, "assignment": assignment, "due": due})


def _report_of(assignment: Assignment, report_pk: int) -> Report:
    try:
        return assignment.reports.get(pk=report_pk)
    except Report.DoesNotExist as error:
        raise Http404 from error


@login_required
@require_POST
def report_decide(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    assignment = _get_assignment(request, pk)
    report = _report_of(assignment, report_pk)
    form = ReportDecisionForm(request.POST)
    if not form.is_valid():
        raise Http404
    note = form.cleaned_data["note"]
    if form.cleaned_data["decision"] == "accept":
        _service_call(request, lambda: services.report_accept(actor=request.user, report=report, note=note),
                      _("The report was accepted."))
    else:
        _service_call(request, lambda: services.report_return(actor=request.user, report=report, note=note),
                      _("The report was returned for rework."))
    return redirect("assignments:assignment_detail", pk=pk)


@login_required
def report_attachment(request: HttpRequest, pk: int, report_pk: int) -> FileResponse:
    report = _report_of(_get_assignment(request, pk), report_pk)
    if not report.attachment:
        raise Http404
    try:
        handle = report.attachment.open("rb")
    except OSError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=Path(report.attachment.name).name)


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    assignment = _get_assignment(request, pk)
    try:
        extension = ExtensionRequest.objects.get(pk=request_pk, deadline__assignment=assignment)
    except ExtensionRequest.DoesNotExist as error:
        raise Http404 from error
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        raise Http404
    approve = form.cleaned_data["decision"] == "approve"
    _service_call(request, lambda: services.extension_decide(actor=request.user, request=extension, approve=approve,
                                                             note=form.cleaned_data["note"]),
                  _("The extension was approved; the deadline moved.") if approve else _("The extension was declined."))
    return redirect("assignments:assignment_detail", pk=pk)

