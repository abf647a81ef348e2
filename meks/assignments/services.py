"""Writes of the control of assignments: each checks who acts, validates, saves and records history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meks.accounts.models import Organization, User
from meks.core.access import Role, scope_of
from meks.core.audit import audited_create, versioned_save
from meks.core.errors import ServiceError, TransitionError

from .choices import OPEN_STATUSES, AssignmentStatus, ExtensionStatus, ReportStatus
from .models import Assignment, Deadline, ExtensionRequest, Meeting, Report


def _forbidden(message: str) -> ServiceError:
    return ServiceError(message, code="forbidden")


def is_controller(user: Any, meeting: Meeting) -> bool:
    """The project office, or a member of the office that keeps the meeting's assignments under control."""
    scope = scope_of(user)
    return scope.has_role(Role.PROJECT_OFFICE) or (
        not scope.is_empty and scope.organization_id == meeting.controlling_organization_id
    )


def is_executor(user: Any, assignment: Assignment) -> bool:
    """A member of the lead executor or of a co-executor."""
    organization_id = scope_of(user).organization_id
    if not organization_id:
        return False
    return organization_id == assignment.lead_executor_id or assignment.co_executors.filter(pk=organization_id).exists()


def meeting_create(*, actor: Any, **fields: Any) -> Meeting:
    """Record a meeting; the project office or the controlling office itself may."""
    meeting = Meeting(**fields)
    if actor is not None and not is_controller(actor, meeting):
        raise _forbidden(_("Only the project office or the chair's office records meetings."))
    with transaction.atomic():
        return audited_create(meeting, actor=actor)


