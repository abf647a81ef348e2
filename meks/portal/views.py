"""Pages of the public portal (no log-in, ru/kk/en).

Every page is cached whole per path, query string and language for ``CACHE_SECONDS``: the figures may be that
old, and nothing on a page depends on who asks. The pages read neither the session nor the CSRF token, so an
anonymous visitor gets no cookie; the language switch is a plain link that sets the language cookie only.
Anonymous visitors are answered from the cache before most of the middleware runs
(``meks.portal.middleware``); the view's own cache serves everyone else.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from meks.core.forms import paginate
from meks.indicators.charts import zone_colour
from meks.indicators.choices import Zone
from meks.portfolio.charts import NO_DATA_COLOUR, colour_for_index, rating_legend
from meks.portfolio.choices import ProjectStatus
from meks.procurement.choices import TenderStatus
from meks.territory.maps import MAP_CREDIT, region_shapes

from . import selectors
from .caching import CACHE_SECONDS, page_cache_key

#: The figures the map can be coloured by.
MAP_FIGURES = {"readiness": _("Readiness index"), "zone": _("Wear zone"), "investment": _("Investment")}
#: Colours of the investment bins (billions of tenge, lower bound), darkest first.
INVESTMENT_BINS = ((Decimal("100"), "#7a3b00"), (Decimal("30"), "#c25e00"), (Decimal("10"), "#f08c2e"),
                   (Decimal("0.001"), "#fbc98e"))
BILLION = Decimal("1000000000")


def public_page(view):
    """Serve the page from the cache when it is there; keep it there ``CACHE_SECONDS`` otherwise."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = page_cache_key(request, get_language())
        cached = cache.get(key)
        if cached is not None:
            response = HttpResponse(cached, content_type="text/html; charset=utf-8")
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                cache.set(key, response.content, CACHE_SECONDS)
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS // 5}"
        response["Content-Language"] = get_language()
        # the mark lets the middleware keep the whole answer for anonymous visitors of this language
        response.public_page_language = get_language()
        return response

    return require_GET(wrapper)


def _opendata_url() -> str | None:
    try:
        return reverse("opendata:index")
    except NoReverseMatch:
        return None


def _common() -> dict[str, Any]:
    return {"opendata_url": _opendata_url(), "appeal_url": reverse("appeals_public:form")
            if _has("appeals_public:form") else "/appeal/", "producers_url": _producers_url()}


