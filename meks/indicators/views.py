"""Pages of indicators and regional analytics.

The catalogue and values, the monotown assessment, wear zoning and funding priority, tax incentives and village
screening. Every figure comes from the domain's selectors; every write goes through its services. Tables export
to XLSX with ``?format=xlsx``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from meks.core.access import Role, scope_of
from meks.core.forms import paginate
from meks.core.xlsx import Sheet, workbook_response
from meks.territory.choices import VillageSpecialization
from meks.territory.maps import MAP_CREDIT, region_shapes
from meks.territory.models import Region
from meks.territory.selectors import region_choices

from . import selectors
from .assessment import EXIT_CRITERIA, GROUP_THRESHOLDS
from .charts import bar_lengths, radar_chart, zone_legend, zone_map
from .choices import GROUP_MEASURES, Domain, InfrastructureKind, MonotownGroup, Network, PriorityMeasure, Zone
from .forms import CompareForm, PoolForm, ThresholdsForm, ValueFilterForm, ValueImportForm, WeightsForm
from .importing import LONG, WIDE, ValueImportRejected, indicator_values_import, value_template
from .page_queries import changed_weights, is_indicators_reader, zone_thresholds_set
from .periods import Period
from .priority import DEFAULT_PRIORITY_WEIGHTS
from .services import can_manage_analytics, incentive_pool_set, monotown_weights_set
from .villages import SPECIALIZATION_NEEDS, ScreeningStatus
from .zoning import zone_thresholds

PAGES = (
    ("overview", gettext_lazy("Overview"), "indicators:overview"),
    ("monotowns", gettext_lazy("Monotowns"), "indicators:monotown_ranking"),
    ("compare", gettext_lazy("Compare towns"), "indicators:monotown_compare"),
    ("weights", gettext_lazy("What if: weights"), "indicators:monotown_weights"),
    ("exit", gettext_lazy("Leaving monotown status"), "indicators:monotown_exit"),
    ("zones", gettext_lazy("Wear zones"), "indicators:zones"),
    ("priority", gettext_lazy("Funding priority"), "indicators:priority"),
    ("incentives", gettext_lazy("Tax incentives"), "indicators:incentives"),
    ("villages", gettext_lazy("Villages"), "indicators:villages"),
    ("catalogue", gettext_lazy("Catalogue"), "indicators:catalogue"),
    ("values", gettext_lazy("Values"), "indicators:values"),
)
COMPONENT_LABELS = {
    "wear": gettext_lazy("Network wear"),
    "people": gettext_lazy("People affected"),
    "replacement": gettext_lazy("Networks needing replacement"),
    "readiness": gettext_lazy("Project readiness"),
}
#: Most rows an export of values holds.
MAX_EXPORT_ROWS = 50_000


# --- helpers -------------------------------------------------------------------------------------------------


def _require_reader(request: HttpRequest) -> None:
    if not is_indicators_reader(request.user):
        raise Http404


def _can_import(user: Any) -> bool:
    return scope_of(user).has_role(Role.PROJECT_OFFICE, Role.AKIMAT)


def _page(request: HttpRequest, key: str, **context: Any) -> dict[str, Any]:
    pages = [{"key": page_key, "label": label, "url": reverse(url)} for page_key, label, url in PAGES]
    return {"indicator_pages": pages, "indicator_page": key, **context}


def _year(request: HttpRequest, years: list[int]) -> int:
    """The year asked for when it has data, else the latest with data, else the current one."""
    raw = request.GET.get("year") or request.POST.get("year")
    if raw and raw.isdigit() and int(raw) in years:
        return int(raw)
    return years[0] if years else timezone.localdate().year


def _wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def _period_label(value: Any) -> str:
    return Period(value.period_type, value.period_start).label


def _domains() -> list[tuple[str, Any]]:
    return [(domain.value, domain.label) for domain in Domain]


# --- overview ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    user = request.user
    years = selectors.monotown_years(user=user)
    year = years[0] if years else None
    groups: Counter = Counter()
    if year:
        groups = Counter(town.group for town in selectors.monotown_assessment(user=user, year=year).towns)
    zoning = selectors.wear_zoning(user=user)
    zones = Counter(row.zone for row in zoning)
    tax_years = selectors.tax_years(user=user)
    incentives = selectors.tax_incentives(user=user, year=tax_years[0]) if tax_years else None
    villages = selectors.village_summary(user=user)
    priority = selectors.funding_priority(user=user)
    context = _page(
        request, "overview", year=year,
        group_tiles=[{"group": group.value, "label": group.label, "count": groups.get(group.value, 0)}
                     for group in MonotownGroup],
        zone_tiles=[{"zone": zone.value, "label": zone.label, "count": zones.get(zone.value, 0)} for zone in Zone],
        wear_year=zoning[0].year if zoning else None,
        incentives=incentives,
        overperformers=sum(1 for row in incentives.rows if row.overperformance > 0) if incentives else 0,
        villages=sum(row["villages"] for row in villages),
        village_gaps=sum(row["gaps"] for row in villages),
        priority_top=priority[:5],
        indicator_count=selectors.indicator_list(user=user).count(),
    )
    return render(request, "indicators/overview.html", context)


# --- catalogue and values ------------------------------------------------------------------------------------


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    domain = request.GET.get("domain") or None
    if domain not in {None, *Domain.values}:
        domain = None
    monotown_only = request.GET.get("monotown") == "1"
    indicators = list(selectors.indicator_list(user=request.user, domain=domain, monotown_only=monotown_only))
    if _wants_xlsx(request):
        columns = [("code", _("Code"), 30), ("name_ru", _("Name (Russian)"), 50), ("name_kk", _("Name (Kazakh)"), 50),
                   ("name_en", _("Name (English)"), 50), ("domain", _("Domain"), 24), ("unit", _("Unit"), 16),
                   ("direction", _("Direction"), 20), ("aggregation", _("Aggregation"), 24),
                   ("weight", _("Weight"), 8), ("source", _("Source"), 36), ("monotown", _("Monotown set"), 10)]
        rows = [{"code": i.code, "name_ru": i.name_ru, "name_kk": i.name_kk, "name_en": i.name_en,
                 "domain": i.get_domain_display(), "unit": i.get_unit_display(), "direction": i.get_direction_display(),
                 "aggregation": i.get_aggregation_display(), "weight": i.weight, "source": i.get_source_display(),
                 "monotown": _("yes") if i.in_monotown_set else _("no")} for i in indicators]
        return workbook_response([Sheet(_("Indicators"), columns, rows)], name="indicators")
    by_domain: dict[str, list] = defaultdict(list)
    for indicator in indicators:
        by_domain[indicator.domain].append(indicator)
    sections = [{"code": code, "label": label, "indicators": by_domain[code]}
                for code, label in _domains() if by_domain.get(code)]
    other = [i for i in indicators if i.domain not in Domain.values]
    if other:
        sections.append({"code": "other", "label": _("Other"), "indicators": other})
    context = _page(request, "catalogue", sections=sections, domains=_domains(), domain=domain,
                    monotown_only=monotown_only, count=len(indicators))
    return render(request, "indicators/catalogue.html", context)


def _value_filters(request: HttpRequest) -> tuple[ValueFilterForm, dict[str, Any]]:
    indicators = [(i.code, f"{i.code} — {i.name}") for i in selectors.indicator_list(user=request.user)]
    form = ValueFilterForm(request.GET or None, indicators=indicators, regions=region_choices(user=request.user))
    region = None
    kato = form.value("region")
    if kato:
        region = Region.objects.filter(kato=kato).first()
    filters = {"indicator": form.value("indicator"), "period_type": form.value("period_type"),
               "year": form.value("year"), "region": region, "level": form.value("level")}
    return form, filters


def _value_row(value: Any) -> dict[str, Any]:
    territory = value.territory
    return {"value_obj": value, "code": value.indicator.code, "indicator": value.indicator.name,
            "territory": territory.name, "kato": territory.kato, "level": value.get_level_display(),
            "region": value.region.name, "period": _period_label(value), "value": value.value,
            "unit": value.indicator.get_unit_display(), "origin": value.get_origin_display()}


@login_required
@require_GET
def values(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form, filters = _value_filters(request)
    queryset = selectors.indicator_value_list(user=request.user, **filters).order_by(
        "indicator__position", "region__kato", "level", "district__kato", "settlement__kato", "period_start")
    if _wants_xlsx(request):
        columns = [("code", _("Indicator code"), 28), ("indicator", _("Indicator"), 48), ("kato", _("KATO"), 12),
                   ("territory", _("Territory"), 30), ("level", _("Level"), 14), ("region", _("Region"), 26),
                   ("period", _("Period"), 10), ("value", _("Value"), 16), ("unit", _("Unit"), 16),
                   ("origin", _("Origin"), 14)]
        rows = (_value_row(value) for value in queryset[:MAX_EXPORT_ROWS])
        return workbook_response([Sheet(_("Values"), columns, rows)], name="indicator-values")
    page = paginate(request, queryset)
    rollup = None
    indicator = filters["indicator"]
    if indicator and filters["year"] and filters["level"] in (None, "settlement"):
        chosen = selectors.indicator_list(user=request.user).filter(code=indicator).first()
        if chosen is not None:
            totals = selectors.indicator_rollup(user=request.user, indicator=chosen, period=Period.year(filters["year"]))
            names = {region.pk: region for region in Region.objects.filter(pk__in=list(totals))}
            rollup = {"indicator": chosen, "year": filters["year"],
                      "rows": [{"region": names[pk], "value": total} for pk, total in
                               sorted(totals.items(), key=lambda item: names[item[0]].kato)]}
    context = _page(request, "values", form=form, page=page, rows=[_value_row(value) for value in page],
                    can_import=_can_import(request.user), rollup=rollup,
                    export_query=request.GET.urlencode())
    return render(request, "indicators/values.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def values_import(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    if not _can_import(request.user):
        raise Http404
    form = ValueImportForm(request.POST, request.FILES) if request.method == "POST" else ValueImportForm()
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = indicator_values_import(actor=request.user, file=upload, layout=form.cleaned_data["layout"],
                                              period=form.cleaned_data["period"] or None, file_name=upload.name)
        except ValueImportRejected as rejected:
            problems = rejected.problems
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The file was imported: %(created)s values added, %(updated)s changed.")
                             % {"created": outcome.created, "updated": outcome.updated})
            return redirect("indicators:values")
    return render(request, "indicators/values_import.html", _page(request, "values", form=form, problems=problems))


@login_required
@require_GET
def values_template(request: HttpRequest, layout: str) -> HttpResponse:
    _require_reader(request)
    if not _can_import(request.user) or layout not in (LONG, WIDE):
        raise Http404
    if layout == LONG:
        content = value_template(LONG)
    else:
        indicators = list(selectors.indicator_list(user=request.user, monotown_only=True))
        towns = [town for town in selectors.monotown_list(user=request.user)
                 if scope_of(request.user).covers_region(town.region_id)]
        content = value_template(WIDE, indicators=indicators, territories=towns)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="meks-indicator-values-{layout}.xlsx"'
    return response


# --- monotowns -----------------------------------------------------------------------------------------------


def _group_rules() -> list[dict[str, Any]]:
    """The group thresholds as rules a user can check an index against."""
    upper = GROUP_THRESHOLDS[MonotownGroup.GROWTH]
    lower = GROUP_THRESHOLDS[MonotownGroup.STABLE]
    return [
        {"group": MonotownGroup.GROWTH.value, "label": MonotownGroup.GROWTH.label, "rule": f"≥ {upper}"},
        {"group": MonotownGroup.STABLE.value, "label": MonotownGroup.STABLE.label, "rule": f"{lower} – {upper}"},
        {"group": MonotownGroup.LAGGING.value, "label": MonotownGroup.LAGGING.label, "rule": f"< {lower}"},
    ]


def _group_measures() -> list[dict[str, Any]]:
    return [{"group": group.value, "label": group.label,
             "measures": [PriorityMeasure(code).label for code in GROUP_MEASURES.get(group.value, ())]}
            for group in MonotownGroup]


def _town_row(town: Any) -> dict[str, Any]:
    return {
        "town": town, "settlement": town.settlement, "rank": town.rank, "rank_change": town.rank_change,
        "rank_moved": abs(town.rank_change) if town.rank_change else None,
        "index": town.index, "index_change": town.index_change, "group": town.group,
        "group_label": town.score.group_label, "previous_group": town.previous_group,
        "subs": [town.sub_indices.get(code) for code, _label in _domains()],
    }


@login_required
@require_GET
def monotown_ranking(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    years = selectors.monotown_years(user=request.user)
    year = _year(request, years)
    report = selectors.monotown_assessment(user=request.user, year=year)
    group = request.GET.get("group")
    rows = [_town_row(town) for town in report.towns if not group or str(town.group) == group]
    domains = _domains()
    if _wants_xlsx(request):
        columns = [("rank", _("Rank"), 7), ("town", _("Town"), 24), ("kato", _("KATO"), 12), ("region", _("Region"), 26),
                   ("industry", _("Main industry"), 30), ("index", _("Index"), 9),
                   ("change", _("Change on the previous year"), 12), ("group", _("Group"), 8),
                   ("previous_group", _("Group a year before"), 10),
                   *[(code, label, 14) for code, label in domains]]
        data = [{"rank": row["rank"], "town": row["settlement"].name, "kato": row["settlement"].kato,
                 "region": row["settlement"].region.name, "industry": row["settlement"].main_industry,
                 "index": row["index"], "change": row["index_change"], "group": row["group"],
                 "previous_group": row["previous_group"],
                 **{code: value for (code, _label), value in zip(domains, row["subs"], strict=True)}}
                for row in rows]
        return workbook_response([Sheet(_("Monotowns %(year)s") % {"year": year}, columns, data)],
                                 name=f"monotowns-{year}")
    counts = Counter(town.group for town in report.towns)
    context = _page(
        request, "monotowns", year=year, years=years, rows=rows, domains=domains, group=group,
        mean_index=report.result.mean_index,
        domain_means=[report.result.domain_means.get(code) for code, _label in domains],
        group_rules=_group_rules(), group_measures=_group_measures(),
        group_tiles=[{"group": g.value, "label": g.label, "count": counts.get(g.value, 0)} for g in MonotownGroup],
        export_query=request.GET.urlencode(),
    )
    return render(request, "indicators/monotown_ranking.html", context)


def _composite_check(score: Any) -> dict[str, Any]:
    """The composite written out with the town's own figures: Σ weight × sub-index / Σ weight."""
    terms = [(domain.weight, domain.sub_index) for domain in score.domains.values()
             if domain.sub_index is not None and domain.weight > 0]
    weight_total = sum((weight for weight, _sub in terms), Decimal("0"))
    weighted = sum((weight * sub for weight, sub in terms), Decimal("0"))
    text = " + ".join(f"{_number(weight)}×{number_format(sub, decimal_pos=2, use_l10n=True)}" for weight, sub in terms)
    return {"text": f"({text}) / {_number(weight_total)}", "weighted": weighted.quantize(Decimal("0.0001")),
            "weight_total": weight_total, "index": score.index, "weighted_text": _number(weighted),
            "weight_total_text": _number(weight_total) if weight_total else "0"}


