"""Pages of contracts (amendments flagged above the limit, payments against progress) and the dashboard."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from meks.core.audit import history_entries
from meks.core.forms import paginate
from meks.core.xlsx import Sheet, workbook_response
from meks.portfolio.models import ProgressReport
from meks.portfolio.selectors import is_portfolio_reader
from meks.territory.selectors import region_choices

from . import selectors, services
from .charts import bar_chart, dashboard_summary, drill_url, producer_totals, with_urls
from .choices import ContractStatus, TenderStatus, amendment_limit_percent, domestic_preference_table
from .forms import AmendmentForm, PaymentForm, ReasonForm
from .models import Contract
from .views import post_form, require_signed_in_role, service_call

SORTS = {"signed": ("signed_at", "pk"), "-signed": ("-signed_at", "-pk"), "value": ("value", "pk"),
         "-value": ("-value", "-pk"), "number": ("number",)}


class ContractFilters:
    """The contract list's filters from the query string."""

    def __init__(self, query: Any) -> None:
        self.status = query.get("status") if query.get("status") in ContractStatus.values else ""
        self.region = (query.get("region") or "").strip()
        self.over_limit = query.get("over_limit") == "1"
        self.search = (query.get("q") or "").strip()[:100]
        self.sort = query.get("sort") if query.get("sort") in SORTS else ""

    def as_query(self) -> dict[str, str]:
        values = {"status": self.status, "region": self.region, "over_limit": "1" if self.over_limit else "",
                  "q": self.search, "sort": self.sort}
        return {key: value for key, value in values.items() if value}

    def apply(self, user: Any):
        queryset = selectors.contract_list(user=user, status=self.status or None)
        if self.region:
            queryset = queryset.filter(project__region__kato=self.region)
        if self.over_limit:
            queryset = queryset.filter(over_limit__gt=0)
        if self.search:
            from django.db.models import Q

            queryset = queryset.filter(Q(number__icontains=self.search) | Q(project__code__icontains=self.search)
                                       | Q(contractor__name_ru__icontains=self.search)
                                       | Q(contractor__bin__startswith=self.search))
        return queryset.order_by(*SORTS[self.sort]) if self.sort else queryset


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    require_signed_in_role(request)
    filters = ContractFilters(request.GET)
    page = paginate(request, filters.apply(request.user))
    context = {"filters": filters, "filter_qs": urlencode(filters.as_query()), "page": page,
               "statuses": ContractStatus.choices, "regions": region_choices(user=request.user),
               "limit": amendment_limit_percent()}
    template = "procurement/_contract_table.html" if request.htmx else "procurement/contract_list.html"
    return render(request, template, context)


CONTRACT_COLUMNS = (
    ("number", gettext_lazy("Contract"), 18), ("tender", gettext_lazy("Tender"), 20),
    ("project", gettext_lazy("Project"), 14), ("region", gettext_lazy("Region"), 24),
    ("customer", gettext_lazy("Customer"), 36), ("contractor", gettext_lazy("Contractor"), 36),
    ("bin", gettext_lazy("Contractor's BIN"), 14), ("estimate", gettext_lazy("Lot estimate, tenge"), 20),
    ("signed_value", gettext_lazy("Value signed, tenge"), 20), ("value", gettext_lazy("Current value, tenge"), 20),
    ("paid", gettext_lazy("Paid, tenge"), 20), ("local", gettext_lazy("Committed local content, %"), 12),
    ("start", gettext_lazy("Start"), 12), ("end", gettext_lazy("Current end"), 12),
    ("status", gettext_lazy("Status"), 16), ("over", gettext_lazy("Amendments above the limit"), 12),
)
MONEY = dict.fromkeys(("estimate", "signed_value", "value", "paid"), "#,##0.00")


