"""Pages of the shared kernel: the home page of a signed-in user and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .access import scope_of
from .home import home_tiles


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's start page: who they are, what they cover, and the figures of their scope."""
    scope = scope_of(request.user)
    return render(request, "core/home.html", {"scope": scope, "tiles": home_tiles(request.user)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})