def monthly_deadlines(*, start: dt.date, day: int, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(period, due date) of a monthly report due on ``day``: each month's report is due in the next month."""
    deadlines = []
    month = start.replace(day=1)
    while True:
        following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        due = following.replace(day=day)
        if due > until:
            break
        if due > start:
            deadlines.append((month, due))
        month = following
    return deadlines


def assignment_issue(
    *,
    actor: Any,
    meeting: Meeting,
    item_number: str,
    text_ru: str,
    lead_executor: Organization,
    lead_official: User,
    control_level: str,
    deadline: dt.date | None = None,
    recurrence_day: int | None = None,
    recurrence_until: dt.date | None = None,
    co_executors: Iterable[Organization] = (),
    regions: Iterable = (),
    settlements: Iterable = (),
    projects: Iterable = (),
    text_kk: str = "",
    text_en: str = "",
) -> Assignment:
    """Issue an assignment from a meeting's protocol, with its deadline or its monthly deadlines."""
    if actor is not None and not is_controller(actor, meeting):
        raise _forbidden(_("Only the chair's office issues assignments of this meeting."))
    if (deadline is None) == (recurrence_day is None):
        raise ServiceError(_("Give either a deadline or a monthly reporting day."), code="deadline_kind")
    if deadline is not None and deadline < meeting.date:
        raise ServiceError(_("The deadline cannot come before the meeting (%(date)s).")
                           % {"date": meeting.date.strftime("%d.%m.%Y")}, code="deadline_before_meeting")
    if recurrence_day is not None and (recurrence_until is None or recurrence_until <= meeting.date):
        raise ServiceError(_("A recurring assignment needs an end date after the meeting."), code="recurrence_until")
    if lead_official.organization_id != lead_executor.pk:
        raise ServiceError(_("The responsible official must belong to the lead executor."), code="official_outside")
    assignment = Assignment(
        meeting=meeting, item_number=item_number, text_ru=text_ru, text_kk=text_kk, text_en=text_en,
        lead_executor=lead_executor, lead_official=lead_official, control_level=control_level, deadline=deadline,
        recurrence_day=recurrence_day, recurrence_until=recurrence_until,
    )
    with transaction.atomic():
        audited_create(assignment, actor=actor)
        assignment.co_executors.set([org for org in co_executors if org.pk != lead_executor.pk])
        assignment.regions.set(regions)
        assignment.settlements.set(settlements)
        assignment.projects.set(projects)
        if deadline is not None:
            audited_create(Deadline(assignment=assignment, due_date=deadline, original_due_date=deadline), actor=actor)
        else:
            for period, due in monthly_deadlines(start=meeting.date, day=recurrence_day, until=recurrence_until):
                audited_create(Deadline(assignment=assignment, period=period, due_date=due, original_due_date=due),
                               actor=actor)
    return assignment


def _move(assignment: Assignment, *, actor: Any, target: str, sources: Iterable[str], reason: str = "") -> None:
    if assignment.status not in set(sources):
        raise TransitionError(
            _("This is not possible while the assignment is “%(status)s”.") % {"status": assignment.get_status_display()},
            code="wrong_status",
        )
    assignment.status = target
    versioned_save(assignment, actor=actor, update_fields=["status"], reason=reason)


def assignment_start(*, actor: Any, assignment: Assignment) -> Assignment:
    """The executor takes the assignment into work."""
    if not is_executor(actor, assignment):
        raise _forbidden(_("Only an executor of the assignment may do this."))
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        _move(locked, actor=actor, target=AssignmentStatus.IN_PROGRESS, sources=[AssignmentStatus.ISSUED])
    return locked


def open_deadline(assignment: Assignment) -> Deadline | None:
    """The earliest deadline of the assignment that no accepted report has met yet."""
    return assignment.deadlines.filter(fulfilled_on__isnull=True).order_by("due_date").first()


def report_submit(*, actor: Any, assignment: Assignment, text: str, submitted_on: dt.date | None = None,
                  attachment: Any = None) -> Report:
    """An executor reports on the assignment's open deadline; the assignment becomes "reported"."""
    if not is_executor(actor, assignment):
        raise _forbidden(_("Only an executor of the assignment may report on it."))
    if not text.strip():
        raise ServiceError(_("Write the report."), code="empty_report")
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status not in OPEN_STATUSES or locked.status == AssignmentStatus.REPORTED:
            raise TransitionError(_("A report is already waiting for a decision, or the assignment is closed."),
                                  code="wrong_status")
        deadline = open_deadline(locked)
        if deadline is None:
            raise TransitionError(_("Every deadline of this assignment is met."), code="nothing_due")
        report = audited_create(
            Report(assignment=locked, deadline=deadline, organization=actor.organization, author=actor,
                   submitted_on=submitted_on or timezone.localdate(), text=text, attachment=attachment or ""),
            actor=actor,
        )
        _move(locked, actor=actor, target=AssignmentStatus.REPORTED, sources=OPEN_STATUSES)
    return report


def _decide(report: Report, actor: Any) -> tuple[Report, Assignment]:
    locked = Report.objects.select_for_update().select_related("assignment__meeting").get(pk=report.pk)
    if not is_controller(actor, locked.assignment.meeting):
        raise _forbidden(_("Only the chair's office decides on reports."))
    if is_executor(actor, locked.assignment):
        raise _forbidden(_("An executor cannot decide on its own report."))
    if locked.status != ReportStatus.SUBMITTED:
        raise TransitionError(_("This report has been decided already."), code="decided")
    return locked, Assignment.objects.select_for_update().get(pk=locked.assignment_id)


def report_accept(*, actor: Any, report: Report, note: str = "") -> Report:
    """Accept a report: its deadline is met on the report's date; a one-off assignment leaves control."""
    with transaction.atomic():
        locked, assignment = _decide(report, actor)
        locked.status, locked.decision_note, locked.decided_by = ReportStatus.ACCEPTED, note, actor
        versioned_save(locked, actor=actor, update_fields=["status", "decision_note", "decided_by"], reason=note)
        deadline = locked.deadline
        deadline.fulfilled_on = locked.submitted_on
        versioned_save(deadline, actor=actor, update_fields=["fulfilled_on"], reason=note)
        finished = not assignment.deadlines.filter(fulfilled_on__isnull=True).exists()
        target = AssignmentStatus.ACCEPTED if finished else AssignmentStatus.IN_PROGRESS
        _move(assignment, actor=actor, target=target, sources=[AssignmentStatus.REPORTED], reason=note)
    return locked


def report_return(*, actor: Any, report: Report, note: str) -> Report:
    """Return a report for rework with the reason; the deadline stays open."""
    if not note.strip():
        raise ServiceError(_("Say what must be reworked."), code="reason_required")
    with transaction.atomic():
        locked, assignment = _decide(report, actor)
        locked.status, locked.decision_note, locked.decided_by = ReportStatus.RETURNED, note, actor
        versioned_save(locked, actor=actor, update_fields=["status", "decision_note", "decided_by"], reason=note)
        _move(assignment, actor=actor, target=AssignmentStatus.RETURNED, sources=[AssignmentStatus.REPORTED], reason=note)
    return locked


def extension_request(*, actor: Any, deadline: Deadline, new_due_date: dt.date, reason: str,
                      requested_on: dt.date | None = None) -> ExtensionRequest:
    """An executor asks to move an open deadline to a later date."""
    assignment = deadline.assignment
    if not is_executor(actor, assignment):
        raise _forbidden(_("Only an executor of the assignment may ask for an extension."))
    if deadline.fulfilled_on:
        raise ServiceError(_("This deadline is met already."), code="fulfilled")
    if new_due_date <= deadline.due_date:
        raise ServiceError(_("The new date must be later than the current deadline."), code="not_later")
    if not reason.strip():
        raise ServiceError(_("Give the reason for the extension."), code="reason_required")
    if deadline.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise ServiceError(_("An extension request is already waiting for a decision."), code="pending_exists")
    with transaction.atomic():
        return audited_create(
            ExtensionRequest(deadline=deadline, requested_by=actor, requested_on=requested_on or timezone.localdate(),
                             new_due_date=new_due_date, reason=reason),
            actor=actor, reason=reason,
        )


def extension_decide(*, actor: Any, request: ExtensionRequest, approve: bool, note: str = "") -> ExtensionRequest:
    """The chair's office approves (the deadline moves, its old date kept in history) or declines."""
    with transaction.atomic():
        locked = ExtensionRequest.objects.select_for_update().select_related("deadline__assignment__meeting").get(pk=request.pk)
        if not is_controller(actor, locked.deadline.assignment.meeting):
            raise _forbidden(_("Only the chair's office decides on extensions."))
        if locked.status != ExtensionStatus.PENDING:
            raise TransitionError(_("This request has been decided already."), code="decided")
        locked.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.DECLINED
        locked.decided_by, locked.decision_note = actor, note
        versioned_save(locked, actor=actor, update_fields=["status", "decided_by", "decision_note"], reason=note)
        if approve:
            deadline = Deadline.objects.select_for_update().get(pk=locked.deadline_id)
            deadline.due_date = locked.new_due_date
            versioned_save(deadline, actor=actor, update_fields=["due_date"],
                           reason=_("Extension approved: %(reason)s") % {"reason": locked.reason})
    return locked