def _number(value: Decimal) -> str:
    """A decimal as the user's locale writes it, without trailing zeros or an exponent."""
    return number_format(Decimal(format(Decimal(value).normalize(), "f")), use_l10n=True)


def _group_reason(index: Decimal | None) -> str:
    if index is None:
        return _("No index: the town has no figures for this year.")
    upper = _number(GROUP_THRESHOLDS[MonotownGroup.GROWTH])
    lower = _number(GROUP_THRESHOLDS[MonotownGroup.STABLE])
    index = number_format(index, decimal_pos=2, use_l10n=True)
    if index >= upper:
        return _("The index %(index)s is %(upper)s or more, so the town is in group 1.") % {
            "index": index, "upper": upper}
    if index >= lower:
        return _("The index %(index)s is at least %(lower)s and below %(upper)s, so the town is in group 2.") % {
            "index": index, "lower": lower, "upper": upper}
    return _("The index %(index)s is below %(lower)s, so the town is in group 3.") % {"index": index, "lower": lower}


def _exit_rows(check: Any) -> list[dict[str, Any]]:
    indicators = {i.code: i for i in selectors.indicator_list(user=None).filter(
        code__in=[c.code for c in EXIT_CRITERIA])}
    return [{"code": result.criterion.code,
             "name": indicators[result.criterion.code].name if result.criterion.code in indicators
             else result.criterion.code,
             "rule": f"{result.criterion.symbol} {result.criterion.threshold}", "value": result.value,
             "passed": result.passed} for result in check.results]


