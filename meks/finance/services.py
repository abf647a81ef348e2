"""Writes of financing: each service checks the actor's right, validates, saves and records history.

Each runs in one transaction; a refusal raises ``ServiceError`` (``TransitionError``, ``ConcurrentEditError``) and changes nothing.

``actor=None`` is the system (the demo build, imports): rights are not checked, the rest is.
``at`` (where offered) is when the move happened, for records entered after the fact; it defaults to now.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from meks.accounts.models import Organization
from meks.core.access import Role, scope_of
from meks.core.audit import audited_create, versioned_save
from meks.core.errors import ConcurrentEditError, ServiceError, TransitionError
from meks.core.money import to_tenge
from meks.portfolio.choices import PIPELINE_STATUSES
from meks.portfolio.models import Project
from meks.portfolio.selectors import project_is_owner_side

from .choices import (
    DOCUMENTS,
    EDITABLE_STATUSES,
    FINAL_STATUSES,
    FROM_FINANCIAL_REVIEW,
    LENDER_ORGANIZATION_KINDS,
    LENDER_REQUIRED,
    PAYABLE_STATUSES,
    ApplicationStatus,
    LenderKind,
)
from .lifecycle import APPLICANT, INTERNAL_ACTIONS, LENDER, TRANSITIONS_BY_ACTION, Transition
from .models import (
    BudgetLine,
    FinancingApplication,
    FinancingChannel,
    FinancingDecision,
    FinancingPlan,
    StageChange,
    Tranche,
)

A = ApplicationStatus
APPLICATION_EDITABLE_FIELDS = ("channel", "amount_requested", "term_months", "rate", "conditions", "documents")
BUDGET_LINE_EDITABLE_FIELDS = ("administrator_code", "administrator", "programme_code", "subprogramme_code", "name",
                               "year", "region", "project", "allocated", "spent")
PLAN_EDITABLE_FIELDS = ("amount", "budget_line")


def _forbidden(message: str) -> ServiceError:
    return ServiceError(message, code="forbidden")


def _positive(value: Any, field: str) -> Decimal:
    try:
        amount = to_tenge(value)
    except Exception as error:  # decimal.InvalidOperation, TypeError
        raise ServiceError({field: [_("Enter an amount in tenge.")]}, code="invalid") from error
    if amount <= 0:
        raise ServiceError({field: [_("The amount must be positive.")]}, code="not_positive")
    return amount


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- who may act -------------------------------------------------------------------------------------------


def is_applicant_side(*, user: Any, project: Project) -> bool:
    """The project's owner members, the akimat of its region, or the project office for the region."""
    return project_is_owner_side(user=user, project=project) or scope_of(user).covers_region(
        project.region_id, Role.PROJECT_OFFICE
    )


def is_lender_member(*, user: Any, application: FinancingApplication) -> bool:
    """True for a bank or housing-company user whose organization the application was routed to."""
    scope = scope_of(user)
    return bool(application.lender_id) and scope.has_role(Role.BANK, Role.HOUSING_COMPANY) \
        and scope.organization_id == application.lender_id


def may_make(*, user: Any, application: FinancingApplication, transition: Transition) -> bool:
    """True when ``user`` holds, for this application, one of the roles ``transition`` allows."""
    scope = scope_of(user)
    project = application.project
    for role in transition.roles:
        if role == APPLICANT and project_is_owner_side(user=user, project=project):
            return True
        if role == LENDER and is_lender_member(user=user, application=application):
            return True
        if role == Role.FINANCIAL_OPERATOR and scope.has_role(role) and application.status in FROM_FINANCIAL_REVIEW:
            return True
        if role in (Role.PROJECT_OFFICE, Role.TECHNICAL_OPERATOR) and scope.covers_region(project.region_id, role):
            return True
    return False


def may_decide(*, user: Any, application: FinancingApplication) -> bool:
    """True when ``user`` may record the approving decision of ``application``."""
    return may_make(user=user, application=application, transition=TRANSITIONS_BY_ACTION["approve"])


def may_disburse(*, user: Any, application: FinancingApplication) -> bool:
    """The lender, the financial operator or the project office may plan and record tranches."""
    return may_make(user=user, application=application, transition=TRANSITIONS_BY_ACTION["start_disbursing"])


