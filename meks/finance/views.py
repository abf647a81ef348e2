"""Pages of financing: the dashboard, the applications, budget lines, financing plans and mismatches.

The application list exports to Excel; an application's page offers the moves the user's role may make.

The views read through ``selectors`` and write through ``services``; a service's refusal is shown as a
message or a form error, and nothing is changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from meks.accounts.selectors import organization_choices
from meks.core.access import Role, scope_of
from meks.core.audit import history_entries
from meks.core.forms import paginate
from meks.core.xlsx import Sheet, workbook_response
from meks.indicators.choices import Zone
from meks.portfolio.selectors import is_portfolio_reader
from meks.territory.selectors import region_choices

from . import selectors, services
from .charts import drill_url, pipeline_chart, review_chart, rounds_chart
from .choices import (
    APPROVED_STATUSES,
    DOCUMENTS,
    EDITABLE_STATUSES,
    REVIEW_STATUSES,
    ApplicationStatus,
    DisbursementFlag,
    LenderKind,
    MismatchKind,
    stage_target_days,
)
from .forms import (
    ApplicationEditForm,
    ApplicationForm,
    DecisionForm,
    TranchePayForm,
    TranchePlanForm,
    TransitionForm,
    add_service_error,
)
from .models import FinancingApplication

A = ApplicationStatus
#: Roles that see budget lines, financing plans and the mismatch report.
BUDGET_ROLES = (Role.PROJECT_OFFICE, Role.MINISTRY, Role.TECHNICAL_OPERATOR, Role.FINANCIAL_OPERATOR, Role.AKIMAT,
                Role.UTILITY)
LENDER_KINDS = ("development_bank", "bank", "housing_company")
BOTTLENECKS_SHOWN = 10


def _require_reader(request: HttpRequest) -> None:
    if not selectors.is_finance_reader(request.user):
        raise Http404


def _require_budget_reader(request: HttpRequest) -> None:
    if not scope_of(request.user).has_role(*BUDGET_ROLES):
        raise Http404


def _service_call(request: HttpRequest, call: Callable[[], Any], success: str) -> bool:
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


def _form_errors(request: HttpRequest, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _is_over_target(application: FinancingApplication, now: dt.datetime, targets: dict[str, int]) -> bool:
    target = targets.get(application.status)
    return target is not None and application.status_changed_at < now - dt.timedelta(days=target)


def _days_in_stage(application: FinancingApplication, now: dt.datetime) -> int:
    return max((now - application.status_changed_at).days, 0)


# --- the dashboard -----------------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    filters = selectors.ApplicationFilters.from_query(request.GET)
    summary = selectors.finance_summary(user=request.user, filters=filters)
    approvals = [{**row, "url": drill_url(row["filter"])} for row in summary["approvals"]]
    context = {
        "summary": summary,
        "filters": filters,
        "filter_qs": urlencode(filters.as_query()),
        "list_url": drill_url(filters.as_query()),
        "approved_url": drill_url({**filters.as_query(), "status": ",".join(APPROVED_STATUSES)}),
        "review_url": drill_url({**filters.as_query(), "status": ",".join(REVIEW_STATUSES)}),
        "overdue_url": drill_url({**filters.as_query(), "overdue": "1"}),
        "pipeline": pipeline_chart(summary["pipeline"]),
        "rounds": rounds_chart(summary["rounds"]),
        "approvals": approvals,
        "review": review_chart(summary["review_time"]),
        "over_target": sum(row["over_target"] for row in summary["review_time"]),
        "in_review": sum(row["count"] for row in summary["pipeline"] if row["status"] in REVIEW_STATUSES),
        "paid_url": drill_url({**filters.as_query(), "status": f"{A.DISBURSING},{A.DISBURSED}"}),
        "bottlenecks": [{**row, "url": drill_url(row["filter"])} for row in summary["bottlenecks"][:BOTTLENECKS_SHOWN]],
        "by_region": [{**row, "url": drill_url(row["filter"])} for row in summary["by_region"]],
        "flags": [{**row, "url": drill_url(row["filter"])} for row in summary["flags"]],
        "regions": region_choices(user=request.user),
        "channels": selectors.channel_list(active_only=False),
        "can_apply": selectors.applicable_projects(user=request.user).exists(),
        "can_see_budget": scope_of(request.user).has_role(*BUDGET_ROLES),
    }
    template = "finance/_dashboard_body.html" if request.htmx else "finance/dashboard.html"
    return render(request, template, context)


# --- the list and its export -------------------------------------------------------------------------------


def _status_options(filters: selectors.ApplicationFilters) -> list[tuple[str, str]]:
    """The status filter's options: each status, all approved ones, all in review, and any set chosen by a link."""
    labels = dict(A.choices)
    options = [(",".join(REVIEW_STATUSES), _("In review (all stages)")),
               (",".join(APPROVED_STATUSES), _("Approved (all, disbursing included)")), *A.choices]
    chosen = ",".join(filters.status)
    if len(filters.status) > 1 and chosen not in {value for value, _label in options}:
        options.insert(0, (chosen, " + ".join(str(labels[status]) for status in filters.status)))
    return options


