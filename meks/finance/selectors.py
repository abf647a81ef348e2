"""Reads of financing, scoped to the user, with every figure derived in the database.

Who sees which applications (pages and API alike):

- the project office, ministries and the technical operator: all of the regions their roles cover;
- the financial operator: those that reached its review ("financial review" and on, or returned or
  rejected after reaching it);
- a bank (the development bank included) or the housing company: those routed to its organization;
- an akimat: its regions' projects'; a utility: its own organization's projects'.

Budget lines and financing plans: the national roles and the financial operator all; an akimat its
regions'; a utility its own projects'. Anyone else sees nothing: deny by default, and a record that is
missing and one that may not be seen both answer 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from meks.accounts.models import Organization
from meks.core.access import Role, get_visible_or_404, scope_of
from meks.indicators.selectors import funding_priority_by_region
from meks.portfolio.models import ProgressReport, Project
from meks.portfolio.readiness import READINESS_FIELDS

from .choices import (
    APPROVED_STATUSES,
    FROM_FINANCIAL_REVIEW,
    LENDER_ORGANIZATION_KINDS,
    LENDER_REQUIRED,
    PIPELINE_ORDER,
    REVIEW_STATUSES,
    ApplicationStatus,
    DisbursementFlag,
    LenderKind,
    MismatchKind,
    disbursement_margins,
    stage_target_days,
)
from .lifecycle import INTERNAL_ACTIONS, transitions_from
from .models import BudgetLine, FinancingApplication, FinancingChannel, FinancingPlan, StageChange, Tranche

A = ApplicationStatus
#: Roles that see every application of the regions they cover.
NATIONAL_READERS = (Role.PROJECT_OFFICE, Role.MINISTRY, Role.TECHNICAL_OPERATOR)
#: Every role that sees something in financing.
FINANCE_ROLES = (*NATIONAL_READERS, Role.FINANCIAL_OPERATOR, Role.BANK, Role.HOUSING_COMPANY, Role.AKIMAT,
                 Role.UTILITY)
MONEY = DecimalField(max_digits=18, decimal_places=2)
PERCENT = DecimalField(max_digits=9, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)
SORTS = {
    "number": ("number",), "-number": ("-number",),
    "amount": ("amount_requested", "pk"), "-amount": ("-amount_requested", "-pk"),
    "waiting": ("status_changed_at", "pk"), "-waiting": ("-status_changed_at", "-pk"),
    "region": ("project__region__name_ru", "pk"), "project": ("project__code", "pk"),
    "priority": ("priority_rank", "pk"), "-priority": ("-priority_rank", "-pk"),
}


# --- scope -------------------------------------------------------------------------------------------------


def is_finance_reader(user: Any) -> bool:
    """True for a user whose roles show anything of financing (the pages answer 404 to others)."""
    return scope_of(user).has_role(*FINANCE_ROLES)


def application_visibility(user: Any) -> Q:
    """The filter of the applications ``user`` may see."""
    scope = scope_of(user)
    if scope.is_empty:
        return Q(pk__in=[])
    visible = scope.region_filter("project__region_id", *NATIONAL_READERS) if scope.has_role(*NATIONAL_READERS) \
        else Q(pk__in=[])
    if scope.has_role(Role.FINANCIAL_OPERATOR):
        reached = Exists(StageChange.objects.filter(application=OuterRef("pk"), to_status=A.FINANCIAL_REVIEW))
        visible |= Q(status__in=FROM_FINANCIAL_REVIEW) | Q(reached)
    if scope.has_role(Role.BANK, Role.HOUSING_COMPANY) and scope.organization_id:
        visible |= Q(lender_id=scope.organization_id)
    if scope.has_role(Role.AKIMAT):
        visible |= scope.region_filter("project__region_id", Role.AKIMAT)
    if scope.has_role(Role.UTILITY) and scope.organization_id:
        visible |= Q(project__owner_id=scope.organization_id)
    return visible


def budget_visibility(user: Any, *, project_lookup: str, region_lookup: str | None) -> Q:
    """The filter of budget lines (or plans) ``user`` may see, reaching the project and region by lookups."""
    scope = scope_of(user)
    national = (*NATIONAL_READERS, Role.FINANCIAL_OPERATOR)
    visible = Q(pk__in=[])
    if scope.has_role(*national):
        regions = scope.regions_for(*national)
        if regions is None:
            return Q()
        visible |= Q(**{f"{project_lookup}__region_id__in": sorted(regions)})
        if region_lookup:
            visible |= Q(**{f"{region_lookup}__in": sorted(regions)})
    if scope.has_role(Role.AKIMAT):
        visible |= scope.region_filter(f"{project_lookup}__region_id", Role.AKIMAT)
        if region_lookup:
            visible |= scope.region_filter(region_lookup, Role.AKIMAT)
    if scope.has_role(Role.UTILITY) and scope.organization_id:
        visible |= Q(**{f"{project_lookup}__owner_id": scope.organization_id})
    return visible


# --- filters -----------------------------------------------------------------------------------------------


def _split(value: Any) -> tuple[str, ...]:
    return tuple(part for part in str(value or "").split(",") if part)


def _int(value: Any) -> int | None:
    return int(value) if value not in (None, "") and str(value).isdigit() else None


@dataclass(frozen=True)
class ApplicationFilters:
    """The list's filters; every dashboard figure carries the ones that drill down to its records.

    ``status`` and ``lender_kind`` take one value or several separated by commas; ``region`` is a KATO
    code; ``overdue`` keeps applications in review longer than their stage's target; ``flag`` is a
    disbursement flag; ``zone`` a funding priority zone of the region (from the indicators, when present).
    """

    status: tuple[str, ...] = ()
    channel: str | None = None
    lender_kind: tuple[str, ...] = ()
    lender: int | None = None
    round: int | None = None
    region: str | None = None
    project: str | None = None
    overdue: bool | None = None
    flag: str | None = None
    zone: str | None = None
    search: str | None = None
    sort: str | None = None

    @classmethod
    def from_query(cls, params: Any) -> ApplicationFilters:
        """Read the filters from a query dictionary, ignoring malformed values."""
        sort = params.get("sort") or None
        return cls(
            status=tuple(s for s in _split(params.get("status")) if s in A.values),
            channel=params.get("channel") or None,
            lender_kind=tuple(k for k in _split(params.get("lender_kind")) if k in LenderKind.values),
            lender=_int(params.get("lender")),
            round=_int(params.get("round")),
            region=params.get("region") or None,
            project=params.get("project") or None,
            overdue={"1": True, "0": False}.get(params.get("overdue", "")),
            flag=params.get("flag") if params.get("flag") in DisbursementFlag.values else None,
            zone=params.get("zone") or None,
            search=(params.get("q") or "").strip() or None,
            sort=sort if sort in SORTS else None,
        )

    def as_query(self) -> dict[str, str]:
        """The filters that are set, as query parameters."""
        values = {
            "status": ",".join(self.status), "channel": self.channel, "lender_kind": ",".join(self.lender_kind),
            "lender": self.lender, "round": self.round, "region": self.region, "project": self.project,
            "overdue": None if self.overdue is None else int(self.overdue), "flag": self.flag, "zone": self.zone,
            "q": self.search, "sort": self.sort,
        }
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


def _overdue_q(now: dt.datetime) -> Q:
    targets = stage_target_days()
    overdue = Q(pk__in=[])
    for status, days in targets.items():
        overdue |= Q(status=status, status_changed_at__lt=now - dt.timedelta(days=days))
    return overdue


def _priority() -> dict[int, Any]:
    """The regions' funding priority from the indicators ({region id: obj with .rank, .score, .zone}).

    The priority is the national ranking of regions (worst infrastructure first), the same for every
    reader, so it is computed as the system sees it.
    """
    return funding_priority_by_region()


def _with_priority(queryset: QuerySet, priority: dict[int, Any]) -> QuerySet:
    ranks = [When(project__region_id=region_id, then=Value(int(obj.rank))) for region_id, obj in priority.items()]
    zones = [When(project__region_id=region_id, then=Value(obj.zone or "")) for region_id, obj in priority.items()]
    return queryset.annotate(
        priority_rank=Case(*ranks, default=Value(9999)) if ranks else Value(9999),
        priority_zone=Case(*zones, default=Value(""), output_field=CharField()) if zones
        else Value("", output_field=CharField()),
    )


def _filtered(queryset: QuerySet, filters: ApplicationFilters, now: dt.datetime) -> QuerySet:
    if filters.status:
        queryset = queryset.filter(status__in=filters.status)
    if filters.channel:
        queryset = queryset.filter(channel__code=filters.channel)
    if filters.lender_kind:
        queryset = queryset.filter(channel__lender_kind__in=filters.lender_kind)
    if filters.lender:
        queryset = queryset.filter(lender_id=filters.lender)
    if filters.round:
        queryset = queryset.filter(round=filters.round)
    if filters.region:
        queryset = queryset.filter(project__region__kato=filters.region)
    if filters.project:
        queryset = queryset.filter(project__code=filters.project)
    if filters.overdue is not None:
        queryset = queryset.filter(_overdue_q(now)) if filters.overdue else queryset.exclude(_overdue_q(now))
    if filters.flag:
        queryset = queryset.filter(disbursement_flag=filters.flag)
    if filters.search:
        queryset = queryset.filter(
            Q(number__icontains=filters.search) | Q(project__code__icontains=filters.search)
            | Q(project__title_ru__icontains=filters.search) | Q(project__title_en__icontains=filters.search)
        )
    return queryset


# --- applications ------------------------------------------------------------------------------------------


def _annotated(queryset: QuerySet) -> QuerySet:
    """Amount approved, paid and planned, the project's completion, the paid share and the disbursement flag."""
    ahead, behind = disbursement_margins()
    paid = Tranche.objects.filter(application=OuterRef("pk"), paid_amount__isnull=False).values("application") \
        .annotate(total=Sum("paid_amount")).values("total")
    planned = Tranche.objects.filter(application=OuterRef("pk")).values("application") \
        .annotate(total=Sum("planned_amount")).values("total")
    completion = ProgressReport.objects.filter(project=OuterRef("project_id")).order_by("-period") \
        .values("completion_percent")[:1]
    queryset = queryset.annotate(
        amount_approved=Coalesce(F("decision__amount_approved"), ZERO, output_field=MONEY),
        paid_total=Coalesce(Subquery(paid, output_field=MONEY), ZERO, output_field=MONEY),
        planned_total=Coalesce(Subquery(planned, output_field=MONEY), ZERO, output_field=MONEY),
        completion_percent=Coalesce(Subquery(completion, output_field=PERCENT), Value(Decimal("0")),
                                    output_field=PERCENT),
    )
    queryset = queryset.annotate(
        paid_percent=Case(
            When(amount_approved__gt=0,
                 # through float: SQLite divides whole-tenge amounts as integers
                 then=Cast(Cast(F("paid_total"), FloatField()) * Value(100.0) / Cast(F("amount_approved"), FloatField()),
                           output_field=PERCENT)),
            default=Value(Decimal("0")), output_field=PERCENT,
        ),
    )
    return queryset.annotate(
        disbursement_flag=Case(
            When(paid_total__lte=0, then=Value(DisbursementFlag.NONE.value)),
            When(paid_percent__gt=F("completion_percent") + Value(Decimal(ahead)), then=Value(DisbursementFlag.AHEAD.value)),
            When(paid_percent__lt=F("completion_percent") - Value(Decimal(behind)),
                 then=Value(DisbursementFlag.BEHIND.value)),
            default=Value(DisbursementFlag.IN_LINE.value),
        ),
    )