def may_edit_budget(*, user: Any, region_id: int | None) -> bool:
    """The project office and ministries edit any budget line; an akimat those of its region."""
    scope = scope_of(user)
    if scope.has_role(Role.PROJECT_OFFICE, Role.MINISTRY) and scope.regions_for(Role.PROJECT_OFFICE, Role.MINISTRY) is None:
        return True
    return region_id is not None and scope.covers_region(region_id, Role.PROJECT_OFFICE, Role.MINISTRY, Role.AKIMAT)


# --- applications ------------------------------------------------------------------------------------------


def _clean_documents(documents: Any) -> dict[str, bool]:
    if documents in (None, ""):
        return {}
    if not isinstance(documents, dict):
        raise ServiceError({"documents": [_("The documents checklist maps each document to yes or no.")]},
                           code="invalid")
    unknown = sorted(set(documents) - set(DOCUMENTS))
    if unknown:
        raise ServiceError({"documents": [_("Unknown documents: %(keys)s.") % {"keys": ", ".join(unknown)}]},
                           code="invalid")
    return {key: bool(value) for key, value in documents.items()}


def _check_application(application: FinancingApplication) -> None:
    project = application.project
    channel = application.channel
    if not channel.is_active:
        raise ServiceError({"channel": [_("This financing channel is closed.")]}, code="channel_closed")
    if application.amount_requested > project.cost_estimate:
        raise ServiceError({"amount_requested": [_("The amount requested exceeds the project's cost estimate.")]},
                           code="above_cost")
    open_twin = FinancingApplication.objects.filter(project=project, channel=channel).exclude(
        status__in=FINAL_STATUSES).exclude(pk=application.pk)
    if open_twin.exists():
        raise ServiceError(_("The project already has an open application through this channel."), code="duplicate")


def _record_stage(application: FinancingApplication, *, actor: Any, source: str, target: str, reason: str,
                  at: dt.datetime, entered: dt.datetime | None) -> None:
    seconds = (at - entered).total_seconds() if entered else 0
    StageChange.objects.create(
        application=application, from_status=source, to_status=target, actor=_user_or_none(actor), reason=reason,
        changed_at=at, days_in_stage=Decimal(max(seconds, 0) / 86400).quantize(Decimal("0.01")),
    )


def application_create(
    *, actor: Any, project: Project, channel: FinancingChannel, amount_requested: Any,
    term_months: int | None = None, rate: Any = None, conditions: str = "", documents: Any = None,
    at: dt.datetime | None = None,
) -> FinancingApplication:
    """Draft an application to finance ``project`` through ``channel``; the project's owner side files it."""
    if actor is not None and not is_applicant_side(user=actor, project=project):
        raise _forbidden(_("Only the project's owner, its region's akimat or the project office apply for its financing."))
    if project.status not in PIPELINE_STATUSES:
        raise ServiceError(_("Financing is applied for once the project has been submitted for selection."),
                           code="project_status")
    at = at or timezone.now()
    with transaction.atomic():
        count = FinancingApplication.objects.filter(project=project).count()
        application = FinancingApplication(
            number=f"{project.code}-F{count + 1}", project=project, channel=channel,
            amount_requested=_positive(amount_requested, "amount_requested"), term_months=term_months,
            rate=rate, conditions=conditions, documents=_clean_documents(documents), applicant_id=project.owner_id,
            status=A.DRAFT, status_changed_at=at,
        )
        _check_application(application)
        audited_create(application, actor=actor)
        _record_stage(application, actor=actor, source="", target=A.DRAFT, reason="", at=at, entered=None)
    return application


def application_update(
    *, actor: Any, application: FinancingApplication, expected_version: int, reason: str = "", **changes: Any
) -> FinancingApplication:
    """Change a draft or returned application's channel, amount, term, rate, conditions or documents."""
    unknown = set(changes) - set(APPLICATION_EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = FinancingApplication.objects.select_for_update().select_related("project", "channel").get(
            pk=application.pk)
        if actor is not None and not is_applicant_side(user=actor, project=locked.project):
            raise _forbidden(_("Only the applicant may change the application."))
        if locked.version != expected_version:
            raise ConcurrentEditError(
                _("The application was changed by someone else after you opened it. Reload it and try again."))
        if locked.status not in EDITABLE_STATUSES:
            raise TransitionError(_("The application can be changed only as a draft or once returned."),
                                  code="wrong_status")
        if "amount_requested" in changes:
            changes["amount_requested"] = _positive(changes["amount_requested"], "amount_requested")
        if "documents" in changes:
            changes["documents"] = _clean_documents(changes["documents"])
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, changes[name])
        _check_application(locked)
        versioned_save(locked, actor=actor, update_fields=changed, expected_version=expected_version, reason=reason)
    return locked