def _list_context(request: HttpRequest, filters: selectors.ApplicationFilters) -> dict[str, Any]:
    flags = dict(DisbursementFlag.choices)
    kinds = dict(LenderKind.choices)
    narrowed = []
    if filters.lender_kind:
        narrowed.append(_("lenders: %(kinds)s") % {"kinds": ", ".join(str(kinds[kind]) for kind in filters.lender_kind)})
    if filters.flag:
        narrowed.append(str(flags[filters.flag]))
    if filters.project:
        narrowed.append(_("project %(code)s") % {"code": filters.project})
    return {
        "filters": filters,
        "filter_qs": urlencode(filters.as_query()),
        "chosen_status": ",".join(filters.status),
        "status_options": _status_options(filters),
        "channels": selectors.channel_list(active_only=False),
        "regions": region_choices(user=request.user),
        "lenders": organization_choices(user=request.user, kinds=LENDER_KINDS),
        "rounds": list(FinancingApplication.objects.filter(selectors.application_visibility(request.user))
                       .exclude(round=None).order_by("round").values_list("round", flat=True).distinct()),
        "narrowed": narrowed,
        "zones": Zone.choices,
    }


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    filters = selectors.ApplicationFilters.from_query(request.GET)
    now = timezone.now()
    page = paginate(request, selectors.application_list(user=request.user, filters=filters, now=now))
    targets = stage_target_days()
    rows = [{"application": application, "over_target": _is_over_target(application, now, targets),
             "days": _days_in_stage(application, now), "target": targets.get(application.status)}
            for application in page]
    context = {**_list_context(request, filters), "page": page, "rows": rows,
               "can_apply": selectors.applicable_projects(user=request.user).exists()}
    template = "finance/_application_table.html" if request.htmx else "finance/application_list.html"
    return render(request, template, context)


EXPORT_COLUMNS = (
    ("number", gettext_lazy("Application"), 18), ("project", gettext_lazy("Project"), 14), ("title", gettext_lazy("Project title"), 50),
    ("region", gettext_lazy("Region"), 24), ("applicant", gettext_lazy("Applicant"), 36), ("channel", gettext_lazy("Channel"), 36),
    ("lender", gettext_lazy("Lender"), 36), ("status", gettext_lazy("Status"), 26), ("since", gettext_lazy("In this stage since"), 14),
    ("days", gettext_lazy("Days in stage"), 10), ("target", gettext_lazy("Target, days"), 10), ("over", gettext_lazy("Over the target"), 10),
    ("requested", gettext_lazy("Requested, tenge"), 20), ("approved", gettext_lazy("Approved, tenge"), 20), ("round", gettext_lazy("Round"), 8),
    ("paid", gettext_lazy("Paid, tenge"), 20), ("paid_percent", gettext_lazy("Paid, %"), 10), ("completion", gettext_lazy("Physical completion, %"), 12),
    ("flag", gettext_lazy("Disbursement against progress"), 30), ("priority", gettext_lazy("Region funding priority"), 10),
)
MONEY_COLUMNS = {"requested", "approved", "paid"}