def application_queryset(*, user: Any) -> QuerySet:
    """Every application ``user`` may see, with its related records joined and its figures annotated."""
    return _annotated(
        FinancingApplication.objects.filter(application_visibility(user))
        .select_related("project__region", "project__owner", "channel", "lender", "applicant", "decision")
    )


def application_list(*, user: Any, filters: ApplicationFilters | None = None,
                     now: dt.datetime | None = None) -> QuerySet:
    """The applications ``user`` may see, filtered and sorted (newest first by default).

    Each carries ``amount_approved``, ``paid_total``, ``planned_total``, ``completion_percent``,
    ``paid_percent``, ``disbursement_flag``, ``priority_rank`` (the region's funding priority; 9999 when
    the indicators give none) and ``priority_zone`` (red / yellow / green, empty when unknown), so a list page needs nothing else.
    """
    filters = filters or ApplicationFilters()
    now = now or timezone.now()
    priority = _priority()
    queryset = _with_priority(_filtered(application_queryset(user=user), filters, now), priority)
    if filters.zone:
        queryset = queryset.filter(project__region_id__in=[rid for rid, obj in priority.items()
                                                           if obj.zone == filters.zone])
    return queryset.order_by(*SORTS.get(filters.sort or "", ("-pk",)))


def application_get(*, user: Any, pk: Any) -> FinancingApplication:
    """One application ``user`` may see, annotated as in the list; 404 when missing or not allowed."""
    return get_visible_or_404(application_queryset(user=user), pk=pk)