def _move(locked: FinancingApplication, *, actor: Any, transition: Transition, reason: str,
          at: dt.datetime | None, extra_fields: dict[str, Any] | None = None) -> None:
    if locked.status not in transition.sources:
        raise TransitionError(
            _("“%(action)s” is not possible while the application is “%(status)s”.")
            % {"action": transition.label, "status": locked.get_status_display()},
            code="wrong_status",
        )
    if actor is not None and not may_make(user=actor, application=locked, transition=transition):
        raise TransitionError(_("Your role may not do “%(action)s”.") % {"action": transition.label},
                              code="forbidden")
    if transition.reason_required and not reason.strip():
        raise TransitionError(_("Give the reason for “%(action)s”.") % {"action": transition.label},
                              code="reason_required")
    at = at or timezone.now()
    if at < locked.status_changed_at:
        raise TransitionError(_("A move cannot be dated before the application entered its current stage."),
                              code="backdated")
    source, entered = locked.status, locked.status_changed_at
    fields = dict(extra_fields or {})
    if transition.target in (A.RETURNED, A.REJECTED):
        fields["remarks"] = reason
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.status = transition.target
    locked.status_changed_at = at
    versioned_save(locked, actor=actor, update_fields=["status", "status_changed_at", *fields],
                   reason=reason or str(transition.label))
    _record_stage(locked, actor=actor, source=source, target=transition.target, reason=reason, at=at, entered=entered)


