"""Pages of the portfolio's Excel template, export and import; the work is done in ``excel``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from . import excel
from .selectors import PortfolioFilters, is_portfolio_reader, is_portfolio_registrar, project_list


class ImportForm(forms.Form):
    """One workbook made from the platform's template."""

    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("Up to 5 MB and 5,000 rows per sheet. Nothing is saved unless the whole file is correct."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )


@login_required
@require_GET
def template_download(request: HttpRequest) -> FileResponse:
    if not is_portfolio_registrar(request.user):
        raise Http404
    workbook = excel.write_workbook(user=request.user)
    return FileResponse(workbook, as_attachment=True, filename=excel.template_filename())


@login_required
@require_GET
def projects_export(request: HttpRequest) -> FileResponse:
    if not is_portfolio_reader(request.user):
        raise Http404
    projects = project_list(user=request.user, filters=PortfolioFilters.from_query(request.GET),
                            ordering=request.GET.get("sort") or None)
    workbook = excel.write_workbook(user=request.user, projects=projects)
    return FileResponse(workbook, as_attachment=True, filename=excel.export_filename())


@login_required
@require_http_methods(["GET", "POST"])
def projects_import(request: HttpRequest) -> HttpResponse:
    if not is_portfolio_registrar(request.user):
        raise Http404
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    problems: list[excel.Problem] = []
    if request.method == "POST" and form.is_valid():
        outcome = excel.import_workbook(form.cleaned_data["file"], user=request.user)
        if isinstance(outcome, excel.ImportResult):
            messages.success(request, outcome.summary)
            return redirect(request.path)
        problems = outcome
    template_url = reverse(f"{request.resolver_match.namespace}:template")
    return render(request, "portfolio/import.html", {"form": form, "problems": problems, "template_url": template_url})
