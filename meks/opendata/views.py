"""The open-data feeds and their documentation page, public (no log-in).

The feeds are computed from the database on each request that is not answered from a validator: each
answer carries an ``ETag`` and a ``Last-Modified`` from the latest change of the published data, so a
client (or a caching proxy) that already holds the current version gets a 304 with no body.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import feeds, ocds
from .oc4ids import project_package

JSON_TYPE = "application/json; charset=utf-8"
CSV_TYPE = "text/csv; charset=utf-8"
#: How long a client or proxy may reuse an answer without asking again, in seconds.
MAX_AGE = 15 * 60


def _validators(response: HttpResponse, state: feeds.FeedState) -> HttpResponse:
    response["ETag"] = state.etag
    if state.latest:
        response["Last-Modified"] = http_date(state.latest.timestamp())
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _not_modified(request: HttpRequest, state: feeds.FeedState) -> HttpResponse | None:
    response = get_conditional_response(request, etag=state.etag,
                                        last_modified=int(state.latest.timestamp()) if state.latest else None)
    return _validators(response, state) if response is not None else None


def _encoded(pieces: Iterator[str]) -> Iterator[bytes]:
    for piece in pieces:
        yield piece.encode("utf-8")


def _stream(request: HttpRequest, state: feeds.FeedState, pieces: Iterator[str], content_type: str,
            filename: str | None = None) -> HttpResponse:
    cached = _not_modified(request, state)
    if cached is not None:
        return cached
    response = StreamingHttpResponse(_encoded(pieces), content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _validators(response, state)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The open-data page: every dataset, its format, standard, licence, update frequency and fields."""
    state = feeds.portfolio_state()
    return render(request, "opendata/index.html", {
        "state": state,
        "example_ocid": ocds.publication_queryset().values_list("ocid", flat=True).first(),
        "project_columns": feeds.PROJECT_COLUMNS,
        "region_columns": feeds.REGION_COLUMNS,
        "financing_columns": feeds.FINANCING_COLUMNS,
        "example_code": feeds.public_projects().values_list("code", flat=True).first(),
    })


@require_safe
def oc4ids_projects(request: HttpRequest) -> HttpResponse:
    """The whole published portfolio as one OC4IDS 0.9.4 project package, streamed."""
    state = feeds.portfolio_state()
    pieces = feeds.stream_project_package(feeds.public_projects(), uri=request.build_absolute_uri(),
                                          published=state.latest)
    return _stream(request, state, pieces, JSON_TYPE)


@require_safe
def oc4ids_project(request: HttpRequest, code: str) -> HttpResponse:
    """One published project's OC4IDS 0.9.4 project package."""
    project = feeds.public_project(code)
    if project is None:
        raise Http404
    state = feeds.project_state(project)
    cached = _not_modified(request, state)
    if cached is not None:
        return cached
    package = project_package([project], uri=request.build_absolute_uri(
        reverse("opendata:oc4ids_project", args=[project.code])), published=state.latest)
    response = HttpResponse(json.dumps(package, ensure_ascii=False, separators=(",", ":")), content_type=JSON_TYPE)
    return _validators(response, state)


@require_safe
def projects_csv(request: HttpRequest) -> HttpResponse:
    """``projects.csv``: the published projects."""
    return _stream(request, feeds.portfolio_state(), feeds.project_rows(), CSV_TYPE, "projects.csv")


@require_safe
def regions_csv(request: HttpRequest) -> HttpResponse:
    """``regions.csv``: the regions with their rating and wear zone (they change with the day's data)."""
    response = StreamingHttpResponse(_encoded(feeds.region_rows()), content_type=CSV_TYPE)
    response["Content-Disposition"] = 'attachment; filename="regions.csv"'
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@require_safe
def financing_csv(request: HttpRequest) -> HttpResponse:
    """``financing.csv``: the approved financing applications of the published projects."""
    return _stream(request, feeds.portfolio_state(), feeds.financing_rows(), CSV_TYPE, "financing.csv")


@require_safe
def ocds_releases(request: HttpRequest) -> HttpResponse:
    """Every public tender's release as one OCDS 1.1.5 release package, streamed.

    The standard asks a package to hold at least one release, so before the first tender is published there
    is no package to publish: the answer is a 404 whose JSON body says why (an empty package would be
    invalid, and a harvester reads "not found" as "nothing yet").
    """
    if not ocds.publication_queryset().exists():
        body = {"detail": _("No tender has been published yet. An OCDS release package must hold at least one "
                            "release, so this list is published from the first public tender on."),
                "releases": 0}
        response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type=JSON_TYPE, status=404)
        response["Cache-Control"] = f"public, max-age={MAX_AGE}"
        return response
    uri = request.build_absolute_uri()
    pieces = feeds.stream_release_package(ocds.publication_queryset(), uri=uri)
    response = StreamingHttpResponse(_encoded(pieces), content_type=JSON_TYPE)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@require_safe
def ocds_tender(request: HttpRequest, ocid: str) -> HttpResponse:
    """One public tender's OCDS 1.1.5 release package."""
    tender = ocds.publication_queryset().filter(ocid=ocid).first()
    if tender is None:
        raise Http404
    package = ocds.release_package([ocds.tender_release(tender)], uri=request.build_absolute_uri())
    response = HttpResponse(json.dumps(package, ensure_ascii=False, separators=(",", ":")), content_type=JSON_TYPE)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response
