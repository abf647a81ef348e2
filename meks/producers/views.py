"""Pages of domestic producers: the dashboard, the register, the catalogue, bills of materials, offtake contracts.

The dashboard, the register and the catalogue are public (the portal links to them); bills of materials
follow the portfolio's visibility and offtake contracts their parties'. Every table exports to Excel.
Views read through ``selectors`` and write through ``services``; a refusal is shown and nothing changes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from meks.core.audit import history_entries
from meks.core.forms import paginate
from meks.core.xlsx import Sheet, workbook_response
from meks.portfolio.choices import ProjectStatus
from meks.portfolio.selectors import is_portfolio_reader
from meks.territory.selectors import region_choices

from . import selectors, services
from .bills import export_sheets, read_bill, template_sheets
from .choices import CertificateState, ContractKind, ProducerStatus, Unit
from .forms import (
    BillUploadForm,
    CertificateForm,
    DeliveryForm,
    NewProductForm,
    ProducerForm,
    ProductForm,
    TransitionForm,
    add_service_error,
)
from .lifecycle import OWNER, transitions_from
from .models import Product

MONEY_FORMAT = "#,##0.00"
QUANTITY_FORMAT = "#,##0.###"


def _all_regions() -> list[tuple[str, str]]:
    """Every region, for the public filters (the register is public, so is its region list)."""
    from meks.core.i18n import localized_field_name
    from meks.territory.models import Region

    column = localized_field_name("name")
    return [(kato, name or fallback) for kato, name, fallback in
            Region.objects.order_by("kato").values_list("kato", column, "name_ru")]


def _drill(name: str, **query: Any) -> str:
    params = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def _form_page(request: HttpRequest, form, *, save, success: str, title: str, back: str, done) -> HttpResponse:
    """A form page whose valid submission is saved by ``save`` (a service call) and then goes to ``done(result)``.

    A service's refusal is put on the form and the page is shown again; nothing was changed.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect(done(result))
    return render(request, "producers/form.html", {"form": form, "title": title, "back": back})


# --- the dashboard -----------------------------------------------------------------------------------------


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    summary = selectors.producer_summary(user=request.user)
    certificates = summary["certificates"]
    context = {
        "summary": summary,
        "totals": summary["totals"],
        "by_category": [{**row, "url": _drill("producers:product_list", category=row["code"]),
                         "producers_url": _drill("producers:producer_list", category=row["code"])}
                        for row in summary["by_category"]],
        "by_region": [{**row, "url": _drill("producers:product_list", region=row["kato"]),
                       "producers_url": _drill("producers:producer_list", region=row["kato"])}
                      for row in summary["by_region"]],
        "expired_url": _drill("producers:product_list", certificate=CertificateState.EXPIRED),
        "uncertified_url": _drill("producers:product_list", certificate=CertificateState.NONE),
        "expiring": selectors.certificate_expiring(user=request.user)[:10],
        "certificates": certificates,
        "own_producer": selectors.producer_of_user(user=request.user),
        "can_see_bills": is_portfolio_reader(request.user),
        "can_see_offtake": selectors.is_offtake_reader(request.user),
    }
    if context["can_see_offtake"]:
        context["offtake"] = selectors.contract_summary(user=request.user)
    if context["can_see_bills"]:
        context["bills"] = selectors.bill_totals(user=request.user)
    return render(request, "producers/dashboard.html", context)


# --- the register ------------------------------------------------------------------------------------------


PRODUCER_COLUMNS = (
    ("name", gettext_lazy("Producer"), 44), ("bin", gettext_lazy("BIN"), 14), ("region", gettext_lazy("Region"), 24),
    ("status", gettext_lazy("Status"), 20), ("capacity", gettext_lazy("Production capacity"), 36),
    ("products", gettext_lazy("Products"), 10), ("value", gettext_lazy("Catalogue value, tenge"), 22),
)