def application_get_by_number(*, user: Any, number: str) -> FinancingApplication:
    """One application by its number; 404 when missing or not allowed."""
    return get_visible_or_404(application_queryset(user=user), number=number)


def region_priority(*, region_id: int) -> Any | None:
    """The indicators' funding priority of one region (``.rank``, ``.score``, ``.zone``), or None."""
    return _priority().get(region_id)


@dataclass(frozen=True)
class AvailableAction:
    """A move the user may make now: its action name, label, the status it leads to and what it needs.

    ``kind`` is ``transition`` (``application_transition``), ``decide`` (``decision_record``),
    ``plan_tranche`` (``tranche_plan``) or ``pay_tranche`` (``tranche_pay``).
    """

    action: str
    label: Any
    kind: str = "transition"
    target: str | None = None
    needs_reason: bool = False
    needs_lender: bool = False
    needs_agreement: bool = False


def application_available_actions(*, user: Any, application: FinancingApplication) -> list[AvailableAction]:
    """The moves ``user`` may make on ``application`` from its current status, in the table's order."""
    from django.utils.translation import gettext_lazy as _

    from .services import may_disburse, may_make

    actions = []
    for transition in transitions_from(application.status):
        if not may_make(user=user, application=application, transition=transition):
            continue
        if transition.action == "approve":
            actions.append(AvailableAction("decide", _("Record the decision"), "decide", transition.target))
            continue
        if transition.action in INTERNAL_ACTIONS:
            continue
        actions.append(AvailableAction(
            transition.action, transition.label, "transition", transition.target,
            needs_reason=transition.reason_required,
            needs_lender=transition.action == "route" and application.channel.lender_kind in LENDER_REQUIRED,
            needs_agreement=transition.action == "sign_agreement",
        ))
    if application.status in (A.APPROVED, A.AGREEMENT_SIGNED, A.DISBURSING) and may_disburse(
            user=user, application=application):
        actions.append(AvailableAction("plan_tranche", _("Plan a tranche"), "plan_tranche"))
        if application.status != A.APPROVED:
            actions.append(AvailableAction("pay_tranche", _("Record a payment"), "pay_tranche"))
    return actions


