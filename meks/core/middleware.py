"""Answers for requests that meet an unavailable database: the platform's own 503 page, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again; a database restart or fail-over takes about that.
RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection in a view into a translated 503 answer.

    A restart or fail-over of the database server breaks the connections the web process holds; the request
    that was using one fails with ``OperationalError`` (or ``InterfaceError`` once the connection is closed).
    Its transaction was never committed, so nothing it wrote was kept; the user is told to try again, and
    Django closes the broken connection when the request ends, so the next request connects afresh.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable during %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer: JSON for the API, otherwise the stand-alone page (it needs no database to render)."""
    message = _("The service is temporarily unavailable. Nothing was saved from this request; please try again in a minute.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        # No request is passed, so no context processor runs: they would query the database again.
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