@require_GET
def producer_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.ProducerFilters.from_query(request.GET)
    page = paginate(request, selectors.producer_list(user=request.user, filters=filters))
    context = {"page": page, "filters": filters, "filter_qs": urlencode(filters.as_query()),
               "regions": _all_regions(), "categories": selectors.category_list(),
               "statuses": ProducerStatus.choices, "show_status": services.is_operator(request.user)}
    template = "producers/_producer_table.html" if request.htmx else "producers/producer_list.html"
    return render(request, template, context)


@require_GET
def producer_export(request: HttpRequest) -> FileResponse:
    filters = selectors.ProducerFilters.from_query(request.GET)
    rows = ({"name": producer.name, "bin": producer.bin, "region": producer.region.name,
             "status": producer.get_status_display(), "capacity": producer.capacity,
             "products": producer.product_count, "value": producer.catalogue_value}
            for producer in selectors.producer_list(user=request.user, filters=filters).iterator(chunk_size=500))
    return workbook_response([Sheet(_("Producers"), PRODUCER_COLUMNS, rows, formats={"value": MONEY_FORMAT})],
                             name="producers")


def _producer_actions(request: HttpRequest, producer) -> list:
    actions = []
    for transition in transitions_from(producer.status):
        if any((role == OWNER and services.is_producer_owner(user=request.user, producer=producer))
               or (role != OWNER and services.is_operator(request.user)) for role in transition.roles):
            actions.append(transition)
    return actions


@require_GET
def producer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    producer = selectors.producer_get(user=request.user, pk=pk)
    can_edit = services.may_edit_producer(user=request.user, producer=producer)
    products = selectors.product_list(user=request.user, filters=selectors.ProductFilters(producer=producer.pk))
    context = {
        "producer": producer, "can_edit": can_edit, "actions": _producer_actions(request, producer),
        "page": paginate(request, products), "history": history_entries(producer, limit=20) if can_edit else [],
        "catalogue_url": _drill("producers:product_list", producer=producer.pk),
    }
    return render(request, "producers/producer_detail.html", context)


@login_required
def producer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    producer = selectors.producer_get(user=request.user, pk=pk)
    if not services.may_edit_producer(user=request.user, producer=producer):
        raise Http404
    operator = services.is_operator(request.user)
    editable = services.PRODUCER_OPERATOR_FIELDS if operator else services.PRODUCER_OWNER_FIELDS
    form = ProducerForm(request.POST or None, instance=producer, editable_fields=tuple(editable))
    back = reverse("producers:producer_detail", args=[pk])
    return _form_page(
        request, form, title=_("Change the registration"), back=back, success=_("The registration was saved."),
        save=lambda form: services.producer_update(
            actor=request.user, producer=selectors.producer_get(user=request.user, pk=pk),
            expected_version=form.cleaned_data["version"], reason=form.cleaned_data["reason"], **form.changes()),
        done=lambda _result: back)


