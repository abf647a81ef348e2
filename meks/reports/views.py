"""The briefing's page and downloads; the figures and documents are made in ``briefing``."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import briefing


class BriefingForm(forms.Form):
    """The date the briefing is made for (today at the latest) and its language."""

    on = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         input_formats=["%Y-%m-%d"])
    language = forms.ChoiceField(label=_("Language"), choices=briefing.LANGUAGES)

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The briefing cannot be made for a future date."))
        return on


def _require_reader(request: HttpRequest) -> None:
    if not briefing.is_briefing_reader(request.user):
        raise Http404


def _initial() -> dict:
    language = (get_language() or "ru")[:2]
    return {"on": timezone.localdate(), "language": language if language in dict(briefing.LANGUAGES) else "ru"}


def _page(request: HttpRequest, form: BriefingForm, status: int = 200) -> HttpResponse:
    return render(request, "reports/briefing_form.html", {
        "form": form, "coverage": briefing.covered_regions(request.user),
    }, status=status)


@login_required
@require_GET
@never_cache
def briefing_form(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return _page(request, BriefingForm(initial=_initial()))


def _download(request: HttpRequest, extension: str) -> HttpResponse:
    _require_reader(request)
    form = BriefingForm(request.GET or None)
    if not form.is_valid():
        return _page(request, form if request.GET else BriefingForm(initial=_initial()), status=400)
    on, language = form.cleaned_data["on"], form.cleaned_data["language"]
    if extension == "xlsx":
        response = briefing.briefing_xlsx(user=request.user, on=on, language=language)
    else:
        response = HttpResponse(briefing.briefing_pdf(user=request.user, on=on, language=language),
                                content_type="application/pdf")
    # Named by the briefing's date, not the day it was made: two files for the same date are the same briefing.
    response["Content-Disposition"] = f'attachment; filename="{briefing.filename(on, extension)}"'
    return response


@login_required
@require_GET
@never_cache
def briefing_pdf(request: HttpRequest) -> HttpResponse:
    return _download(request, "pdf")


@login_required
@require_GET
@never_cache
def briefing_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")
