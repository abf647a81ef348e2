"""The platform's URLs plus pages that fail, for the error-page tests."""

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as platform_urlpatterns


def failing(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("internal detail that must not be shown")


def database_gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError("terminating connection due to administrator command")


urlpatterns = [
    path("fault/failing/", failing),
    path("fault/database-gone/", database_gone),
    path("api/fault/database-gone/", database_gone),
    *platform_urlpatterns,
]