@login_required
@require_GET
def application_export(request: HttpRequest) -> FileResponse:
    """The list with the same filters as an Excel workbook, written row by row (write-only mode)."""
    _require_reader(request)
    filters = selectors.ApplicationFilters.from_query(request.GET)
    now = timezone.now()
    targets = stage_target_days()
    flags = dict(DisbursementFlag.choices)
    yes, no = str(_("yes")), str(_("no"))
    queryset = selectors.application_list(user=request.user, filters=filters, now=now)

    def rows():
        for application in queryset.iterator(chunk_size=500):
            yield {
                "number": application.number, "project": application.project.code, "title": application.project.title,
                "region": application.project.region.name, "applicant": application.applicant.name,
                "channel": application.channel.name, "lender": application.lender.name if application.lender_id else "",
                "status": application.get_status_display(),
                "since": timezone.localtime(application.status_changed_at).date(),
                "days": _days_in_stage(application, now), "target": targets.get(application.status),
                "over": yes if _is_over_target(application, now, targets) else no,
                "requested": application.amount_requested,
                "approved": application.amount_approved or None, "round": application.round,
                "paid": application.paid_total, "paid_percent": application.paid_percent,
                "completion": application.completion_percent, "flag": str(flags.get(application.disbursement_flag, "")),
                "priority": application.priority_rank if application.priority_rank != 9999 else None,
            }

    money = dict.fromkeys(MONEY_COLUMNS, "#,##0.00")
    sheet = Sheet(_("Financing applications"), EXPORT_COLUMNS, rows(), formats=money, freeze="B2")
    return workbook_response([sheet], name="financing")


# --- an application ----------------------------------------------------------------------------------------


def _get(request: HttpRequest, pk: int) -> FinancingApplication:
    _require_reader(request)
    return selectors.application_get(user=request.user, pk=pk)


def _decision_of(application: FinancingApplication):
    try:
        return application.decision
    except FinancingApplication.decision.RelatedObjectDoesNotExist:
        return None


def _action_forms(request: HttpRequest, application: FinancingApplication) -> list[dict[str, Any]]:
    """The forms of the moves the user may make now, each with what it needs."""
    forms_shown = []
    unpaid = selectors.application_tranches(application=application).filter(paid_on__isnull=True)
    for action in selectors.application_available_actions(user=request.user, application=application):
        entry: dict[str, Any] = {"action": action}
        if action.kind == "decide":
            latest_round = FinancingApplication.objects.filter(
                selectors.application_visibility(request.user)).aggregate(latest=Max("round"))["latest"]
            entry["form"] = DecisionForm(initial={
                "version": application.version, "amount_approved": application.amount_requested,
                "date": timezone.localdate(), "round": latest_round}, prefix="decision")
        elif action.kind == "plan_tranche":
            entry["form"] = TranchePlanForm(prefix="plan")
        elif action.kind == "pay_tranche":
            entry["form"] = TranchePayForm(prefix="pay", unpaid=unpaid, initial={"paid_on": timezone.localdate()})
        elif action.needs_lender:
            entry["lenders"] = selectors.lender_choices(application=application)
        forms_shown.append(entry)
    return forms_shown


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get(request, pk)
    now = timezone.now()
    stage_times = selectors.application_stage_times(application=application, now=now)
    largest = max([*(row.days for row in stage_times), *(row.target_days or 0 for row in stage_times)],
                  default=Decimal(1)) or Decimal(1)
    scale = Decimal(100) / Decimal(largest)
    tranches = list(selectors.application_tranches(application=application))
    decision = _decision_of(application)
    context = {
        "application": application,
        "project": application.project,
        "decision": decision,
        "link_project": is_portfolio_reader(request.user),
        "documents": [{"key": key, "label": label, "attached": bool(application.documents.get(key))}
                      for key, label in DOCUMENTS.items()],
        "stage_times": [{"row": row, "bar": int(row.days * scale),
                         "mark": int(Decimal(row.target_days) * scale) if row.target_days is not None else None}
                        for row in stage_times],
        "stage_log": selectors.application_stage_log(application=application),
        "tranches": tranches,
        "planned_total": sum((tranche.planned_amount for tranche in tranches), Decimal(0)),
        "paid_total": sum((tranche.paid_amount or Decimal(0) for tranche in tranches), Decimal(0)),
        "actions": _action_forms(request, application),
        "flag_choices": DisbursementFlag.choices,
        "is_final": application.status in (A.DISBURSED, A.REJECTED, A.WITHDRAWN),
        "can_edit": application.status in EDITABLE_STATUSES and services.is_applicant_side(
            user=request.user, project=application.project),
        "over_target": _is_over_target(application, now, stage_target_days()),
        "days_in_stage": _days_in_stage(application, now),
        "target_days": stage_target_days().get(application.status),
        "history": history_entries(application, limit=30),
        "decision_history": history_entries(decision, limit=10) if decision else [],
    }
    return render(request, "finance/application_detail.html", context)


