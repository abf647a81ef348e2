"""The answer to an address that matches no page: JSON under the API's prefix, the site's page elsewhere.

An API client that sends a malformed identifier (``/api/v1/portfolio/projects/1.5/``) reaches no endpoint at
all; it must still get the API's error body, not the site's HTML page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

API_PREFIX = "/api/"


def not_found(request: HttpRequest, exception: Any) -> HttpResponse:
    """404 as ``{"detail": …}`` for the API, the platform's "page not found" for every other address."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