def lender_choices(*, application: FinancingApplication) -> QuerySet:
    """The organizations ``application`` may be routed to (by its channel's lender kind)."""
    kinds = LENDER_ORGANIZATION_KINDS.get(application.channel.lender_kind, ())
    return Organization.objects.filter(kind__in=kinds).order_by("name_ru")


def application_stage_log(*, application: FinancingApplication) -> QuerySet:
    """The application's lifecycle moves, oldest first, with who made each and the days spent before it."""
    return application.stage_changes.select_related("actor").order_by("changed_at", "pk")


@dataclass(frozen=True)
class StageTime:
    """Days an application spent in one stage (summed over its stays), against the stage's target."""

    status: str
    label: Any
    days: Decimal
    target_days: int | None
    current: bool

    @property
    def over_target(self) -> bool:
        """True when the days spent exceed the stage's target."""
        return self.target_days is not None and self.days > self.target_days


def application_stage_times(*, application: FinancingApplication, now: dt.datetime | None = None) -> list[StageTime]:
    """Per stage the application has been in: days spent (the current stay counted up to ``now``)."""
    now = now or timezone.now()
    targets = stage_target_days()
    spent: dict[str, Decimal] = {}
    for row in application.stage_changes.exclude(from_status="").values("from_status").annotate(days=Sum("days_in_stage")):
        spent[row["from_status"]] = Decimal(row["days"] or 0)
    current_days = Decimal(max((now - application.status_changed_at).total_seconds(), 0) / 86400).quantize(Decimal("0.01"))
    spent[application.status] = spent.get(application.status, Decimal(0)) + current_days
    order = {status: index for index, status in enumerate([*PIPELINE_ORDER, A.RETURNED, A.REJECTED, A.WITHDRAWN])}
    return [
        StageTime(status, A(status).label, days.quantize(Decimal("0.01")), targets.get(status),
                  status == application.status)
        for status, days in sorted(spent.items(), key=lambda item: order.get(item[0], 99))
    ]