@login_required
@require_POST
def producer_transition(request: HttpRequest, pk: int) -> HttpResponse:
    producer = selectors.producer_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.producer_transition(actor=request.user, producer=producer, action=form.cleaned_data["action"],
                                         reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The registration's status was changed."))
    return redirect("producers:producer_detail", pk=pk)


# --- the catalogue -----------------------------------------------------------------------------------------


PRODUCT_COLUMNS = (
    ("name", gettext_lazy("Product"), 50), ("code", gettext_lazy("Article"), 14),
    ("category", gettext_lazy("Category"), 28), ("producer", gettext_lazy("Producer"), 40),
    ("region", gettext_lazy("Region"), 24), ("unit", gettext_lazy("Unit"), 12),
    ("unit_price", gettext_lazy("Unit price, tenge"), 18), ("quantity", gettext_lazy("Quantity listed"), 16),
    ("value", gettext_lazy("Value, tenge"), 22), ("certificate", gettext_lazy("Certificate of origin"), 30),
    ("certificate_until", gettext_lazy("Certificate valid until"), 16),
)


def _catalogue_context(request: HttpRequest, filters: selectors.ProductFilters) -> dict[str, Any]:
    return {"filters": filters, "filter_qs": urlencode(filters.as_query()), "regions": _all_regions(),
            "categories": selectors.category_list(), "units": Unit.choices,
            "certificate_states": CertificateState.choices}


@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.ProductFilters.from_query(request.GET)
    page = paginate(request, selectors.product_list(user=request.user, filters=filters))
    context = {**_catalogue_context(request, filters), "page": page}
    if filters.producer:
        context["producer"] = selectors.producer_list(user=request.user).filter(pk=filters.producer).first()
    template = "producers/_product_table.html" if request.htmx else "producers/product_list.html"
    return render(request, template, context)


@require_GET
def product_export(request: HttpRequest) -> FileResponse:
    filters = selectors.ProductFilters.from_query(request.GET)
    states = dict(CertificateState.choices)
    rows = ({"name": product.name, "code": product.code, "category": product.category.name,
             "producer": product.producer.name, "region": product.producer.region.name,
             "unit": product.get_unit_display(), "unit_price": product.unit_price,
             "quantity": product.quantity_listed, "value": product.value,
             "certificate": states[product.certificate_state], "certificate_until": product.certificate_until}
            for product in selectors.product_list(user=request.user, filters=filters).iterator(chunk_size=500))
    formats = {"unit_price": MONEY_FORMAT, "value": MONEY_FORMAT, "quantity": QUANTITY_FORMAT}
    return workbook_response([Sheet(_("Products"), PRODUCT_COLUMNS, rows, formats=formats)], name="products")


@require_GET
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get(user=request.user, pk=pk)
    can_edit = services.may_edit_producer(user=request.user, producer=product.producer)
    context = {"product": product, "can_edit": can_edit,
               "certificates": selectors.product_certificates(product=product),
               "certificate_form": CertificateForm() if can_edit else None,
               "history": history_entries(product, limit=20) if can_edit else []}
    return render(request, "producers/product_detail.html", context)


@login_required
def product_create(request: HttpRequest, pk: int) -> HttpResponse:
    producer = selectors.producer_get(user=request.user, pk=pk)
    if not services.may_edit_producer(user=request.user, producer=producer):
        raise Http404
    return _form_page(
        request, NewProductForm(request.POST or None), title=_("Add a product"),
        back=reverse("producers:producer_detail", args=[pk]), success=_("The product was added to the catalogue."),
        save=lambda form: services.product_create(actor=request.user, producer=producer, **form.cleaned_data),
        done=lambda product: reverse("producers:product_detail", args=[product.pk]))


@login_required
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get(user=request.user, pk=pk)
    if not services.may_edit_producer(user=request.user, producer=product.producer):
        raise Http404
    back = reverse("producers:product_detail", args=[pk])
    return _form_page(
        request, ProductForm(request.POST or None, instance=Product.objects.get(pk=product.pk)),
        title=_("Change the product"), back=back, success=_("The product was saved."),
        save=lambda form: services.product_update(
            actor=request.user, product=product, expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"], **form.changes()),
        done=lambda _result: back)


@login_required
@require_POST
def certificate_add(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get(user=request.user, pk=pk)
    if not services.may_edit_producer(user=request.user, producer=product.producer):
        raise Http404
    form = CertificateForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_add(actor=request.user, product=product, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The certificate of origin was recorded."))
    else:
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[name].label}: {error}" if name in form.fields else error)
    return redirect("producers:product_detail", pk=pk)


# --- bills of materials ------------------------------------------------------------------------------------


BILL_LIST_COLUMNS = (
    ("code", gettext_lazy("Project"), 16), ("title", gettext_lazy("Title"), 50), ("region", gettext_lazy("Region"), 24),
    ("status", gettext_lazy("Status"), 24), ("lines", gettext_lazy("Lines"), 8),
    ("value", gettext_lazy("Bill value, tenge"), 22), ("covered_value", gettext_lazy("Domestic supply possible, tenge"), 22),
    ("share", gettext_lazy("Domestic share, %"), 12),
)


def _require_bill_reader(request: HttpRequest) -> None:
    if not is_portfolio_reader(request.user):
        raise Http404


def _bill_rows(request: HttpRequest, rows) -> list[dict[str, Any]]:
    from meks.core.i18n import localized_field_name

    title = localized_field_name("title")
    region = localized_field_name("name")
    statuses = dict(ProjectStatus.choices)
    return [{"pk": row["project_id"], "code": row["project__code"],
             "title": row[f"project__{title}"] or row["project__title_ru"],
             "region": row[f"project__region__{region}"] or row["project__region__name_ru"],
             "status": statuses.get(row["project__status"], row["project__status"]), "lines": row["lines"],
             "value": row["value"], "covered_value": row["covered_value"],
             "share": selectors._share(row["covered_value"], row["value"])} for row in rows]


@login_required
@require_GET
def bill_list(request: HttpRequest) -> HttpResponse:
    _require_bill_reader(request)
    filters = selectors.BillFilters.from_query(request.GET)
    page = paginate(request, selectors.bill_coverage_by_project(user=request.user, filters=filters))
    context = {"page": page, "rows": _bill_rows(request, page), "filters": filters,
               "filter_qs": urlencode(filters.as_query()),
               "by_region": selectors.bill_coverage_by_region(user=request.user, filters=filters),
               "totals": selectors.bill_totals(user=request.user, filters=filters),
               "regions": region_choices(user=request.user),
               "statuses": [(status, label) for status, label in ProjectStatus.choices]}
    return render(request, "producers/bill_list.html", context)


@login_required
@require_GET
def bill_list_export(request: HttpRequest) -> FileResponse:
    _require_bill_reader(request)
    filters = selectors.BillFilters.from_query(request.GET)
    rows = _bill_rows(request, selectors.bill_coverage_by_project(user=request.user, filters=filters))
    region_rows = selectors.bill_coverage_by_region(user=request.user, filters=filters)
    formats = {"value": MONEY_FORMAT, "covered_value": MONEY_FORMAT}
    region_columns = (("name", gettext_lazy("Region"), 28), ("projects", gettext_lazy("Projects"), 10),
                      ("value", gettext_lazy("Bill value, tenge"), 22),
                      ("covered_value", gettext_lazy("Domestic supply possible, tenge"), 22),
                      ("share", gettext_lazy("Domestic share, %"), 12))
    return workbook_response([Sheet(_("Projects"), BILL_LIST_COLUMNS, rows, formats=formats),
                              Sheet(_("Regions"), region_columns, region_rows, formats=formats)],
                             name="bills-of-materials")


@login_required
@require_GET
def bill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_bill_reader(request)
    project = selectors.bill_project_get(user=request.user, pk=pk)
    context = {"project": project, "lines": selectors.material_lines(project=project),
               "share": selectors.bill_share(project=project),
               "can_edit": services.may_edit_bill(user=request.user, project=project),
               "upload_form": BillUploadForm()}
    return render(request, "producers/bill_detail.html", context)


@login_required
@require_GET
def bill_export(request: HttpRequest, pk: int) -> FileResponse:
    _require_bill_reader(request)
    project = selectors.bill_project_get(user=request.user, pk=pk)
    return workbook_response(export_sheets(selectors.material_lines(project=project)), name=f"bill-{project.code}")


@login_required
@require_GET
def bill_template(request: HttpRequest) -> FileResponse:
    _require_bill_reader(request)
    return workbook_response(template_sheets(), name="bill-template")


@login_required
@require_POST
def bill_import(request: HttpRequest, pk: int) -> HttpResponse:
    _require_bill_reader(request)
    project = selectors.bill_project_get(user=request.user, pk=pk)
    if not services.may_edit_bill(user=request.user, project=project):
        raise Http404
    form = BillUploadForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        result = read_bill(upload)
        if result and hasattr(result[0], "message"):
            problems = result
        else:
            try:
                count = services.bill_replace(actor=request.user, project=project, lines=result,
                                              reason=_("Imported from the file %(name)s") % {"name": upload.name})
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The bill of materials was replaced: %(count)s lines.") % {"count": count})
                return redirect("producers:bill_detail", pk=pk)
    context = {"project": project, "lines": selectors.material_lines(project=project),
               "share": selectors.bill_share(project=project), "can_edit": True, "upload_form": form,
               "problems": problems}
    return render(request, "producers/bill_detail.html", context, status=400)


# --- offtake contracts -------------------------------------------------------------------------------------


CONTRACT_COLUMNS = (
    ("number", gettext_lazy("Contract"), 18), ("kind", gettext_lazy("Kind"), 24), ("utility", gettext_lazy("Utility"), 40),
    ("producer", gettext_lazy("Producer"), 40), ("subject", gettext_lazy("Product or category"), 40),
    ("unit", gettext_lazy("Unit"), 10), ("years", gettext_lazy("Years"), 12),
    ("planned", gettext_lazy("Planned, whole term"), 16), ("due", gettext_lazy("Due to date"), 16),
    ("delivered", gettext_lazy("Delivered"), 16), ("fulfilment", gettext_lazy("Fulfilment, %"), 12),
    ("behind", gettext_lazy("Behind plan"), 12),
)


def _require_offtake_reader(request: HttpRequest) -> None:
    if not selectors.is_offtake_reader(request.user):
        raise Http404


@login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    _require_offtake_reader(request)
    filters = selectors.ContractFilters.from_query(request.GET)
    page = paginate(request, selectors.contract_list(user=request.user, filters=filters))
    context = {"page": page, "filters": filters, "filter_qs": urlencode(filters.as_query()),
               "kinds": ContractKind.choices, "categories": selectors.category_list(),
               "utilities": selectors.offtake_utility_choices(user=request.user),
               "summary": selectors.contract_summary(user=request.user)}
    return render(request, "producers/contract_list.html", context)


@login_required
@require_GET
def contract_export(request: HttpRequest) -> FileResponse:
    _require_offtake_reader(request)
    filters = selectors.ContractFilters.from_query(request.GET)
    rows = ({"number": contract.number, "kind": contract.get_kind_display(), "utility": contract.utility.name,
             "producer": contract.producer.name,
             "subject": contract.product.name if contract.product else contract.category.name,
             "unit": contract.get_unit_display(), "years": f"{contract.start_year}–{contract.end_year}",
             "planned": contract.planned_total, "due": contract.due_total, "delivered": contract.delivered_total,
             "fulfilment": selectors._share(contract.delivered_total, contract.planned_total),
             "behind": _("yes") if contract.behind else _("no")}
            for contract in selectors.contract_list(user=request.user, filters=filters))
    formats = {"planned": QUANTITY_FORMAT, "due": QUANTITY_FORMAT, "delivered": QUANTITY_FORMAT}
    return workbook_response([Sheet(_("Offtake contracts"), CONTRACT_COLUMNS, rows, formats=formats)],
                             name="offtake-contracts")


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_offtake_reader(request)
    contract = selectors.contract_get(user=request.user, pk=pk)
    can_record = services.may_sign_offtake(user=request.user, utility_id=contract.utility_id)
    form = DeliveryForm(request.POST or None) if can_record else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.delivery_record(actor=request.user, contract=contract, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
                status = 400
            else:
                messages.success(request, _("The delivery was recorded."))
                return redirect("producers:contract_detail", pk=pk)
        else:
            status = 400
    context = {"contract": contract, "years": selectors.contract_years(contract=contract),
               "deliveries": selectors.contract_deliveries(contract=contract)[:50], "form": form,
               "fulfilment": selectors._share(contract.delivered_total, contract.planned_total),
               "history": history_entries(contract, limit=10)}
    return render(request, "producers/contract_detail.html", context, status=status)