def _has(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _investment_colour(amount: Decimal) -> str:
    billions = amount / BILLION
    for floor, colour in INVESTMENT_BINS:
        if billions >= floor:
            return colour
    return NO_DATA_COLOUR


def _map(rows: list[dict[str, Any]], figure: str) -> dict[str, Any]:
    shapes, width, height = region_shapes()
    by_kato = {row["kato"]: row for row in rows}
    drawn = []
    for shape in shapes:
        row = by_kato.get(shape.kato, {})
        if figure == "zone":
            colour, dark = zone_colour(row.get("zone"))
            label = "" if row.get("wear") is None else f"{Decimal(row['wear']):.0f}"
            title = row.get("zone_label") or ""
        elif figure == "investment":
            amount = row.get("investment") or Decimal("0")
            colour, dark = _investment_colour(amount), amount >= BILLION * 30
            label = f"{amount / BILLION:.0f}" if amount else ""
            title = f"{amount / BILLION:.1f}"
        else:
            index = row.get("index")
            colour, dark = colour_for_index(index), index is not None and index >= 60
            label = "" if index is None else f"{index:.0f}"
            title = label
        drawn.append((shape, {"name": row.get("name", shape.kato), "colour": colour, "dark": dark,
                              "label": label, "title": title}))
    if figure == "zone":
        legend = [{"colour": zone_colour(zone)[0], "label": label} for zone, label in Zone.choices]
        legend.append({"colour": NO_DATA_COLOUR, "label": _("no data")})
    elif figure == "investment":
        legend, upper = [], None
        for floor, colour in INVESTMENT_BINS:
            low = f"{floor:.0f}" if floor >= 1 else "0"
            legend.append({"colour": colour, "label": f"{low}–{upper}" if upper else f"≥ {low}"})
            upper = f"{floor:.0f}"
        legend.append({"colour": NO_DATA_COLOUR, "label": _("no projects")})
    else:
        legend = rating_legend()
    return {"shapes": drawn, "width": width, "height": height, "credit": MAP_CREDIT, "legend": legend,
            "figure": figure, "figure_label": MAP_FIGURES[figure]}


def _figure(request: HttpRequest) -> str:
    figure = request.GET.get("figure", "readiness")
    return figure if figure in MAP_FIGURES else "readiness"


@public_page
def index(request: HttpRequest) -> HttpResponse:
    rows = selectors.region_rows()
    pipeline = selectors.pipeline()
    context = {
        **_common(),
        "pipeline": pipeline,
        "total": {"count": sum(row["count"] for row in pipeline),
                  "amount": sum((row["total"] for row in pipeline), Decimal("0"))},
        "targets": selectors.targets(),
        "financing": selectors.financing_totals(),
        "map": _map(rows, "readiness"),
        "figures": MAP_FIGURES,
    }
    return render(request, "portal/index.html", context)


@public_page
def region_map(request: HttpRequest) -> HttpResponse:
    rows = selectors.region_rows()
    figure = _figure(request)
    context = {**_common(), "map": _map(rows, figure), "figures": MAP_FIGURES, "figure": figure,
               "rows": sorted(rows, key=lambda row: (row["rank"] or 99, row["kato"]))}
    return render(request, "portal/map.html", context)


@public_page
def region_detail(request: HttpRequest, kato: str) -> HttpResponse:
    region = selectors.region_get(kato=kato)
    row = next(row for row in selectors.region_rows() if row["kato"] == region.kato)
    projects = selectors.public_project_list(region=region.kato)
    context = {**_common(), "region": region, "row": row, "page": paginate(request, projects, per_page=selectors.PAGE_SIZE)}
    return render(request, "portal/region_detail.html", context)


@public_page
def project_list(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "")
    status = request.GET.get("status", "")
    direction = request.GET.get("direction", "")
    if status not in selectors.PUBLIC_STATUSES:
        status = ""
    projects = selectors.public_project_list(region=region, status=status, direction=direction)
    query = {key: value for key, value in (("region", region), ("status", status), ("direction", direction)) if value}
    context = {
        **_common(),
        "page": paginate(request, projects, per_page=selectors.PAGE_SIZE),
        "regions": [(row["kato"], row["name"]) for row in selectors.region_rows()],
        "statuses": [(value, label) for value, label in ProjectStatus.choices if value in selectors.PUBLIC_STATUSES],
        "directions": selectors.direction_list(),
        "selected": {"region": region, "status": status, "direction": direction},
        "filter_qs": urlencode(query),
    }
    return render(request, "portal/project_list.html", context)


@public_page
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.public_project_get(code=code)
    context = {**_common(), "project": project, "milestones": selectors.project_schedule(project),
               "financing": selectors.project_financing(project), "contracts": selectors.project_contracts(project),
               "tenders": selectors.project_tenders(project)}
    return render(request, "portal/project_detail.html", context)


@public_page
def tender_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", selectors.OPEN_TENDERS)
    statuses = [(selectors.OPEN_TENDERS, _("Accepting bids")), ("", _("All"))]
    statuses += [(value, label) for value, label in TenderStatus.choices
                 if value in selectors.PUBLIC_TENDER_STATUSES and value != TenderStatus.PUBLISHED]
    if status not in dict(statuses):
        status = selectors.OPEN_TENDERS
    tenders = selectors.public_tender_list(status=status)
    context = {**_common(), "page": paginate(request, tenders, per_page=selectors.PAGE_SIZE), "statuses": statuses,
               "selected": status, "filter_qs": urlencode({"status": status})}
    return render(request, "portal/tender_list.html", context)


@public_page
def tender_detail(request: HttpRequest, number: str) -> HttpResponse:
    tender = selectors.public_tender_get(number=number)
    context = {**_common(), "tender": tender, "lots": selectors.tender_lots(tender),
               "questions": selectors.tender_questions(tender), "ocds_url": _ocds_url(tender)}
    return render(request, "portal/tender_detail.html", context)


def _producers_url() -> str | None:
    try:
        return reverse("producers:product_list")
    except NoReverseMatch:
        return None


def _ocds_url(tender) -> str | None:
    try:
        return reverse("opendata:ocds_tender", args=[tender.ocid])
    except NoReverseMatch:
        return None


@require_GET
def language(request: HttpRequest, code: str) -> HttpResponse:
    """Switch the portal's language: set the language cookie and go back (no session, no form)."""
    target = request.GET.get("next") or reverse("portal:index")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("portal:index")
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax",
                            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY)
    return response