@login_required
@require_GET
def contract_export(request: HttpRequest) -> FileResponse:
    require_signed_in_role(request)
    queryset = ContractFilters(request.GET).apply(request.user)
    yes, no = _("yes"), _("no")

    def rows():
        for contract in queryset.iterator(chunk_size=500):
            yield {"number": contract.number, "tender": contract.tender.number, "project": contract.project.code,
                   "region": contract.project.region.name, "customer": contract.customer.name,
                   "contractor": contract.contractor.name, "bin": contract.contractor.bin,
                   "estimate": contract.lot.estimated_value, "signed_value": contract.signed_value,
                   "value": contract.value, "paid": contract.paid, "local": contract.local_content_share,
                   "start": contract.start_date, "end": contract.end_date, "status": contract.get_status_display(),
                   "over": yes if contract.over_limit else no}

    return workbook_response([Sheet(_("Contracts"), CONTRACT_COLUMNS, rows(), formats=MONEY, freeze="B2")],
                             name="contracts")


def _contract(request: HttpRequest, pk: int) -> Contract:
    require_signed_in_role(request)
    return selectors.contract_get(user=request.user, pk=pk)


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    may_manage = services.may_manage(user=request.user, tender=contract.tender) and \
        contract.status == ContractStatus.ACTIVE
    reports = ProgressReport.objects.filter(project=contract.project).order_by("-period")
    latest = reports.first()
    payments = list(selectors.payment_list(user=request.user, contract=contract))
    context = {
        "contract": contract,
        "link_project": is_portfolio_reader(request.user),
        "amendments": selectors.amendment_list(user=request.user, contract=contract),
        "payments": payments,
        "limit": amendment_limit_percent(),
        "increase_percent": ((contract.value - contract.signed_value) / contract.signed_value * 100).quantize(
            Decimal("0.01")),
        "latest_report": latest,
        "progress_cap": (contract.value * latest.completion_percent / 100).quantize(Decimal("0.01")) if latest
        else None,
        "may_manage": may_manage,
        "amendment_form": AmendmentForm(prefix="amend", initial={"signed_on": timezone.localdate()})
        if may_manage else None,
        "payment_form": PaymentForm(prefix="pay", reports=reports, initial={"paid_on": timezone.localdate()})
        if may_manage else None,
        "complete_form": ReasonForm(prefix="complete") if may_manage else None,
        "history": history_entries(contract, limit=20),
    }
    return render(request, "procurement/contract_detail.html", context)


@login_required
@require_POST
def amendment_add(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    post_form(request, AmendmentForm(request.POST, prefix="amend"),
              lambda data: services.contract_amend(actor=request.user, contract=contract,
                                                   **{**data, "value_change": data["value_change"] or 0}),
              _("The amendment was recorded."))
    return redirect("procurement:contract_detail", pk=pk)


@login_required
@require_POST
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    post_form(request, PaymentForm(request.POST, prefix="pay",
                                   reports=ProgressReport.objects.filter(project=contract.project)),
              lambda data: services.contract_payment_record(actor=request.user, contract=contract, **data),
              _("The payment was recorded."))
    return redirect("procurement:contract_detail", pk=pk)


@login_required
@require_POST
def contract_complete(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    form = ReasonForm(request.POST, prefix="complete")
    form.is_valid()
    service_call(request, lambda: services.contract_complete(actor=request.user, contract=contract,
                                                             reason=form.cleaned_data.get("reason", "")),
                 _("The contract is complete."))
    return redirect("procurement:contract_detail", pk=pk)


# --- the dashboard -----------------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    require_signed_in_role(request)
    summary = dashboard_summary(request.user)
    main_line = [row for row in summary["stages"] if row["count"] or row["status"] in (
        TenderStatus.PUBLISHED, TenderStatus.BIDS_OPENED, TenderStatus.EVALUATION, TenderStatus.AWARDED,
        TenderStatus.STANDSTILL, TenderStatus.CONTRACT_SIGNED)]
    context = {
        "summary": summary,
        "stages": bar_chart(main_line, value="count", url_name="procurement:tender_list"),
        "delays": [{**row, "late_url": drill_url("procurement:tender_list", row["late_filter"])}
                   for row in with_urls(summary["publication_delays"], "procurement:tender_list")],
        "savings": with_urls(summary["savings"], "procurement:contract_list"),
        "local": with_urls(summary["local_content"], "procurement:contract_list"),
        "producers": producer_totals(),
        "preference_steps": [{"share": share, "discount": discount} for share, discount in domestic_preference_table()],
        "can_create": selectors.tenderable_projects(user=request.user).exists(),
    }
    return render(request, "procurement/dashboard.html", context)