def application_tranches(*, application: FinancingApplication) -> QuerySet:
    """The application's tranches, planned and paid, in order."""
    return application.tranches.order_by("number")


def channel_list(*, active_only: bool = True) -> QuerySet:
    """The financing channels (reference data, visible to every signed-in user)."""
    queryset = FinancingChannel.objects.all()
    return queryset.filter(is_active=True) if active_only else queryset


def applicable_projects(*, user: Any) -> QuerySet:
    """Projects ``user`` may apply for financing for: their owner side's, past submission for selection."""
    from meks.portfolio.choices import PIPELINE_STATUSES
    from meks.portfolio.selectors import project_visibility

    scope = scope_of(user)
    queryset = Project.objects.filter(project_visibility(user), status__in=PIPELINE_STATUSES)
    allowed = scope.region_filter("region_id", Role.PROJECT_OFFICE, Role.AKIMAT)
    if scope.has_role(Role.UTILITY) and scope.organization_id:
        allowed |= Q(owner_id=scope.organization_id)
    return queryset.filter(allowed).select_related("region").order_by("code")


# --- budget synchronisation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetFilters:
    """Filters of the budget lines, plans and mismatch report: year, region KATO, project code, kind."""

    year: int | None = None
    region: str | None = None
    project: str | None = None
    kind: str | None = None

    @classmethod
    def from_query(cls, params: Any) -> BudgetFilters:
        """Read the filters from a query dictionary, ignoring malformed values."""
        kind = params.get("kind") or None
        return cls(year=_int(params.get("year")), region=params.get("region") or None,
                   project=params.get("project") or None, kind=kind if kind in MismatchKind.values else None)

    def as_query(self) -> dict[str, str]:
        """The filters that are set, as query parameters."""
        values = {"year": self.year, "region": self.region, "project": self.project, "kind": self.kind}
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


def budget_line_list(*, user: Any, filters: BudgetFilters | None = None) -> QuerySet:
    """The budget lines ``user`` may see, with ``planned_total`` (the linked plans' sum) annotated."""
    filters = filters or BudgetFilters()
    planned = FinancingPlan.objects.filter(budget_line=OuterRef("pk")).values("budget_line") \
        .annotate(total=Sum("amount")).values("total")
    queryset = BudgetLine.objects.filter(
        budget_visibility(user, project_lookup="project", region_lookup="region_id")
    ).select_related("project__region", "region", "administrator").annotate(
        planned_total=Coalesce(Subquery(planned, output_field=MONEY), ZERO, output_field=MONEY))
    if filters.year:
        queryset = queryset.filter(year=filters.year)
    if filters.region:
        queryset = queryset.filter(Q(region__kato=filters.region) | Q(project__region__kato=filters.region))
    if filters.project:
        queryset = queryset.filter(project__code=filters.project)
    return queryset


def budget_line_get(*, user: Any, pk: Any) -> BudgetLine:
    """One budget line ``user`` may see; 404 when missing or not allowed."""
    return get_visible_or_404(budget_line_list(user=user), pk=pk)


def financing_plan_list(*, user: Any, filters: BudgetFilters | None = None) -> QuerySet:
    """The financing plans ``user`` may see (project × year × source), with their budget lines."""
    filters = filters or BudgetFilters()
    queryset = FinancingPlan.objects.filter(
        budget_visibility(user, project_lookup="project", region_lookup=None)
    ).select_related("project__region", "source", "budget_line")
    if filters.year:
        queryset = queryset.filter(year=filters.year)
    if filters.region:
        queryset = queryset.filter(project__region__kato=filters.region)
    if filters.project:
        queryset = queryset.filter(project__code=filters.project)
    return queryset


def financing_plan_get(*, user: Any, pk: Any) -> FinancingPlan:
    """One financing plan ``user`` may see; 404 when missing or not allowed."""
    return get_visible_or_404(financing_plan_list(user=user), pk=pk)


