"""Pages of regions and settlements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from meks.core.audit import history_entries
from meks.core.forms import paginate

from . import selectors, services
from .choices import SettlementKind
from .forms import SettlementForm


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    regions = selectors.region_list(user=request.user)
    return render(request, "territory/region_list.html", {"regions": regions})


@login_required
def region_detail(request: HttpRequest, kato: str) -> HttpResponse:
    region = selectors.region_get(user=request.user, kato=kato)
    settlements = selectors.settlement_list(user=request.user, region=region.kato)
    return render(
        request,
        "territory/region_detail.html",
        {"region": region, "page": paginate(request, settlements), "history": history_entries(region, limit=20)},
    )


@login_required
def settlement_list(request: HttpRequest) -> HttpResponse:
    monotown = {"1": True, "0": False}.get(request.GET.get("monotown", ""))
    settlements = selectors.settlement_list(
        user=request.user,
        region=request.GET.get("region") or None,
        kind=request.GET.get("kind") or None,
        monotown=monotown,
        search=request.GET.get("q") or None,
        ordering=request.GET.get("sort") or None,
    )
    context = {
        "page": paginate(request, settlements),
        "regions": selectors.region_list(user=request.user),
        "kinds": SettlementKind.choices,
        "filters": request.GET,
    }
    template = "territory/_settlement_table.html" if request.htmx else "territory/settlement_list.html"
    return render(request, template, context)


@login_required
def settlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    settlement = selectors.settlement_get(user=request.user, pk=pk)
    return render(
        request,
        "territory/settlement_detail.html",
        {
            "settlement": settlement,
            "can_edit": selectors.settlement_can_edit(user=request.user, settlement=settlement),
            "history": history_entries(settlement),
        },
    )


@login_required
def settlement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    settlement = selectors.settlement_get(user=request.user, pk=pk)
    if not selectors.settlement_can_edit(user=request.user, settlement=settlement):
        raise Http404
    form = SettlementForm(request.POST or None, instance=settlement)
    if request.method == "POST" and form.is_valid():
        try:
            services.settlement_update(
                actor=request.user,
                settlement=selectors.settlement_get(user=request.user, pk=pk),
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                **form.changes(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The settlement was saved."))
            return redirect("territory:settlement_detail", pk=pk)
    return render(request, "territory/settlement_form.html", {"settlement": settlement, "form": form})
