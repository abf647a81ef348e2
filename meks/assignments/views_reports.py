"""Downloads of the report of assignment execution (Excel and PDF); the work is done in ``reports``."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from meks.core.access import Role, scope_of

from . import reports

#: Who takes part in the control of assignments (as the pages): everyone but contractors, manufacturers and
#: the contact centre, whose organizations are never executors.
REPORT_ROLES = tuple(sorted(set(Role) - {Role.CONTRACTOR, Role.MANUFACTURER, Role.CONTACT_CENTRE}))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report_date(request: HttpRequest) -> dt.date:
    """The ``on`` parameter (YYYY-MM-DD), today when absent; anything else is a bad request."""
    value = request.GET.get("on", "").strip()
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise BadRequest("on must be a date written YYYY-MM-DD") from error


def _require_reader(request: HttpRequest) -> None:
    scope = scope_of(request.user)
    if scope.is_empty or not scope.has_role(*REPORT_ROLES):
        raise Http404


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
@never_cache
def report_xlsx(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    on = _report_date(request)
    content = reports.execution_report_xlsx(user=request.user, on=on, language=get_language())
    return _attachment(content, XLSX, reports.filename(on, "xlsx"))


@login_required
@require_GET
@never_cache
def report_pdf(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    on = _report_date(request)
    content = reports.execution_report_pdf(user=request.user, on=on, language=get_language())
    return _attachment(content, "application/pdf", reports.filename(on, "pdf"))