@dataclass(frozen=True)
class Mismatch:
    """One disagreement between the budget and the financing plans, with the records involved."""

    kind: str
    year: int
    budget_line: BudgetLine | None = None
    plan: FinancingPlan | None = None
    project: Project | None = None
    plan_amount: Decimal | None = None
    line_amount: Decimal | None = None

    @property
    def label(self) -> Any:
        """The kind's label."""
        return MismatchKind(self.kind).label

    @property
    def difference(self) -> Decimal | None:
        """Planned minus allocated, where both are known."""
        if self.plan_amount is None or self.line_amount is None:
            return None
        return self.plan_amount - self.line_amount


def _not_ready(prefix: str) -> Q:
    condition = Q(pk__in=[])
    for name in READINESS_FIELDS:
        condition |= Q(**{f"{prefix}{name}": False})
    return condition


def budget_mismatches(*, user: Any, filters: BudgetFilters | None = None) -> list[Mismatch]:
    """The budget synchronisation report: every mismatch of the four kinds among what ``user`` may see.

    - a budget-funded plan (its source's lender kind is "budget") with no budget line;
    - a budget line that names no project and finances no plan;
    - a budget line whose linked plans add up to other than its allocation (or, naming a project with no
      linked plans, whose project's budget-funded plans for the year do);
    - money allocated (a line with a positive allocation) to a project that is not ready (readiness
      checklist incomplete), named by the line or by a plan linked to it.

    Four queries whatever the data's size.
    """
    filters = filters or BudgetFilters()
    lines = budget_line_list(user=user, filters=filters)
    plans = financing_plan_list(user=user, filters=filters)
    found: list[Mismatch] = []
    kinds = {filters.kind} if filters.kind else set(MismatchKind.values)

    if MismatchKind.PLAN_WITHOUT_LINE in kinds:
        for plan in plans.filter(source__lender_kind=LenderKind.BUDGET, budget_line__isnull=True):
            found.append(Mismatch(MismatchKind.PLAN_WITHOUT_LINE, plan.year, plan=plan, project=plan.project,
                                  plan_amount=plan.amount))
    if MismatchKind.LINE_WITHOUT_PROJECT in kinds:
        for line in lines.filter(project__isnull=True).exclude(Exists(FinancingPlan.objects.filter(budget_line=OuterRef("pk")))):
            found.append(Mismatch(MismatchKind.LINE_WITHOUT_PROJECT, line.year, budget_line=line,
                                  line_amount=line.allocated))
    if MismatchKind.AMOUNTS_DISAGREE in kinds:
        budget_plans = FinancingPlan.objects.filter(
            project=OuterRef("project_id"), year=OuterRef("year"), source__lender_kind=LenderKind.BUDGET,
        ).values("project").annotate(total=Sum("amount")).values("total")
        compared = lines.annotate(
            project_budget_total=Coalesce(Subquery(budget_plans, output_field=MONEY), ZERO, output_field=MONEY),
            has_plans=Exists(FinancingPlan.objects.filter(budget_line=OuterRef("pk"))),
        )
        for line in compared.filter(Q(has_plans=True) | Q(project__isnull=False)):
            planned = line.planned_total if line.has_plans else line.project_budget_total
            if planned != line.allocated:
                found.append(Mismatch(MismatchKind.AMOUNTS_DISAGREE, line.year, budget_line=line,
                                      project=line.project, plan_amount=planned, line_amount=line.allocated))
    if MismatchKind.NOT_READY in kinds:
        seen: set[tuple[int, int]] = set()
        for line in lines.filter(allocated__gt=0, project__isnull=False).filter(_not_ready("project__")):
            seen.add((line.pk, line.project_id))
            found.append(Mismatch(MismatchKind.NOT_READY, line.year, budget_line=line, project=line.project,
                                  line_amount=line.allocated))
        for plan in plans.filter(budget_line__isnull=False, budget_line__allocated__gt=0).filter(_not_ready("project__")):
            if (plan.budget_line_id, plan.project_id) in seen:
                continue
            seen.add((plan.budget_line_id, plan.project_id))
            found.append(Mismatch(MismatchKind.NOT_READY, plan.year, budget_line=plan.budget_line, plan=plan,
                                  project=plan.project, plan_amount=plan.amount, line_amount=plan.budget_line.allocated))
    return found


# --- the dashboard -----------------------------------------------------------------------------------------


def _group_of(lender_kind: str) -> str:
    if lender_kind in (LenderKind.DEVELOPMENT_BANK, LenderKind.BANK):
        return "banks"
    if lender_kind == LenderKind.HOUSING_COMPANY:
        return "khc"
    return "other"


