"""Pages of the contractor registry.

The list and its export, a contractor's page, self-registration with a BIN, the technical operator's
verification, and the register of unreliable suppliers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from meks.core.access import Role, get_visible_or_404, scope_of
from meks.core.audit import history_entries
from meks.core.forms import add_service_error, paginate
from meks.core.xlsx import Sheet, workbook_response

from . import selectors, services
from .choices import ContractorStatus, WorkCategory
from .forms import ContractorMoveForm, ContractorRegisterForm, ReasonForm, UnreliableIncludeForm
from .lifecycle import CONTRACTOR_TRANSITIONS
from .models import Contractor, UnreliableSupplier
from .views import form_errors, post_form, require_signed_in_role, service_call

CATEGORY_LABELS = dict(WorkCategory.choices)
SORTS = {"name": ("name_ru", "pk"), "-name": ("-name_ru", "-pk"), "bin": ("bin",), "status": ("status", "name_ru"),
         "-contracts": ("-contract_count", "name_ru")}


class ContractorFilters:
    """The registry's filters from the query string."""

    def __init__(self, query: Any) -> None:
        self.status = query.get("status") if query.get("status") in ContractorStatus.values else ""
        self.category = query.get("category") if query.get("category") in WorkCategory.values else ""
        self.search = (query.get("q") or "").strip()[:100]
        self.unreliable = query.get("unreliable") == "1"
        self.sort = query.get("sort") if query.get("sort") in SORTS else ""

    def as_query(self) -> dict[str, str]:
        values = {"status": self.status, "category": self.category, "q": self.search,
                  "unreliable": "1" if self.unreliable else "", "sort": self.sort}
        return {key: value for key, value in values.items() if value}

    def apply(self, user: Any):
        queryset = selectors.contractor_list(user=user, status=self.status or None, category=self.category or None,
                                             search=self.search or None)
        if self.unreliable:
            queryset = queryset.filter(unreliable_count__gt=0)
        return queryset.order_by(*SORTS[self.sort]) if self.sort else queryset


def _category_labels(codes: list[str]) -> str:
    return ", ".join(str(CATEGORY_LABELS.get(code, code)) for code in codes or [])


@login_required
def contractor_list(request: HttpRequest) -> HttpResponse:
    require_signed_in_role(request)
    filters = ContractorFilters(request.GET)
    page = paginate(request, filters.apply(request.user))
    rows = [{"contractor": contractor, "categories": _category_labels(contractor.categories)} for contractor in page]
    own = services.contractor_of(request.user)
    context = {
        "filters": filters, "filter_qs": urlencode(filters.as_query()), "page": page, "rows": rows,
        "statuses": ContractorStatus.choices, "categories": WorkCategory.choices,
        "can_register": services.is_registry_keeper(request.user) or (
            own is None and scope_of(request.user).has_role(Role.CONTRACTOR)),
        "own": own,
    }
    template = "procurement/_contractor_table.html" if request.htmx else "procurement/contractor_list.html"
    return render(request, template, context)


CONTRACTOR_COLUMNS = (
    ("name", gettext_lazy("Contractor"), 40), ("bin", gettext_lazy("BIN"), 14), ("region", gettext_lazy("Region"), 24),
    ("categories", gettext_lazy("Categories of work"), 50), ("experience", gettext_lazy("Years of experience"), 10),
    ("status", gettext_lazy("Status"), 20), ("unreliable", gettext_lazy("On the register of unreliable suppliers"), 12),
    ("contracts", gettext_lazy("Contracts"), 10),
)


@login_required
@require_GET
def contractor_export(request: HttpRequest) -> FileResponse:
    require_signed_in_role(request)
    queryset = ContractorFilters(request.GET).apply(request.user)
    yes, no = _("yes"), _("no")

    def rows():
        for contractor in queryset.iterator(chunk_size=500):
            yield {"name": contractor.name, "bin": contractor.bin,
                   "region": contractor.region.name if contractor.region_id else "",
                   "categories": _category_labels(contractor.categories), "experience": contractor.experience_years,
                   "status": contractor.get_status_display(), "unreliable": yes if contractor.unreliable_count else no,
                   "contracts": contractor.contract_count}

    return workbook_response([Sheet(_("Contractors"), CONTRACTOR_COLUMNS, rows())], name="contractors")


