"""Pages of the portfolio: the dashboard, the project list and page with its actions, the region rating."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meks.accounts.selectors import organization_choices
from meks.core.access import Role, scope_of
from meks.core.audit import history_entries
from meks.core.forms import paginate
from meks.core.region_figures import region_figures
from meks.territory.maps import MAP_CREDIT, region_shapes
from meks.territory.selectors import region_choices, region_list

from . import selectors, services
from .achievement import targets_against_achievement
from .charts import funnel_chart, map_colours, rating_legend
from .choices import DeliveryConfidence, ProjectStatus, Stage
from .forms import (
    BaselineForm,
    ConfidenceOverrideForm,
    MilestoneForm,
    ProgressForm,
    ProjectForm,
    ReadinessForm,
    TransitionForm,
)
from .lifecycle_access import available_transitions
from .models import Baseline, Milestone
from .rating import COMPONENTS, compute_rating, current_weights
from .readiness import missing_items

#: The wear zones of regions, as the indicators publish them through ``meks.core.region_figures``.
WEAR_ZONE_CHOICES = (("red", gettext_lazy("Red zone")), ("yellow", gettext_lazy("Yellow zone")),
                     ("green", gettext_lazy("Green zone")))


def _require_portfolio_reader(request: HttpRequest) -> None:
    if not selectors.is_portfolio_reader(request.user):
        raise Http404


def _filter_context(request: HttpRequest, filters: selectors.PortfolioFilters) -> dict:
    return {
        "filters": filters,
        "filter_query": filters.as_query(),
        "filter_qs": urlencode(filters.as_query()),
        "regions": region_choices(user=request.user),
        "directions": selectors.direction_list(),
        "owners": organization_choices(user=request.user, kinds=("utility", "akimat")),
        "stages": Stage.choices,
        "statuses": ProjectStatus.choices,
        "confidence_levels": DeliveryConfidence.choices,
        "zones": WEAR_ZONE_CHOICES,
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_portfolio_reader(request)
    filters = selectors.PortfolioFilters.from_query(request.GET)
    funnel = selectors.pipeline_funnel(user=request.user, filters=filters)
    rating = compute_rating(direction=filters.direction)
    shapes, width, height = region_shapes()
    colours = map_colours(rating)
    context = {
        **_filter_context(request, filters),
        "funnel": funnel,
        "funnel_chart": funnel_chart(funnel, filters.as_query()),
        "totals": selectors.portfolio_totals(funnel),
        "readiness": selectors.readiness_summary(user=request.user, filters=filters),
        "confidence": selectors.confidence_distribution(user=request.user, filters=filters),
        "late": selectors.late_projects(user=request.user, filters=filters),
        "late_count": selectors.late_project_count(user=request.user, filters=filters),
        "targets": [
            {**row, "bar": min(row["percent"] or 0, 100)}
            for row in targets_against_achievement(user=request.user, filters=filters)
        ],
        "rating_top": rating[:5],
        "rating_bottom": rating[-5:],
        "map": {"shapes": [(shape, colours.get(shape.kato)) for shape in shapes], "width": width, "height": height,
                "credit": MAP_CREDIT, "legend": rating_legend()},
    }
    template = "portfolio/_dashboard_body.html" if request.htmx else "portfolio/dashboard.html"
    return render(request, template, context)


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    _require_portfolio_reader(request)
    filters = selectors.PortfolioFilters.from_query(request.GET)
    projects = selectors.project_list(user=request.user, filters=filters, ordering=request.GET.get("sort"))
    count = selectors.project_count(user=request.user, filters=filters)
    context = {**_filter_context(request, filters), "page": paginate(request, projects, count=count),
               "can_create": selectors.is_portfolio_registrar(request.user)}
    template = "portfolio/_project_table.html" if request.htmx else "portfolio/project_list.html"
    return render(request, template, context)


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    can_edit = selectors.project_can_edit(user=request.user, project=project)
    is_office = scope_of(request.user).covers_region(project.region_id, Role.PROJECT_OFFICE)
    context = {
        "project": project,
        "can_edit": can_edit,
        "is_office": is_office,
        "missing": missing_items(project),
        "milestones": selectors.milestone_schedule(project=project),
        "reports": project.progress_reports.select_related("submitted_by").order_by("-period")[:24],
        "baselines": project.baselines.select_related("proposed_by", "decided_by").order_by("-number"),
        "status_changes": project.status_changes.select_related("actor")[:30],
        "transitions": available_transitions(user=request.user, project=project),
        "transition_form": TransitionForm(),
        "readiness_form": ReadinessForm(instance=project) if can_edit else None,
        "override_form": ConfidenceOverrideForm(initial={"level": project.confidence_override,
                                                        "version": project.version}) if is_office else None,
        "history": history_entries(project, limit=30),
        "role_labels": Role.choices,
        "confidence_levels": DeliveryConfidence.choices,
    }
    return render(request, "portfolio/project_detail.html", context)


def _service_call(request: HttpRequest, call, success: str) -> bool:
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise Http404
    _service_call(
        request,
        lambda: services.project_transition(actor=request.user, project=project, action=form.cleaned_data["action"],
                                            reason=form.cleaned_data["reason"],
                                            expected_version=form.cleaned_data["version"]),
        _("The project's status was changed."),
    )
    return redirect("portfolio:project_detail", pk=pk)


@login_required
@require_POST
def project_readiness(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = ReadinessForm(request.POST, instance=selectors.project_get(user=request.user, pk=pk))
    if form.is_valid():
        _service_call(request, lambda: services.project_update(
            actor=request.user, project=project, expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"], **form.changes()), _("The readiness checklist was saved."))
    return redirect("portfolio:project_detail", pk=pk)


@login_required
@require_POST
def project_confidence(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = ConfidenceOverrideForm(request.POST)
    if form.is_valid():
        _service_call(request, lambda: services.confidence_override_set(
            actor=request.user, project=project, level=form.cleaned_data["level"], reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"]), _("Delivery confidence was set."))
    else:
        messages.error(request, _("Give the reason for setting delivery confidence by hand."))
    return redirect("portfolio:project_detail", pk=pk)


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    if not selectors.is_portfolio_registrar(request.user):
        raise Http404
    form = ProjectForm(request.POST or None, creating=True)
    form.fields["region"].queryset = region_list(user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, reason=form.cleaned_data["reason"], **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The project was registered as a draft."))
            return redirect("portfolio:project_detail", pk=project.pk)
    return render(request, "portfolio/project_form.html", {"form": form, "project": None})


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    if not selectors.project_can_edit(user=request.user, project=project):
        raise Http404
    form = ProjectForm(request.POST or None, instance=selectors.project_get(user=request.user, pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, expected_version=form.cleaned_data["version"],
                                    reason=form.cleaned_data["reason"], **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect("portfolio:project_detail", pk=pk)
    return render(request, "portfolio/project_form.html", {"form": form, "project": project})


@login_required
def milestone_edit(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    if not selectors.project_can_edit(user=request.user, project=project):
        raise Http404
    try:
        milestone = project.milestones.get(pk=milestone_pk)
    except Milestone.DoesNotExist as error:
        raise Http404 from error
    form = MilestoneForm(request.POST or None, instance=project.milestones.get(pk=milestone_pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(actor=request.user, milestone=milestone, expected_version=form.cleaned_data["version"],
                                      reason=form.cleaned_data["reason"], **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The milestone was saved."))
            return redirect("portfolio:project_detail", pk=pk)
    return render(request, "portfolio/milestone_form.html", {"form": form, "project": project, "milestone": milestone})


@login_required
def progress_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    if not selectors.project_can_edit(user=request.user, project=project):
        raise Http404
    form = ProgressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        period, explanation = data.pop("period"), data.pop("explanation")
        try:
            services.progress_report_submit(actor=request.user, project=project, period=period,
                                            explanation=explanation, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The progress report was saved."))
            return redirect("portfolio:project_detail", pk=pk)
    return render(request, "portfolio/progress_form.html", {"form": form, "project": project})


@login_required
def baseline_propose(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    if not selectors.project_can_edit(user=request.user, project=project):
        raise Http404
    form = BaselineForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.baseline_propose(actor=request.user, project=project, dates=form.changed_dates(project),
                                      reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The new baseline was sent to the project office."))
            return redirect("portfolio:project_detail", pk=pk)
    return render(request, "portfolio/baseline_form.html", {"form": form, "project": project})


@login_required
@require_POST
def baseline_decide(request: HttpRequest, pk: int, baseline_pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    try:
        baseline = project.baselines.get(pk=baseline_pk)
    except Baseline.DoesNotExist as error:
        raise Http404 from error
    approve = request.POST.get("decision") == "approve"
    _service_call(request, lambda: services.baseline_decide(actor=request.user, baseline=baseline, approve=approve,
                                                            reason=request.POST.get("reason", "")),
                  _("The baseline was approved.") if approve else _("The baseline was declined."))
    return redirect("portfolio:project_detail", pk=pk)


@login_required
def baseline_compare(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    baselines = list(project.baselines.order_by("number"))
    numbers = [b.number for b in baselines]
    left = int(request.GET.get("a", numbers[0] if numbers else 1) or 1)
    right = int(request.GET.get("b", numbers[-1] if numbers else 1) or 1)
    by_number = {b.number: b for b in baselines}
    if left not in by_number or right not in by_number:
        raise Http404
    rows = []
    for milestone in project.milestones.order_by("order"):
        a = by_number[left].dates.get(milestone.kind)
        b = by_number[right].dates.get(milestone.kind)
        shift = (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days if a and b else None
        rows.append({"milestone": milestone, "a": a and dt.date.fromisoformat(a), "b": b and dt.date.fromisoformat(b),
                     "shift": shift})
    return render(request, "portfolio/baseline_compare.html",
                  {"project": project, "baselines": baselines, "left": by_number[left], "right": by_number[right],
                   "rows": rows})


@login_required
def rating(request: HttpRequest) -> HttpResponse:
    _require_portfolio_reader(request)
    direction = request.GET.get("direction") or None
    scores = compute_rating(direction=direction)
    shapes, width, height = region_shapes()
    colours = map_colours(scores)
    weights = current_weights()
    figures = region_figures()
    for score in scores:
        score.figures = figures.get(score.region.pk, {})
    context = {
        "scores": scores,
        "components": [(code, label, weights[code]) for code, label in COMPONENTS.items()],
        "directions": selectors.direction_list(),
        "direction": direction,
        "map": {"shapes": [(shape, colours.get(shape.kato)) for shape in shapes], "width": width, "height": height,
                "credit": MAP_CREDIT, "legend": rating_legend()},
    }
    return render(request, "portfolio/rating.html", context)


