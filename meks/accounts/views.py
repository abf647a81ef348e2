"""Log-in and log-out, the language switch, the profile and the organization pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import activate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meks.core.access import scope_of
from meks.core.audit import history_entries
from meks.core.forms import paginate
from meks.territory.selectors import region_list

from . import selectors, services
from .choices import OrganizationKind
from .forms import LanguageForm, LoginForm, OrganizationForm
from .login_hints import login_context


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **login_context()}

    def form_valid(self, form):
        response = super().form_valid(form)
        # The user's own language wins over whatever the browser had chosen before signing in.
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.get_user().language,
                            max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax")
        return response


logout_view = auth_views.LogoutView.as_view()


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in user's choice is remembered on their account."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        activate(language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite="Lax", secure=settings.LANGUAGE_COOKIE_SECURE,
                            httponly=settings.LANGUAGE_COOKIE_HTTPONLY)
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"scope": scope_of(request.user)})


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    organizations = selectors.organization_list(
        user=request.user,
        kind=request.GET.get("kind") or None,
        region=request.GET.get("region") or None,
        search=request.GET.get("q") or None,
    )
    context = {
        "page": paginate(request, organizations),
        "kinds": OrganizationKind.choices,
        "regions": region_list(user=request.user),
        "filters": request.GET,
    }
    template = "accounts/_organization_table.html" if request.htmx else "accounts/organization_list.html"
    return render(request, template, context)


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.organization_get(user=request.user, pk=pk)
    return render(
        request,
        "accounts/organization_detail.html",
        {
            "organization": organization,
            "members": selectors.organization_members(user=request.user, organization=organization),
            "can_edit": bool(selectors.organization_editable_fields(user=request.user, organization=organization)),
            "history": history_entries(organization),
        },
    )


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.organization_get(user=request.user, pk=pk)
    editable = selectors.organization_editable_fields(user=request.user, organization=organization)
    if not editable:
        raise Http404
    form = OrganizationForm(request.POST or None, instance=organization, editable_fields=editable)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request.user,
                organization=selectors.organization_get(user=request.user, pk=pk),
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                **form.changes(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The organization was saved."))
            return redirect("accounts:organization_detail", pk=pk)
    return render(request, "accounts/organization_form.html", {"organization": organization, "form": form})


def my_organization(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated or not request.user.organization_id:
        raise Http404
    return redirect("accounts:organization_detail", pk=request.user.organization_id)


__all__ = ["LoginView", "logout_view", "my_organization", "organization_detail", "organization_edit",
           "organization_list", "profile", "set_language"]