@login_required
def contractor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_signed_in_role(request)
    contractor = selectors.contractor_get(user=request.user, pk=pk)
    keeper = services.is_registry_keeper(request.user)
    moves = [move for move in CONTRACTOR_TRANSITIONS if contractor.status in move.sources] if keeper else []
    context = {
        "contractor": contractor,
        "categories": _category_labels(contractor.categories),
        "licences": contractor.licences.order_by("category", "pk"),
        "experience": contractor.experience.order_by("-year", "pk"),
        "documents": contractor.documents.order_by("kind", "pk"),
        "entries": contractor.unreliable_entries.select_related("listed_by").order_by("-listed_from", "-pk"),
        "contracts": selectors.contract_list(user=request.user, contractor_id=contractor.pk)[:50],
        "is_keeper": keeper,
        "moves": moves,
        "include_form": UnreliableIncludeForm(prefix="include") if keeper else None,
        "remove_form": ReasonForm(prefix="remove") if keeper else None,
        "bidding_problem": services.bidding_problem(contractor),
        "history": history_entries(contractor, limit=20),
    }
    return render(request, "procurement/contractor_detail.html", context)


@login_required
def contractor_register(request: HttpRequest) -> HttpResponse:
    """Self-registration of a contractor's organization, or registration on its behalf by the registry keeper."""
    require_signed_in_role(request)
    scope = scope_of(request.user)
    keeper = services.is_registry_keeper(request.user)
    own = services.contractor_of(request.user)
    if not keeper and not (scope.has_role(Role.CONTRACTOR) and own is None):
        raise Http404
    organization = getattr(request.user, "organization", None)
    initial = {}
    if not keeper and organization is not None:
        initial = {"bin": organization.bin or "", "name_ru": getattr(organization, "name_ru", "")}
    form = ContractorRegisterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contractor = services.contractor_register(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The registration was saved; the technical operator will verify it."))
            return redirect("procurement:contractor_detail", pk=contractor.pk)
    return render(request, "procurement/contractor_form.html", {"form": form, "is_keeper": keeper})


def _keeper_contractor(request: HttpRequest, pk: int) -> Contractor:
    require_signed_in_role(request)
    return selectors.contractor_get(user=request.user, pk=pk)


@login_required
@require_POST
def contractor_transition(request: HttpRequest, pk: int) -> HttpResponse:
    contractor = _keeper_contractor(request, pk)
    form = ContractorMoveForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("procurement:contractor_detail", pk=pk)
    reason = form.cleaned_data["reason"]
    if form.cleaned_data["action"] == "verify":
        service_call(request, lambda: services.contractor_verify(actor=request.user, contractor=contractor,
                                                                 reason=reason), _("The contractor is verified."))
    else:
        service_call(request, lambda: services.contractor_suspend(actor=request.user, contractor=contractor,
                                                                  reason=reason), _("The contractor is suspended."))
    return redirect("procurement:contractor_detail", pk=pk)


@login_required
@require_POST
def unreliable_include(request: HttpRequest, pk: int) -> HttpResponse:
    contractor = _keeper_contractor(request, pk)
    post_form(request, UnreliableIncludeForm(request.POST, prefix="include"),
              lambda data: services.unreliable_supplier_include(actor=request.user, contractor=contractor, **data),
              _("The contractor was entered in the register of unreliable suppliers."))
    return redirect("procurement:contractor_detail", pk=pk)


@login_required
@require_POST
def unreliable_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require_signed_in_role(request)
    entry = get_visible_or_404(UnreliableSupplier.objects.filter(
        contractor__in=selectors.contractor_queryset(user=request.user)), pk=pk)
    post_form(request, ReasonForm(request.POST, prefix="remove"),
              lambda data: services.unreliable_supplier_remove(actor=request.user, entry=entry, reason=data["reason"]),
              _("The entry was removed from the register."))
    return redirect("procurement:contractor_detail", pk=entry.contractor_id)


UNRELIABLE_COLUMNS = (
    ("name", gettext_lazy("Contractor"), 40), ("bin", gettext_lazy("BIN"), 14), ("reason", gettext_lazy("Reason"), 50),
    ("basis", gettext_lazy("Basis"), 30), ("from", gettext_lazy("Listed from"), 14),
    ("until", gettext_lazy("Listed until"), 14),
)


@login_required
def unreliable_list(request: HttpRequest) -> HttpResponse:
    require_signed_in_role(request)
    entries = selectors.unreliable_register()
    if request.GET.get("format") == "xlsx":
        rows = ({"name": entry.contractor.name, "bin": entry.contractor.bin, "reason": entry.reason,
                 "basis": entry.basis, "from": entry.listed_from, "until": entry.listed_until} for entry in entries)
        return workbook_response([Sheet(_("Unreliable suppliers"), UNRELIABLE_COLUMNS, rows)], name="unreliable")
    return render(request, "procurement/unreliable_list.html", {"page": paginate(request, entries)})