#: The lender kinds each group of the approvals gathers (drill-down ``lender_kind``).
LENDER_GROUPS = {
    "banks": (LenderKind.DEVELOPMENT_BANK, LenderKind.BANK),
    "khc": (LenderKind.HOUSING_COMPANY,),
    "other": (LenderKind.BUDGET, LenderKind.NONE),
}


@dataclass
class _Tally:
    count: int = 0
    amount: Decimal = field(default_factory=lambda: Decimal("0"))


def finance_summary(*, user: Any, filters: ApplicationFilters | None = None,
                    now: dt.datetime | None = None) -> dict[str, Any]:
    """The financing dashboard's figures, each with the ``filter`` query parameters that list its records.

    Shape (amounts are Decimal tenge)::

        {"totals": {"applications", "requested", "approved_count", "approved_amount", "paid_amount"},
         "rounds": [{"round", "count", "amount", "filter",
                     "groups": [{"group": "banks"|"khc"|"other", "count", "amount", "filter"}]}],
         "approvals": [{"round", "channel", "channel_name", "lender_kind", "count", "amount", "filter"}],
         "pipeline": [{"status", "label", "count", "amount", "filter"}],
         "review_time": [{"status", "label", "target_days", "in_stage", "over_target", "average_days",
                          "filter", "over_target_filter"}],
         "bottlenecks": [{"id", "number", "project", "project_title", "region", "status", "label",
                          "days_waiting", "target_days", "amount", "filter"}],
         "by_region": [{"region", "region_name", "applications", "requested", "approved_count",
                        "approved_amount", "paid_amount", "filter"}],
         "flags": [{"flag", "label", "count", "filter"}]}

    A constant number of queries, whatever the data's size.
    """
    from meks.territory.models import Region

    filters = filters or ApplicationFilters()
    now = now or timezone.now()
    base = _filtered(application_queryset(user=user), filters, now)
    plain = _filtered(FinancingApplication.objects.filter(application_visibility(user)), filters, now) \
        if not filters.flag else base
    common = filters.as_query()

    def drill(**params: Any) -> dict[str, str]:
        query = dict(common)
        query.update({key: ",".join(value) if isinstance(value, (list, tuple)) else str(value)
                      for key, value in params.items()})
        return query

    approved = plain.filter(status__in=APPROVED_STATUSES)
    totals = plain.aggregate(applications=Count("pk"), requested=Coalesce(Sum("amount_requested"), ZERO))
    approved_totals = approved.aggregate(count=Count("pk"),
                                         amount=Coalesce(Sum("decision__amount_approved"), ZERO))
    paid_amount = Tranche.objects.filter(application__in=plain.values("pk"), paid_amount__isnull=False) \
        .aggregate(total=Coalesce(Sum("paid_amount"), ZERO))["total"]

    approvals = []
    rounds: dict[int, dict[str, Any]] = {}
    rows = approved.values("round", "channel__code", "channel__name_ru", "channel__name_kk", "channel__name_en",
                           "channel__lender_kind", "channel__order") \
        .annotate(count=Count("pk"), amount=Coalesce(Sum("decision__amount_approved"), ZERO)) \
        .order_by("round", "channel__order")
    channels = {channel.code: channel for channel in FinancingChannel.objects.all()}
    for row in rows:
        code = row["channel__code"]
        approvals.append({
            "round": row["round"], "channel": code, "channel_name": str(channels[code].name) if code in channels else code,
            "lender_kind": row["channel__lender_kind"], "count": row["count"], "amount": row["amount"],
            "filter": drill(status=APPROVED_STATUSES, round=row["round"], channel=code),
        })
        entry = rounds.setdefault(row["round"], {"round": row["round"], "count": 0, "amount": Decimal(0),
                                                 "groups": {name: _Tally() for name in LENDER_GROUPS}})
        entry["count"] += row["count"]
        entry["amount"] += row["amount"]
        tally = entry["groups"][_group_of(row["channel__lender_kind"])]
        tally.count += row["count"]
        tally.amount += row["amount"]
    round_list = []
    for number in sorted(rounds, key=lambda value: (value is None, value)):
        entry = rounds[number]
        round_list.append({
            "round": number, "count": entry["count"], "amount": entry["amount"],
            "filter": drill(status=APPROVED_STATUSES, round=number),
            "groups": [{"group": name, "count": tally.count, "amount": tally.amount,
                        "filter": drill(status=APPROVED_STATUSES, round=number, lender_kind=LENDER_GROUPS[name])}
                       for name, tally in entry["groups"].items()],
        })

    by_status = {row["status"]: row for row in plain.values("status").annotate(
        count=Count("pk"), amount=Coalesce(Sum("amount_requested"), ZERO)).order_by()}
    pipeline = [
        {"status": status, "label": A(status).label, "count": by_status.get(status, {}).get("count", 0),
         "amount": by_status.get(status, {}).get("amount", Decimal(0)), "filter": drill(status=[status])}
        for status in [*PIPELINE_ORDER, A.RETURNED, A.REJECTED, A.WITHDRAWN]
    ]

    targets = stage_target_days()
    over = {row["status"]: row["count"] for row in plain.filter(_overdue_q(now)).values("status")
            .annotate(count=Count("pk")).order_by()}
    averages = {row["from_status"]: row["days"] for row in StageChange.objects.filter(
        application__in=plain.values("pk"), from_status__in=list(targets)).values("from_status")
        .annotate(days=Avg("days_in_stage")).order_by()}
    review_time = [
        {"status": status, "label": A(status).label, "target_days": targets[status],
         "in_stage": by_status.get(status, {}).get("count", 0), "over_target": over.get(status, 0),
         "average_days": Decimal(averages[status]).quantize(Decimal("0.1")) if averages.get(status) is not None else None,
         "filter": drill(status=[status]), "over_target_filter": drill(status=[status], overdue=1)}
        for status in targets
    ]

    waiting = plain.filter(status__in=REVIEW_STATUSES).select_related("project__region").order_by("status_changed_at", "pk")[:10]
    bottlenecks = []
    for application in waiting:
        days = (now - application.status_changed_at).days
        bottlenecks.append({
            "id": application.pk, "number": application.number, "project": application.project.code,
            "project_title": application.project.title, "region": application.project.region.kato,
            "status": application.status, "label": application.get_status_display(), "days_waiting": days,
            "target_days": targets.get(application.status), "amount": application.amount_requested,
            "filter": drill(q=application.number),
        })

    regions = {region.pk: region for region in Region.objects.all()}
    region_rows = plain.values("project__region_id").annotate(
        applications=Count("pk"), requested=Coalesce(Sum("amount_requested"), ZERO),
        approved_count=Count("pk", filter=Q(status__in=APPROVED_STATUSES)),
        approved_amount=Coalesce(Sum("decision__amount_approved", filter=Q(status__in=APPROVED_STATUSES)), ZERO),
    ).order_by()
    paid_by_region = {row["application__project__region_id"]: row["total"] for row in Tranche.objects.filter(
        application__in=plain.values("pk"), paid_amount__isnull=False).values("application__project__region_id")
        .annotate(total=Sum("paid_amount")).order_by()}
    by_region = sorted(
        ({"region": regions[row["project__region_id"]].kato, "region_name": regions[row["project__region_id"]].name,
          "applications": row["applications"], "requested": row["requested"],
          "approved_count": row["approved_count"], "approved_amount": row["approved_amount"],
          "paid_amount": paid_by_region.get(row["project__region_id"], Decimal(0)),
          "filter": drill(region=regions[row["project__region_id"]].kato)}
         for row in region_rows),
        key=lambda item: (-item["approved_amount"], item["region"]),
    )

    flag_counts = {row["disbursement_flag"]: row["count"] for row in base.filter(
        status__in=APPROVED_STATUSES).values("disbursement_flag").annotate(count=Count("pk")).order_by()}
    flags = [{"flag": flag, "label": DisbursementFlag(flag).label, "count": flag_counts.get(flag, 0),
              "filter": drill(status=APPROVED_STATUSES, flag=flag)} for flag in DisbursementFlag.values]

    return {
        "totals": {"applications": totals["applications"], "requested": totals["requested"],
                   "approved_count": approved_totals["count"], "approved_amount": approved_totals["amount"],
                   "paid_amount": paid_amount},
        "rounds": round_list, "approvals": approvals, "pipeline": pipeline, "review_time": review_time,
        "bottlenecks": bottlenecks, "by_region": by_region, "flags": flags,
    }