@login_required
@require_POST
def application_transition(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("finance:application_detail", pk=pk)
    data = form.cleaned_data
    lender = data["lender"]
    if lender is not None and not selectors.lender_choices(application=application).filter(pk=lender.pk).exists():
        messages.error(request, _("This lender cannot take the application's channel."))
        return redirect("finance:application_detail", pk=pk)
    _service_call(request, lambda: services.application_transition(
        actor=request.user, application=application, action=data["action"], expected_version=data["version"],
        reason=data["reason"], lender=lender, agreement_number=data["agreement_number"],
        agreement_date=data["agreement_date"]), _("The application moved on."))
    return redirect("finance:application_detail", pk=pk)


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get(request, pk)
    form = DecisionForm(request.POST, prefix="decision")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("finance:application_detail", pk=pk)
    data = form.cleaned_data
    _service_call(request, lambda: services.decision_record(
        actor=request.user, application=application, expected_version=data["version"], body=data["body"],
        number=data["number"], date=data["date"], amount_approved=data["amount_approved"], round=data["round"],
        amount_reason=data["amount_reason"], conditions=data["conditions"]),
        _("The decision was recorded; the application is approved."))
    return redirect("finance:application_detail", pk=pk)


@login_required
@require_POST
def tranche_plan(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get(request, pk)
    form = TranchePlanForm(request.POST, prefix="plan")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("finance:application_detail", pk=pk)
    _service_call(request, lambda: services.tranche_plan(
        actor=request.user, application=application, planned_date=form.cleaned_data["planned_date"],
        planned_amount=form.cleaned_data["planned_amount"]), _("The tranche was added to the schedule."))
    return redirect("finance:application_detail", pk=pk)


@login_required
@require_POST
def tranche_pay(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get(request, pk)
    form = TranchePayForm(request.POST, prefix="pay",
                          unpaid=selectors.application_tranches(application=application).filter(paid_on__isnull=True))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("finance:application_detail", pk=pk)
    _service_call(request, lambda: services.tranche_pay(
        actor=request.user, application=application, amount=form.cleaned_data["amount"],
        paid_on=form.cleaned_data["paid_on"], tranche=form.cleaned_data["tranche"]), _("The payment was recorded."))
    return redirect("finance:application_detail", pk=pk)


@login_required
def application_create(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    projects = selectors.applicable_projects(user=request.user)
    if not projects.exists():
        raise Http404
    initial = {}
    if request.GET.get("project"):
        initial["project"] = projects.filter(code=request.GET["project"]).first()
    form = ApplicationForm(request.POST or None, projects=projects, channels=selectors.channel_list(),
                           initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The application was saved as a draft; submit it when it is complete."))
            return redirect("finance:application_detail", pk=application.pk)
    return render(request, "finance/application_form.html", {"form": form})


@login_required
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get(request, pk)
    if application.status not in EDITABLE_STATUSES or not services.is_applicant_side(user=request.user,
                                                                                    project=application.project):
        raise Http404
    form = ApplicationEditForm(request.POST or None, application=application, channels=selectors.channel_list())
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(actor=request.user, application=application,
                                        expected_version=form.cleaned_data["version"],
                                        reason=form.cleaned_data["reason"], **form.changes())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The application was saved."))
            return redirect("finance:application_detail", pk=pk)
    return render(request, "finance/application_form.html", {"form": form, "application": application})


# --- budget synchronisation --------------------------------------------------------------------------------


def _budget_context(request: HttpRequest, filters: selectors.BudgetFilters) -> dict[str, Any]:
    return {
        "filters": filters,
        "filter_qs": urlencode(filters.as_query()),
        "regions": region_choices(user=request.user),
        "years": range(timezone.localdate().year - 2, timezone.localdate().year + 5),
    }


@login_required
def budget_lines(request: HttpRequest) -> HttpResponse:
    _require_budget_reader(request)
    filters = selectors.BudgetFilters.from_query(request.GET)
    lines = selectors.budget_line_list(user=request.user, filters=filters)
    context = {**_budget_context(request, filters), "page": paginate(request, lines), "tab": "lines"}
    template = "finance/_budget_line_table.html" if request.htmx else "finance/budget_lines.html"
    return render(request, template, context)


@login_required
def budget_line_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_budget_reader(request)
    line = selectors.budget_line_get(user=request.user, pk=pk)
    plans = selectors.financing_plan_list(user=request.user).filter(budget_line=line)
    mismatches = [mismatch for mismatch in selectors.budget_mismatches(
        user=request.user, filters=selectors.BudgetFilters(year=line.year))
        if mismatch.budget_line is not None and mismatch.budget_line.pk == line.pk]
    context = {"line": line, "plans": plans, "mismatches": mismatches, "link_project": is_portfolio_reader(request.user),
               "history": history_entries(line, limit=20)}
    return render(request, "finance/budget_line_detail.html", context)


@login_required
def financing_plans(request: HttpRequest) -> HttpResponse:
    _require_budget_reader(request)
    filters = selectors.BudgetFilters.from_query(request.GET)
    plans = selectors.financing_plan_list(user=request.user, filters=filters).order_by("project__code", "year",
                                                                                        "source__order")
    context = {**_budget_context(request, filters), "page": paginate(request, plans), "tab": "plans",
               "link_project": is_portfolio_reader(request.user)}
    template = "finance/_plan_table.html" if request.htmx else "finance/financing_plans.html"
    return render(request, template, context)


@login_required
def mismatches(request: HttpRequest) -> HttpResponse:
    _require_budget_reader(request)
    filters = selectors.BudgetFilters.from_query(request.GET)
    found = selectors.budget_mismatches(user=request.user, filters=selectors.BudgetFilters(
        year=filters.year, region=filters.region, project=filters.project))
    counts = dict.fromkeys(MismatchKind.values, 0)
    for mismatch in found:
        counts[mismatch.kind] += 1
    shown = [mismatch for mismatch in found if not filters.kind or mismatch.kind == filters.kind]
    base = {key: value for key, value in filters.as_query().items() if key != "kind"}
    kinds = [{"kind": kind, "label": label, "count": counts[kind], "url": "?" + urlencode({**base, "kind": kind})}
             for kind, label in MismatchKind.choices]
    context = {**_budget_context(request, filters), "mismatches": shown, "kinds": kinds, "tab": "mismatches",
               "total": len(found), "all_url": "?" + urlencode(base) if base else "?",
               "link_project": is_portfolio_reader(request.user)}
    template = "finance/_mismatch_table.html" if request.htmx else "finance/mismatches.html"
    return render(request, template, context)