@login_required
@require_GET
def monotown_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    years = selectors.monotown_years(user=request.user)
    year = _year(request, years)
    report = selectors.monotown_assessment(user=request.user, year=year)
    town = report.get(pk)
    if town is None:
        raise Http404
    score = town.score
    domains = [score.domains[code] for code, _label in _domains()]
    lines_by_domain: dict[str, list] = defaultdict(list)
    for line in selectors.monotown_indicator_lines(report=report, settlement_id=pk):
        lines_by_domain[line.indicator.domain].append(line)
    try:
        _settlement, exit_check = selectors.monotown_exit_check(user=request.user, settlement_id=pk, year=year)
    except Http404:
        exit_check = None
    radar = radar_chart([label for _code, label in _domains()], [
        {"label": town.settlement.name, "values": [d.sub_index for d in domains]},
        {"label": _("Mean of the towns"), "values": [d.mean for d in domains], "kind": "mean"},
    ])
    previous = town.previous
    context = _page(
        request, "monotowns", year=year, years=years, town=town, score=score, domains=domains,
        towns_count=len(report.towns), radar=radar,
        radar_title=_("Domain sub-indices of %(town)s against the mean of the towns") % {"town": town.settlement.name},
        composite=_composite_check(score), group_reason=_group_reason(score.index), group_rules=_group_rules(),
        previous=previous, lines=[{"domain": Domain(code).label, "code": code, "lines": lines_by_domain[code]}
                                  for code, _label in _domains() if lines_by_domain.get(code)],
        exit_check=exit_check, exit_rows=_exit_rows(exit_check) if exit_check else [],
    )
    return render(request, "indicators/monotown_detail.html", context)