def _lock(application: FinancingApplication, expected_version: int | None) -> FinancingApplication:
    locked = FinancingApplication.objects.select_for_update().select_related("project", "channel").get(
        pk=application.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(
            _("The application was changed by someone else after you opened it. Reload it and try again."))
    return locked


def _lender_fields(locked: FinancingApplication, lender: Organization | None) -> dict[str, Any]:
    kind = locked.channel.lender_kind
    if kind not in LENDER_REQUIRED:
        if lender is not None:
            raise ServiceError({"lender": [_("This channel is not routed to a lender organization.")]},
                               code="lender_not_needed")
        return {}
    if lender is None:
        raise ServiceError({"lender": [_("Name the lender the application is routed to.")]}, code="lender_required")
    if lender.kind not in LENDER_ORGANIZATION_KINDS[kind]:
        raise ServiceError(
            {"lender": [_("This channel routes to a %(kind)s.") % {"kind": LenderKind(kind).label}]},
            code="lender_kind",
        )
    return {"lender": lender}


def application_transition(
    *, actor: Any, application: FinancingApplication, action: str, expected_version: int | None = None,
    reason: str = "", lender: Organization | None = None, agreement_number: str = "",
    agreement_date: dt.date | None = None, at: dt.datetime | None = None,
) -> FinancingApplication:
    """Move an application along its lifecycle (``submit``, ``take_for_conclusion``, ``route`` …).

    ``route`` needs the ``lender`` for channels that lend through an organization; ``sign_agreement``
    needs the agreement's number and date; ``return``, ``reject`` and ``withdraw`` need a reason.
    Approval is ``decision_record``; tranches move an application into disbursement.
    """
    transition = TRANSITIONS_BY_ACTION.get(action)
    if transition is None or action in INTERNAL_ACTIONS:
        raise TransitionError(_("Unknown action."), code="unknown_action")
    with transaction.atomic():
        locked = _lock(application, expected_version)
        extra: dict[str, Any] = {}
        if action == "route":
            extra = _lender_fields(locked, lender)
        elif action == "sign_agreement":
            if not agreement_number.strip() or agreement_date is None:
                raise ServiceError(_("Give the agreement's number and date."), code="agreement_required")
            extra = {"agreement_number": agreement_number.strip(), "agreement_date": agreement_date}
        elif action == "submit":
            _check_application(locked)
        _move(locked, actor=actor, transition=transition, reason=reason, at=at, extra_fields=extra)
    return locked


def decision_record(
    *, actor: Any, application: FinancingApplication, expected_version: int, body: str, number: str,
    date: dt.date, amount_approved: Any, round: int, amount_reason: str = "", conditions: str = "",
    at: dt.datetime | None = None,
) -> FinancingDecision:
    """Approve a routed application with its decision; the application moves to "approved" in ``round``.

    An amount other than the one requested needs a reason; one above the request without a reason is
    refused. Two reviewers deciding at once: the second is refused with ``ConcurrentEditError`` (the
    version moved on, or the one-decision-per-application constraint caught it), never two decisions.
    """
    amount = _positive(amount_approved, "amount_approved")
    if not body.strip() or not number.strip():
        raise ServiceError(_("Give the decision body and the decision number."), code="decision_incomplete")
    if round is None or int(round) < 1:
        raise ServiceError({"round": [_("The financing round is a positive number.")]}, code="invalid")
    try:
        with transaction.atomic():
            locked = _lock(application, expected_version)
            if FinancingDecision.objects.filter(application=locked).exists():
                raise ConcurrentEditError(_("A decision on this application has already been recorded."))
            if amount != locked.amount_requested and not amount_reason.strip():
                if amount > locked.amount_requested:
                    message = _("The amount approved exceeds the amount requested: give the reason.")
                else:
                    message = _("The amount approved differs from the amount requested: give the reason.")
                raise ServiceError({"amount_reason": [message]}, code="reason_required")
            decision = FinancingDecision(
                application=locked, body=body.strip(), number=number.strip(), date=date, amount_approved=amount,
                amount_reason=amount_reason.strip(), conditions=conditions, round=int(round),
                decided_by=_user_or_none(actor),
            )
            _move(locked, actor=actor, transition=TRANSITIONS_BY_ACTION["approve"], reason=amount_reason,
                  at=at, extra_fields={"round": int(round)})
            audited_create(decision, actor=actor)
    except IntegrityError as error:
        raise ConcurrentEditError(_("A decision on this application has already been recorded.")) from error
    return decision


# --- disbursements -----------------------------------------------------------------------------------------


def _approved_amount(application: FinancingApplication) -> Decimal:
    decision = FinancingDecision.objects.filter(application=application).first()
    if decision is None:
        raise TransitionError(_("The application has not been approved."), code="not_approved")
    return decision.amount_approved


def tranche_plan(*, actor: Any, application: FinancingApplication, planned_date: dt.date,
                 planned_amount: Any) -> Tranche:
    """Add a planned tranche; the schedule's total may not exceed the amount approved."""
    amount = _positive(planned_amount, "planned_amount")
    with transaction.atomic():
        locked = _lock(application, None)
        if actor is not None and not may_disburse(user=actor, application=locked):
            raise _forbidden(_("Only the lender, the financial operator or the project office plans tranches."))
        if locked.status not in (A.APPROVED, *PAYABLE_STATUSES):
            raise TransitionError(_("Tranches are planned for an approved application still being disbursed."),
                                  code="wrong_status")
        approved = _approved_amount(locked)
        planned = locked.tranches.aggregate(total=Sum("planned_amount"))["total"] or Decimal(0)
        if planned + amount > approved:
            raise ServiceError(
                {"planned_amount": [_("The schedule would exceed the amount approved (%(approved)s tenge).")
                                    % {"approved": approved}]},
                code="above_approved",
            )
        number = (locked.tranches.aggregate(last=Max("number"))["last"] or 0) + 1
        return audited_create(
            Tranche(application=locked, number=number, planned_date=planned_date, planned_amount=amount), actor=actor
        )


def tranche_pay(*, actor: Any, application: FinancingApplication, amount: Any, paid_on: dt.date,
                tranche: Tranche | None = None, at: dt.datetime | None = None) -> Tranche:
    """Record a tranche paid (a planned one, or one off the schedule); refused above the amount approved.

    The first payment moves the application to "disbursing", the one completing the amount to "fully
    disbursed".
    """
    paid = _positive(amount, "amount")
    with transaction.atomic():
        locked = _lock(application, None)
        if actor is not None and not may_disburse(user=actor, application=locked):
            raise _forbidden(_("Only the lender, the financial operator or the project office records payments."))
        if locked.status not in PAYABLE_STATUSES:
            raise TransitionError(_("Money is paid once the agreement is signed, until it is fully disbursed."),
                                  code="wrong_status")
        approved = _approved_amount(locked)
        total = locked.tranches.aggregate(total=Sum("paid_amount"))["total"] or Decimal(0)
        if total + paid > approved:
            raise ServiceError(
                {"amount": [_("Paid in total would be %(total)s tenge, above the %(approved)s tenge approved.")
                            % {"total": total + paid, "approved": approved}]},
                code="above_approved",
            )
        if tranche is not None:
            row = Tranche.objects.select_for_update().get(pk=tranche.pk)
            if row.application_id != locked.pk or row.paid_on is not None:
                raise ServiceError(_("This tranche is not an unpaid tranche of the application."), code="tranche")
            row.paid_on, row.paid_amount = paid_on, paid
            versioned_save(row, actor=actor, update_fields=["paid_on", "paid_amount"])
        else:
            number = (locked.tranches.aggregate(last=Max("number"))["last"] or 0) + 1
            row = audited_create(Tranche(application=locked, number=number, paid_on=paid_on, paid_amount=paid),
                                 actor=actor)
        if locked.status == A.AGREEMENT_SIGNED:
            _move(locked, actor=actor, transition=TRANSITIONS_BY_ACTION["start_disbursing"], reason="", at=at)
        if total + paid == approved:
            _move(locked, actor=actor, transition=TRANSITIONS_BY_ACTION["complete_disbursement"], reason="", at=at)
    return row


# --- budget synchronisation --------------------------------------------------------------------------------


def _line_region(line: BudgetLine) -> int | None:
    return line.region_id or (line.project.region_id if line.project_id else None)


def budget_line_create(*, actor: Any, reason: str = "", **fields: Any) -> BudgetLine:
    """Record a budget programme line (administrator, programme, subprogramme, year, allocated, spent)."""
    unknown = set(fields) - set(BUDGET_LINE_EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    line = BudgetLine(**fields)
    if actor is not None and not may_edit_budget(user=actor, region_id=_line_region(line)):
        raise _forbidden(_("You may not record budget lines for this region."))
    with transaction.atomic():
        return audited_create(line, actor=actor, reason=reason)


def budget_line_update(*, actor: Any, line: BudgetLine, expected_version: int, reason: str = "",
                       **changes: Any) -> BudgetLine:
    """Change a budget line (typically the amounts allocated and spent)."""
    unknown = set(changes) - set(BUDGET_LINE_EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if actor is not None and not may_edit_budget(user=actor, region_id=_line_region(line)):
        raise _forbidden(_("You may not change this budget line."))
    changed = [name for name, value in changes.items() if getattr(line, name) != value]
    if not changed:
        return line
    for name in changed:
        setattr(line, name, changes[name])
    if actor is not None and not may_edit_budget(user=actor, region_id=_line_region(line)):
        raise _forbidden(_("You may not move the budget line outside your region."))
    line.full_clean()
    with transaction.atomic():
        return versioned_save(line, actor=actor, update_fields=changed, expected_version=expected_version,
                              reason=reason)


def financing_plan_set(*, actor: Any, project: Project, year: int, source: FinancingChannel, amount: Any,
                       budget_line: BudgetLine | None = None, expected_version: int | None = None,
                       reason: str = "") -> FinancingPlan:
    """Set how much ``project`` plans to get from ``source`` in ``year`` (creating or changing the plan)."""
    if actor is not None and not is_applicant_side(user=actor, project=project):
        raise _forbidden(_("Only the project's owner, its region's akimat or the project office plan its financing."))
    value = _positive(amount, "amount")
    with transaction.atomic():
        existing = FinancingPlan.objects.select_for_update().filter(project=project, year=year, source=source).first()
        if existing is None:
            plan = FinancingPlan(project=project, year=year, source=source, amount=value, budget_line=budget_line)
            return audited_create(plan, actor=actor, reason=reason)
        if expected_version is None:
            raise ConcurrentEditError(_("A plan for this project, year and source exists already: change it instead."))
        existing.amount, existing.budget_line = value, budget_line
        existing.full_clean()
        return versioned_save(existing, actor=actor, update_fields=["amount", "budget_line"],
                              expected_version=expected_version, reason=reason)
