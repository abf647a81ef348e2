"""Writes of the portfolio. Each service checks the actor's right, validates, saves and records history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meks.core.access import Role, scope_of
from meks.core.audit import audited_create, versioned_save
from meks.core.errors import ConcurrentEditError, ServiceError, TransitionError

from .choices import MILESTONE_ORDER, BaselineStatus, MilestoneKind, ProjectStatus
from .lifecycle import TRANSITIONS_BY_ACTION
from .lifecycle_access import may_make, target_of
from .models import Baseline, Milestone, ProgressReport, Project, StatusChange
from .readiness import READINESS_FIELDS
from .selectors import project_can_edit

PROJECT_EDITABLE_FIELDS = (
    "title_ru", "title_kk", "title_en", "description", "direction", "project_type", "settlement", "owner",
    "responsible", "cost_estimate", "planned_km_heat", "planned_km_power", "planned_km_water", "planned_km_sewer",
    "planned_mw", "planned_equipment_units", "people_served", "wear_before", "wear_after", "planned_start",
    "planned_end", *READINESS_FIELDS,
)
#: Share of the time from start to completion at which each milestone falls in a standard schedule.
STANDARD_SCHEDULE = {
    MilestoneKind.DESIGN: Decimal("0.05"),
    MilestoneKind.EXPERTISE: Decimal("0.12"),
    MilestoneKind.TENDER_PUBLISHED: Decimal("0.20"),
    MilestoneKind.CONTRACT_SIGNED: Decimal("0.30"),
    MilestoneKind.WORKS_STARTED: Decimal("0.35"),
    MilestoneKind.WORKS_HALF: Decimal("0.65"),
    MilestoneKind.COMMISSIONED: Decimal("1.00"),
}


def _forbidden(message: str) -> ServiceError:
    return ServiceError(message, code="forbidden")


def standard_dates(start: dt.date, end: dt.date) -> dict[str, dt.date]:
    """The baseline date of each standard milestone between ``start`` and ``end``."""
    span = (end - start).days
    return {kind: start + dt.timedelta(days=int(span * share)) for kind, share in STANDARD_SCHEDULE.items()}


def project_create(*, actor: Any, reason: str = "", **fields: Any) -> Project:
    """Register a project as a draft, with its standard milestones and first baseline when dates are given."""
    project = Project(status=ProjectStatus.DRAFT, **fields)
    if actor is not None and not project_can_edit(user=actor, project=project):
        raise _forbidden(_("You may not register projects for this region or owner."))
    with transaction.atomic():
        audited_create(project, actor=actor, reason=reason)
        if project.planned_start and project.planned_end:
            schedule_set_standard(actor=actor, project=project, dates=standard_dates(project.planned_start, project.planned_end))
    return project


def schedule_set_standard(*, actor: Any, project: Project, dates: Mapping[str, dt.date]) -> list[Milestone]:
    """Create the standard milestones with their baseline dates and record them as baseline no. 1."""
    if project.milestones.exists():
        raise ServiceError(_("The project already has a schedule; propose a new baseline instead."))
    milestones = [
        audited_create(
            Milestone(project=project, kind=kind, order=MILESTONE_ORDER[kind], baseline_date=dates[kind],
                      responsible_id=project.responsible_id),
            actor=actor,
        )
        for kind in MilestoneKind.values
        if kind in dates
    ]
    audited_create(
        Baseline(project=project, number=1, status=BaselineStatus.APPROVED, proposed_by=actor if actor else None,
                 decided_by=actor if actor else None, decided_at=timezone.now(),
                 dates={kind: dates[kind].isoformat() for kind in dates}, reason=_("First baseline")),
        actor=actor,
    )
    return milestones


def project_update(
    *, actor: Any, project: Project, expected_version: int, reason: str = "", **changes: Any
) -> Project:
    """Change a project's attributes and readiness flags."""
    if not project_can_edit(user=actor, project=project):
        raise _forbidden(_("You may not edit this project."))
    unknown = set(changes) - set(PROJECT_EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    changed = [name for name, value in changes.items() if getattr(project, name) != value]
    if not changed:
        return project
    for name in changed:
        setattr(project, name, changes[name])
    if not project_can_edit(user=actor, project=project):
        raise _forbidden(_("You may not hand the project to an owner outside your scope."))
    project.full_clean()
    return versioned_save(project, actor=actor, update_fields=changed, expected_version=expected_version, reason=reason)


def project_transition(
    *, actor: Any, project: Project, action: str, reason: str = "", expected_version: int | None = None
) -> Project:
    """Move a project along its lifecycle; refused with a clear message and no change when not allowed."""
    transition = TRANSITIONS_BY_ACTION.get(action)
    if transition is None:
        raise TransitionError(_("Unknown action."), code="unknown_action")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if expected_version is not None and locked.version != expected_version:
            raise ConcurrentEditError(
                _("The project was changed by someone else after you opened it. Reload it and try again.")
            )
        if locked.status not in transition.sources:
            raise TransitionError(
                _("“%(action)s” is not possible while the project is “%(status)s”.")
                % {"action": transition.label, "status": locked.get_status_display()},
                code="wrong_status",
            )
        if actor is not None and not may_make(user=actor, project=locked, transition=transition):
            raise TransitionError(_("Your role may not do “%(action)s”.") % {"action": transition.label}, code="forbidden")
        if transition.reason_required and not reason.strip():
            raise TransitionError(_("Give the reason for “%(action)s”.") % {"action": transition.label}, code="reason_required")
        if transition.guard is not None:
            problem = transition.guard(locked)
            if problem:
                raise TransitionError(problem, code="guard")
        source = locked.status
        target = target_of(transition, locked)
        locked.status_before_suspension = source if target == ProjectStatus.SUSPENDED else ""
        locked.status = target
        locked.status_changed_at = timezone.now()
        versioned_save(locked, actor=actor, update_fields=["status", "status_before_suspension", "status_changed_at"],
                       reason=reason or str(transition.label))
        StatusChange.objects.create(project=locked, from_status=source, to_status=target,
                                    actor=actor if getattr(actor, "is_authenticated", False) else None,
                                    reason=reason, changed_at=locked.status_changed_at)
    project.refresh_from_db()
    return project


def project_delete(*, actor: Any, project: Project, reason: str) -> None:
    """Delete a draft registered by mistake; a project past the draft is cancelled instead."""
    if not scope_of(actor).covers_region(project.region_id, Role.PROJECT_OFFICE) and not project_can_edit(user=actor, project=project):
        raise _forbidden(_("You may not delete this project."))
    if project.status != ProjectStatus.DRAFT:
        raise ServiceError(_("Only a draft can be deleted; cancel the project instead."), code="not_draft")
    if not reason.strip():
        raise ServiceError(_("Give the reason for deleting the project."), code="reason_required")
    with transaction.atomic():
        project._history_user = actor
        project._change_reason = reason
        project.delete()


def milestone_update(
    *, actor: Any, milestone: Milestone, expected_version: int, reason: str = "", **changes: Any
) -> Milestone:
    """Record a milestone's forecast or actual date, or change who answers for it.

    Baseline dates change only through a re-baselining approved by the project office.
    """
    project = milestone.project
    if not project_can_edit(user=actor, project=project):
        raise _forbidden(_("You may not edit this project's schedule."))
    allowed = {"forecast_date", "actual_date", "responsible"}
    if set(changes) - allowed:
        raise ServiceError(_("The baseline date changes only through re-baselining."), code="baseline_locked")
    if changes.get("actual_date") and changes["actual_date"] > timezone.localdate():
        raise ServiceError(_("An actual date cannot be in the future."), code="future_actual")
    changed = [name for name, value in changes.items() if getattr(milestone, name) != value]
    if not changed:
        return milestone
    for name in changed:
        setattr(milestone, name, changes[name])
    return versioned_save(milestone, actor=actor, update_fields=changed, expected_version=expected_version, reason=reason)


def baseline_propose(*, actor: Any, project: Project, dates: Mapping[str, dt.date], reason: str) -> Baseline:
    """Propose new baseline dates for some or all milestones; the project office approves or declines."""
    if not project_can_edit(user=actor, project=project):
        raise _forbidden(_("You may not re-baseline this project."))
    if not reason.strip():
        raise ServiceError(_("Give the reason for re-baselining."), code="reason_required")
    known = set(project.milestones.values_list("kind", flat=True))
    if not dates or set(dates) - known:
        raise ServiceError(_("Name dates only for the project's milestones."), code="unknown_milestone")
    if project.baselines.filter(status=BaselineStatus.PROPOSED).exists():
        raise ServiceError(_("A proposed baseline is already waiting for a decision."), code="pending_exists")
    current = {m.kind: m.baseline_date.isoformat() for m in project.milestones.all()}
    current.update({kind: date.isoformat() for kind, date in dates.items()})
    number = (project.baselines.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    with transaction.atomic():
        return audited_create(
            Baseline(project=project, number=number, status=BaselineStatus.PROPOSED, dates=current, reason=reason,
                     proposed_by=actor),
            actor=actor, reason=reason,
        )


def baseline_decide(*, actor: Any, baseline: Baseline, approve: bool, reason: str = "") -> Baseline:
    """The project office approves a proposed baseline (milestones take its dates) or declines it."""
    if not scope_of(actor).covers_region(baseline.project.region_id, Role.PROJECT_OFFICE):
        raise _forbidden(_("Only the project office decides on re-baselining."))
    with transaction.atomic():
        locked = Baseline.objects.select_for_update().get(pk=baseline.pk)
        if locked.status != BaselineStatus.PROPOSED:
            raise ServiceError(_("This baseline has been decided already."), code="decided")
        locked.status = BaselineStatus.APPROVED if approve else BaselineStatus.DECLINED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        versioned_save(locked, actor=actor, update_fields=["status", "decided_by", "decided_at"], reason=reason)
        if approve:
            for milestone in locked.project.milestones.all():
                new = dt.date.fromisoformat(locked.dates[milestone.kind])
                if milestone.baseline_date != new:
                    milestone.baseline_date = new
                    versioned_save(milestone, actor=actor, update_fields=["baseline_date"],
                                   reason=_("Baseline no. %(number)s") % {"number": locked.number})
    return locked


PROGRESS_FIGURES = ("completion_percent", "km_heat", "km_power", "km_water", "km_sewer", "equipment_installed",
                    "mw_commissioned", "spent")
PLAN_OF_FIGURE = {"km_heat": "planned_km_heat", "km_power": "planned_km_power", "km_water": "planned_km_water",
                  "km_sewer": "planned_km_sewer", "equipment_installed": "planned_equipment_units",
                  "mw_commissioned": "planned_mw", "spent": "cost_estimate"}


def progress_report_submit(
    *, actor: Any, project: Project, period: dt.date, explanation: str = "", **figures: Any
) -> ProgressReport:
    """Submit a month's cumulative progress; a figure that falls, or exceeds the plan, needs an explanation."""
    if not project_can_edit(user=actor, project=project):
        raise _forbidden(_("You may not report on this project."))
    if project.status != ProjectStatus.IMPLEMENTATION:
        raise ServiceError(_("Progress is reported only for projects in implementation."), code="wrong_status")
    period = period.replace(day=1)
    if period > timezone.localdate():
        raise ServiceError(_("A month in the future cannot be reported."), code="future_period")
    unknown = set(figures) - set(PROGRESS_FIGURES)
    if unknown:
        raise ServiceError(_("Unknown figures: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    previous = project.progress_reports.filter(period__lt=period).order_by("-period").first()
    problems = []
    for name, value in figures.items():
        if previous is not None and value < getattr(previous, name):
            problems.append(_("%(figure)s went down from %(before)s to %(now)s")
                            % {"figure": ProgressReport._meta.get_field(name).verbose_name,
                               "before": getattr(previous, name), "now": value})
        plan_field = PLAN_OF_FIGURE.get(name)
        if plan_field and value > (getattr(project, plan_field) or 0):
            problems.append(_("%(figure)s exceeds the plan (%(plan)s)")
                            % {"figure": ProgressReport._meta.get_field(name).verbose_name,
                               "plan": getattr(project, plan_field)})
    if problems and not explanation.strip():
        raise ServiceError(_("Explain: %(problems)s.") % {"problems": "; ".join(str(p) for p in problems)},
                           code="explanation_required")
    report = ProgressReport(project=project, period=period, explanation=explanation, submitted_by=actor, **figures)
    with transaction.atomic():
        existing = ProgressReport.objects.select_for_update().filter(project=project, period=period).first()
        if existing is not None:
            for name, value in figures.items():
                setattr(existing, name, value)
            existing.explanation = explanation
            existing.full_clean()
            return versioned_save(existing, actor=actor, update_fields=[*figures, "explanation"],
                                  reason=_("Report corrected"))
        return audited_create(report, actor=actor)


def confidence_override_set(*, actor: Any, project: Project, level: str, reason: str, expected_version: int) -> Project:
    """The project office sets the delivery confidence by hand (or clears it with an empty level)."""
    if not scope_of(actor).covers_region(project.region_id, Role.PROJECT_OFFICE):
        raise _forbidden(_("Only the project office sets delivery confidence by hand."))
    if not reason.strip():
        raise ServiceError(_("Give the reason for setting delivery confidence by hand."), code="reason_required")
    project.confidence_override = level
    project.confidence_override_reason = reason
    project.full_clean()
    return versioned_save(project, actor=actor, update_fields=["confidence_override", "confidence_override_reason"],
                          expected_version=expected_version, reason=reason)