@login_required
@require_GET
def monotown_compare(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    years = selectors.monotown_years(user=request.user)
    year = _year(request, years)
    report = selectors.monotown_assessment(user=request.user, year=year)
    choices = sorted(((town.settlement.pk, town.settlement.name) for town in report.towns), key=lambda c: c[1])
    form = CompareForm(request.GET if "town" in request.GET else None, towns=choices)
    chosen: list[Any] = []
    radar = None
    if form.is_bound and form.is_valid():
        chosen = [report.get(pk) for pk in form.cleaned_data["town"]]
        means = [report.result.domain_means.get(code) for code, _label in _domains()]
        radar = radar_chart([label for _code, label in _domains()], [
            *({"label": town.settlement.name, "values": [town.sub_indices.get(code) for code, _l in _domains()]}
              for town in chosen),
            {"label": _("Mean of the towns"), "values": means, "kind": "mean"},
        ])
    table = [{"label": label, "mean": report.result.domain_means.get(code),
              "values": [town.sub_indices.get(code) for town in chosen]} for code, label in _domains()]
    context = _page(request, "compare", year=year, years=years, form=form, chosen=chosen, radar=radar,
                    radar_title=_("Domain sub-indices of the chosen towns"), table=table,
                    mean_index=report.result.mean_index)
    return render(request, "indicators/monotown_compare.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def monotown_weights(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    years = selectors.monotown_years(user=request.user)
    year = _year(request, years)
    current = selectors.current_domain_weights()
    can_save = can_manage_analytics(request.user)
    if request.method == "POST":
        if not can_save:
            raise Http404
        form = WeightsForm(request.POST, current=current)
        if form.is_valid() and not form.cleaned_data["confirm"]:
            form.add_error("confirm", _("Tick the box to confirm that these weights should be saved."))
        if form.is_valid():
            try:
                changed = changed_weights(form.weights(), current)
                monotown_weights_set(actor=request.user, weights=changed, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The domain weights were saved (%(count)s changed).")
                                 % {"count": len(changed)})
                return redirect(f"{reverse('indicators:monotown_ranking')}?year={year}")
    else:
        bound = any(code in request.GET for code, _label in _domains())
        form = WeightsForm(request.GET if bound else None, current=current)
    what_if = None
    rows: list[dict[str, Any]] = []
    if form.is_bound and (form.is_valid() or set(form.errors) == {"confirm"}):
        what_if = selectors.monotown_what_if(user=request.user, year=year, weights=form.weights())
        after = {town.settlement.pk: town for town in what_if.scenario.towns}
        for town in what_if.baseline.towns:
            new = after.get(town.settlement.pk)
            rows.append({"settlement": town.settlement, "index_before": town.index, "group_before": town.group,
                         "index_after": new.index if new else None, "group_after": new.group if new else None,
                         "rank_before": town.rank, "rank_after": new.rank if new else None,
                         "changed": new is not None and new.group != town.group})
        rows.sort(key=lambda row: (row["rank_after"] is None, row["rank_after"] or 0))
    context = _page(request, "weights", year=year, years=years, form=form, what_if=what_if, rows=rows,
                    can_save=can_save, current=[(label, current.get(code)) for code, label in _domains()],
                    domain_fields=[form[code] for code, _label in _domains()], group_rules=_group_rules())
    return render(request, "indicators/monotown_weights.html", context)


@login_required
@require_GET
def monotown_exit(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    years = selectors.monotown_years(user=request.user)
    year = _year(request, years)
    checks = selectors.monotown_exit_checks(user=request.user, year=year)
    indicators = {i.code: i for i in selectors.indicator_list(user=request.user).filter(
        code__in=[c.code for c in EXIT_CRITERIA])}
    criteria = [{"code": c.code, "name": indicators[c.code].name if c.code in indicators else c.code,
                 "rule": f"{c.symbol} {c.threshold}",
                 "unit": indicators[c.code].get_unit_display() if c.code in indicators else ""} for c in EXIT_CRITERIA]
    rows = [{"town": town, "check": check, "results": check.results} for town, check in checks]
    context = _page(request, "exit", year=year, years=years, criteria=criteria, rows=rows,
                    passing=sum(1 for row in rows if row["check"].passed))
    return render(request, "indicators/monotown_exit.html", context)


# --- wear zoning and funding priority ------------------------------------------------------------------------


def _threshold_legend(thresholds: dict[str, Decimal]) -> list[dict[str, Any]]:
    red, yellow = thresholds[Zone.RED], thresholds[Zone.YELLOW]
    return [
        {"zone": Zone.RED, "label": f"{Zone.RED.label}: > {red}%"},
        {"zone": Zone.YELLOW, "label": f"{Zone.YELLOW.label}: {yellow}–{red}%"},
        {"zone": Zone.GREEN, "label": f"{Zone.GREEN.label}: ≤ {yellow}%"},
    ]


def _zone_rows(zoning: list[Any], priority: dict[int, Any]) -> list[dict[str, Any]]:
    rows = []
    for row in zoning:
        rank = priority.get(row.region.pk)
        rows.append({"region": row.region, "wear": row.wear, "zone": row.zone, "zone_label": row.zone_label,
                     "networks": [row.by_network.get(network.value) for network in Network],
                     "replacement": row.replacement_share, "priority_rank": rank.rank if rank else None})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def zones(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    years = selectors.wear_years(user=request.user)
    year = _year(request, years)
    thresholds = zone_thresholds()
    can_edit = can_manage_analytics(request.user)
    form = ThresholdsForm(initial={"red": thresholds[Zone.RED], "yellow": thresholds[Zone.YELLOW]})
    if request.method == "POST":
        if not can_edit:
            raise Http404
        form = ThresholdsForm(request.POST)
        if form.is_valid():
            try:
                zone_thresholds_set(actor=request.user, red=form.cleaned_data["red"],
                                    yellow=form.cleaned_data["yellow"], reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The wear zone thresholds were saved."))
                return redirect(f"{reverse('indicators:zones')}?year={year}")
    zoning = selectors.wear_zoning(user=request.user, year=year)
    priority = {row.region_id: row for row in selectors.funding_priority(user=request.user, year=year)}
    rows = _zone_rows(zoning, priority)
    networks = [(network.value, network.label) for network in Network]
    if _wants_xlsx(request):
        columns = [("kato", _("KATO"), 8), ("region", _("Region"), 30), ("wear", _("Wear of heat, water and sewer networks, %"), 14),
                   *[(code, f"{label}, %", 14) for code, label in networks],
                   ("replacement", _("Networks needing replacement, %"), 14), ("zone", _("Zone"), 14),
                   ("rank", _("Funding priority rank"), 10)]
        data = [{"kato": row["region"].kato, "region": row["region"].name, "wear": row["wear"],
                 **{code: value for (code, _l), value in zip(networks, row["networks"], strict=True)},
                 "replacement": row["replacement"], "zone": row["zone_label"], "rank": row["priority_rank"]}
                for row in rows]
        return workbook_response([Sheet(_("Wear zones %(year)s") % {"year": year}, columns, data)],
                                 name=f"wear-zones-{year}")
    shapes, width, height = region_shapes()
    by_kato = {row["region"].kato: {"name": row["region"].name, "zone": row["zone"], "wear": row["wear"],
                                    "zone_label": row["zone_label"]} for row in rows}
    counts = Counter(row["zone"] for row in rows)
    context = _page(
        request, "zones", year=year, years=years, rows=rows, networks=networks,
        map={"shapes": zone_map(shapes, by_kato), "width": width, "height": height, "credit": MAP_CREDIT,
             "legend": zone_legend(_threshold_legend(thresholds))},
        thresholds=_threshold_legend(thresholds), form=form if can_edit else None,
        zone_tiles=[{"zone": zone.value, "label": zone.label, "count": counts.get(zone.value, 0)} for zone in Zone],
        export_query=request.GET.urlencode(),
    )
    return render(request, "indicators/zones.html", context)


@login_required
@require_GET
def priority(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    years = selectors.wear_years(user=request.user)
    year = _year(request, years)
    ranking = selectors.funding_priority(user=request.user, year=year)
    weights = selectors.current_priority_weights()
    components = [(code, COMPONENT_LABELS.get(code, code), weights.get(code)) for code in DEFAULT_PRIORITY_WEIGHTS]
    if _wants_xlsx(request):
        columns = [("rank", _("Rank"), 7), ("kato", _("KATO"), 8), ("region", _("Region"), 30), ("zone", _("Zone"), 14),
                   ("score", _("Score"), 9), ("wear", _("Wear, %"), 9), ("people", _("People affected"), 14),
                   *[(f"c_{code}", f"{label} (0–1)", 14) for code, label, _w in components],
                   *[(f"p_{code}", _("%(component)s: points") % {"component": label}, 14)
                     for code, label, _w in components]]
        data = [{"rank": row.rank, "kato": row.region.kato, "region": row.region.name, "zone": row.zone_label,
                 "score": row.score, "wear": row.wear, "people": row.people_affected,
                 **{f"c_{code}": row.components.get(code) for code, _l, _w in components},
                 **{f"p_{code}": row.contributions.get(code) for code, _l, _w in components}} for row in ranking]
        return workbook_response([Sheet(_("Funding priority %(year)s") % {"year": year}, columns, data)],
                                 name=f"funding-priority-{year}")
    bars = bar_lengths(ranking, "score", scale=100)
    rows = [{"row": row, "bar": bar,
             "components": [{"share": row.components.get(code), "points": row.contributions.get(code)}
                            for code, _label, _weight in components]} for row, bar in zip(ranking, bars, strict=True)]
    weight_total = sum((weight for _c, _l, weight in components), Decimal("0"))
    context = _page(request, "priority", year=year, years=years, rows=rows, components=components,
                    weight_total=weight_total, thresholds=_threshold_legend(zone_thresholds()),
                    export_query=request.GET.urlencode())
    return render(request, "indicators/priority.html", context)


# --- tax incentives ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def incentives(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    years = selectors.tax_years(user=request.user)
    year = _year(request, years)
    can_edit = can_manage_analytics(request.user)
    stored = selectors.tax_incentives(user=request.user, year=year)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        form = PoolForm(request.POST)
        if form.is_valid():
            try:
                incentive_pool_set(actor=request.user, year=year, amount=form.cleaned_data["pool"],
                                   cap_share=form.cleaned_data["cap_share"], reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The incentive pool of %(year)s was saved.") % {"year": year})
                return redirect(f"{reverse('indicators:incentives')}?year={year}")
        trial = False
    else:
        trial = "pool" in request.GET
        form = PoolForm(request.GET if trial else None,
                        initial={"pool": stored.pool, "cap_share": stored.cap_share})
    report = stored
    if trial and form.is_valid():
        report = selectors.tax_incentives(user=request.user, year=year, pool=form.cleaned_data["pool"],
                                          cap_share=form.cleaned_data["cap_share"])
    if _wants_xlsx(request):
        columns = [("kato", _("KATO"), 8), ("region", _("Region"), 30), ("plan", _("Plan, million tenge"), 16),
                   ("fact", _("Fact, million tenge"), 16), ("execution", _("Execution, %"), 12),
                   ("over", _("Overperformance, million tenge"), 18), ("reward", _("Proposed reward, million tenge"), 18),
                   ("share", _("Share of the pool, %"), 12), ("capped", _("Capped"), 9)]
        data = [{"kato": row.region.kato, "region": row.region.name, "plan": row.plan, "fact": row.fact,
                 "execution": row.execution_percent, "over": row.overperformance, "reward": row.reward,
                 "share": row.pool_share_percent, "capped": _("yes") if row.capped else ""} for row in report.rows]
        data.append({"region": _("Total"), "over": report.total_overperformance, "reward": report.distributed})
        return workbook_response([Sheet(_("Tax incentives %(year)s") % {"year": year}, columns, data)],
                                 name=f"tax-incentives-{year}")
    largest = max((abs((row.fact or 0) - (row.plan or 0)) for row in report.rows), default=0) or 1
    rows = [{"row": row, "gap": (row.fact - row.plan) if row.fact is not None and row.plan is not None else None,
             "bar": round(float(min(abs((row.fact or 0) - (row.plan or 0)) / largest, 1)) * 100, 1)}
            for row in report.rows]
    context = _page(request, "incentives", year=year, years=years, report=report, rows=rows, form=form,
                    trial=trial and form.is_valid(), can_edit=can_edit,
                    cap=(report.pool * report.cap_share).quantize(Decimal("0.01")),
                    overperformers=sum(1 for row in report.rows if row.overperformance > 0),
                    export_query=request.GET.urlencode())
    return render(request, "indicators/incentives.html", context)


# --- villages ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def villages(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    regions = region_choices(user=request.user)
    kato = request.GET.get("region") or ""
    region = Region.objects.filter(kato=kato).first() if kato in {code for code, _name in regions} else None
    specialization = request.GET.get("specialization") or None
    if specialization not in {None, *VillageSpecialization.values}:
        specialization = None
    status = request.GET.get("status") or None
    if status not in {None, *ScreeningStatus.values}:
        status = None
    screens = selectors.village_screening(user=request.user, region=region, specialization=specialization,
                                          status=status)
    kinds = [(kind.value, kind.label) for kind in InfrastructureKind]
    if _wants_xlsx(request):
        states = dict(InfrastructureKind.choices)
        columns = [("region", _("Region"), 26), ("kato", _("KATO"), 12), ("village", _("Village"), 26),
                   ("population", _("Population"), 12), ("specialization", _("Specialization"), 18),
                   *[(code, label, 14) for code, label in kinds], ("gaps", _("Gaps"), 30),
                   ("plans", _("Planned infrastructure"), 60), ("status", _("Screening"), 28)]
        data = []
        for item in screens:
            village = item.settlement
            state_labels = {}
            if item.profile is not None:
                state_labels = {code: getattr(item.profile, f"get_{code}_display")() for code, _l in kinds}
            data.append({"region": village.region.name, "kato": village.kato, "village": village.name,
                         "population": village.population, "specialization": village.get_village_specialization_display(),
                         **state_labels, "gaps": ", ".join(str(states[g]) for g in item.gaps),
                         "plans": "; ".join(f"{plan.get_kind_display()}: {plan.description} ({plan.planned_year})"
                                            for plan in item.plans),
                         "status": item.status_label})
        return workbook_response([Sheet(_("Villages"), columns, data)], name="villages")
    rows = []
    for item in screens:
        cells = []
        for code, _label in kinds:
            state = item.states.get(code)
            label = getattr(item.profile, f"get_{code}_display")() if item.profile is not None else "—"
            cells.append({"code": code, "state": state, "label": label, "needed": code in item.needs,
                          "gap": code in item.gaps})
        rows.append({"item": item, "cells": cells})
    context = _page(
        request, "villages", rows=rows, kinds=kinds, regions=regions, region=region, summary=selectors.village_summary(
            user=request.user), specializations=VillageSpecialization.choices, specialization=specialization,
        statuses=ScreeningStatus.choices, status=status,
        needs=[{"label": label, "kinds": [InfrastructureKind(k).label for k in SPECIALIZATION_NEEDS.get(code, ())]}
               for code, label in VillageSpecialization.choices],
        export_query=request.GET.urlencode(),
    )
    return render(request, "indicators/villages.html", context)
