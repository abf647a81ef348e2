"""Pages of the contact centre: dashboard, list, export, intake, an appeal and its actions, statistics.

The views read through ``selectors`` and write through ``services``; a service's refusal is shown on the
form it came from and nothing is changed. Every display of an applicant goes through
``personal_data.applicant_view``, which masks what the user may not see and records each view of the real data.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from meks.core.access import Role, scope_of
from meks.core.audit import HistoryEntry, history_entries
from meks.core.forms import paginate
from meks.core.i18n import localized_field_name
from meks.core.workdays import add_working_days
from meks.portfolio.models import Project
from meks.portfolio.selectors import PortfolioFilters, project_list, project_visibility
from meks.territory.models import Region

from . import deadlines, selectors, services
from .choices import OPEN_STATUSES, AnswerStatus, AppealStatus, Channel, EventKind
from .forms import (
    AnswerForm,
    AssignForm,
    CloseForm,
    ExtendForm,
    ForwardForm,
    IntakeForm,
    NoteForm,
    add_service_error,
    project_code,
)
from .models import Answer, Appeal, Category
from .personal_data import PERSONAL_FIELDS, access_batch, applicant_view

#: The roles the contact centre's pages serve (those its menu entry is shown to).
READER_ROLES = (Role.CONTACT_CENTRE, Role.PROJECT_OFFICE, Role.AKIMAT, Role.UTILITY, Role.MINISTRY,
                Role.TECHNICAL_OPERATOR, Role.FINANCIAL_OPERATOR)
#: The roles that register appeals taken by phone.
INTAKE_ROLES = (Role.CONTACT_CENTRE, Role.PROJECT_OFFICE)
DUE_SOON_WORKING_DAYS = 3
LIST_LIMIT = 15
PER_PAGE = 50
PROJECT_OPTIONS = 20
#: Fields of the record's history that are never shown there: the applicant block shows them, masked as needed.
HIDDEN_HISTORY_FIELDS = frozenset(PERSONAL_FIELDS) | {"access_code"}
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _require(request: HttpRequest, roles: tuple[str, ...] = READER_ROLES) -> None:
    if not scope_of(request.user).has_role(*roles):
        raise Http404


def _get(request: HttpRequest, pk: int) -> Appeal:
    _require(request)
    return selectors.appeal_get(user=request.user, pk=pk)


# --- dashboard ---------------------------------------------------------------------------------------------


def _due_soon_filter(on: dt.date, days: int) -> Q:
    return Q(status__in=OPEN_STATUSES, due_date__gte=on, due_date__lte=add_working_days(on, days))


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request)
    user, on = request.user, timezone.localdate()
    appeals = selectors.appeal_list(user=user, on=on)
    is_open = Q(status__in=OPEN_STATUSES)
    overdue = Q(status__in=OPEN_STATUSES, due_date__lt=on)
    answered = Q(answered_on__isnull=False)
    figures = appeals.order_by().aggregate(
        total=Count("pk"), open=Count("pk", filter=is_open), overdue=Count("pk", filter=overdue),
        due_soon=Count("pk", filter=_due_soon_filter(on, DUE_SOON_WORKING_DAYS)),
        answered_month=Count("pk", filter=Q(answered_on__gte=on.replace(day=1), answered_on__lte=on)),
        answered=Count("pk", filter=answered),
        on_time=Count("pk", filter=answered & Q(answered_on__lte=F("due_date"))),
        mine=Count("pk", filter=is_open & Q(executor_id=user.pk)),
    )
    figures["on_time_share"] = (round(figures["on_time"] * 100 / figures["answered"], 1)
                                if figures["answered"] else None)
    mine = list(appeals.filter(is_open, executor_id=user.pk).order_by("due_date", "pk")[:LIST_LIMIT])
    late = list(appeals.filter(overdue).order_by("due_date", "pk")[:LIST_LIMIT])
    context = {
        "on": on, "figures": figures, "month": on.strftime("%Y-%m"), "due_soon_days": DUE_SOON_WORKING_DAYS,
        "mine": [{"appeal": appeal, "overdue": selectors.is_overdue(appeal, on),
                  "days_left": (appeal.due_date - on).days} for appeal in mine],
        "late": [{"appeal": appeal, "days": (on - appeal.due_date).days} for appeal in late],
        "can_register": scope_of(user).has_role(*INTAKE_ROLES),
    }
    return render(request, "appeals/dashboard.html", context)


# --- list and export ---------------------------------------------------------------------------------------


def _month(value: str | None) -> dt.date | None:
    match = MONTH.match(value or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1901 <= int(match.group(1)) <= 9998:
        return None
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _extras(params: Any) -> dict[str, Any]:
    """The list's filters beyond ``AppealFilters``, which the dashboard's and statistics' tiles link to.

    Open only, due within N working days, answered or registered in a month.
    """
    due = params.get("due", "")
    return {
        "open": params.get("open") == "1",
        "due": int(due) if due.isdigit() and int(due) <= 60 else None,
        "answered": _month(params.get("answered")),
        "registered": _month(params.get("registered")),
    }


def _filtered(request: HttpRequest, on: dt.date) -> tuple[QuerySet[Appeal], selectors.AppealFilters, dict[str, Any]]:
    filters = selectors.AppealFilters.from_query(request.GET)
    extras = _extras(request.GET)
    queryset = selectors.appeal_list(user=request.user, filters=filters, on=on)
    if extras["open"]:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    if extras["due"] is not None:
        queryset = queryset.filter(_due_soon_filter(on, extras["due"]))
    for field in ("answered", "registered"):
        month = extras[field]
        if month:
            column = "answered_on" if field == "answered" else "registered_on"
            queryset = queryset.filter(**{f"{column}__year": month.year, f"{column}__month": month.month})
    return queryset, filters, extras


def _query(filters: selectors.AppealFilters, extras: dict[str, Any]) -> str:
    values = {
        "status": filters.status, "category": filters.category, "region": filters.region, "channel": filters.channel,
        "overdue": {True: "1", False: "0"}.get(filters.overdue), "mine": "1" if filters.mine else None,
        "q": filters.search, "open": "1" if extras["open"] else None, "due": extras["due"],
        "answered": extras["answered"].strftime("%Y-%m") if extras["answered"] else None,
        "registered": extras["registered"].strftime("%Y-%m") if extras["registered"] else None,
    }
    return urlencode({key: value for key, value in values.items() if value not in (None, "")})


def _with_applicants(user: Any, appeals, on: dt.date, where: str) -> list[dict[str, Any]]:
    """Each appeal with its applicant as ``user`` may see them (each view of real data is recorded)."""
    with transaction.atomic(), access_batch():
        return [{"appeal": appeal, "applicant": applicant_view(user, appeal, where=where),
                 "overdue": selectors.is_overdue(appeal, on)} for appeal in appeals]


@login_required
@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    on = timezone.localdate()
    queryset, filters, extras = _filtered(request, on)
    page = paginate(request, queryset, per_page=PER_PAGE)
    name = localized_field_name("name")
    context = {
        "page": page, "rows": _with_applicants(request.user, page.object_list, on, "list"), "on": on,
        "filters": filters, "extras": extras, "filter_qs": _query(filters, extras),
        "statuses": AppealStatus.choices, "channels": Channel.choices,
        "categories": Category.objects.order_by("order", "code"), "regions": Region.objects.order_by(name, "kato"),
        "can_register": scope_of(request.user).has_role(*INTAKE_ROLES),
    }
    template = "appeals/_appeal_table.html" if request.htmx and not request.htmx.boosted else "appeals/appeal_list.html"
    return render(request, template, context)


EXPORT_COLUMNS = (
    ("number", gettext_lazy("Number")), ("channel", gettext_lazy("Channel")), ("received", gettext_lazy("Received")),
    ("registered", gettext_lazy("Registered on")), ("category", gettext_lazy("Category")),
    ("region", gettext_lazy("Region")), ("project", gettext_lazy("Project")),
    ("organization", gettext_lazy("Responsible organization")), ("executor", gettext_lazy("Executor")),
    ("status", gettext_lazy("Status")), ("due", gettext_lazy("Due date")), ("overdue", gettext_lazy("Overdue")),
    ("answered", gettext_lazy("Answered on")), ("name", gettext_lazy("Applicant")), ("phone", gettext_lazy("Phone")),
    ("iin", gettext_lazy("IIN")), ("address", gettext_lazy("Address")), ("email", gettext_lazy("E-mail")),
    ("text", gettext_lazy("Text of the appeal")),
)


@login_required
@require_GET
def export(request: HttpRequest) -> FileResponse:
    """The list with the same filters as an Excel workbook.

    Personal data is masked unless the user may see it; each row shown unmasked is recorded as seen in an export.
    """
    _require(request)
    on = timezone.localdate()
    queryset = _filtered(request, on)[0]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Appeals")[:31])
    sheet.freeze_panes = "B2"
    widths = {"number": 14, "received": 17, "text": 60, "organization": 36, "category": 30, "region": 24, "name": 28}
    for index, (key, _label) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(key, 16)
    header = []
    for _key, label in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="EAF0F4")
        header.append(cell)
    sheet.append(header)
    yes, no = _("yes"), _("no")
    with transaction.atomic(), access_batch():
        for appeal in queryset.iterator(chunk_size=500):
            person = applicant_view(request.user, appeal, where="export")
            values = {
                "number": appeal.number, "channel": appeal.get_channel_display(),
                "received": timezone.localtime(appeal.received_at).replace(tzinfo=None),
                "registered": appeal.registered_on, "category": appeal.category.name, "region": appeal.region.name,
                "project": appeal.project.code if appeal.project_id else "",
                "organization": appeal.organization.name if appeal.organization_id else "",
                "executor": appeal.executor.get_full_name() if appeal.executor_id else "",
                "status": appeal.get_status_display(), "due": appeal.due_date,
                "overdue": yes if selectors.is_overdue(appeal, on) else no, "answered": appeal.answered_on,
                **{key: person[key] for key in ("name", "phone", "iin", "address", "email")},
                "text": appeal.text,
            }
            row = []
            for key, _label in EXPORT_COLUMNS:
                cell = WriteOnlyCell(sheet, value=str(values[key]) if key in {"phone", "iin"} else values[key])
                if isinstance(values[key], dt.datetime):
                    cell.number_format = "dd.mm.yyyy hh:mm"
                elif isinstance(values[key], dt.date):
                    cell.number_format = "dd.mm.yyyy"
                row.append(cell)
            sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"appeals-{on.isoformat()}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- the operator's intake ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """Register an appeal taken by phone; the answer shows the slip to read out to the caller."""
    _require(request, INTAKE_ROLES)
    form = IntakeForm(request.POST if request.method == "POST" else None, user=request.user)
    slip = None
    if request.method == "POST" and form.is_valid():
        try:
            slip = services.appeal_register(actor=request.user, channel=Channel.PHONE, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error, form.ERROR_FIELDS)
        else:
            form = IntakeForm(user=request.user)
    if form.is_bound and form.errors:
        form.focus_first_error()
    context = {"form": form, "slip": slip}
    template = "appeals/_intake.html" if request.htmx and not request.htmx.boosted else "appeals/intake.html"
    return render(request, template, context)


@login_required
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """The caller's earlier appeals found by phone or IIN; pre-fills the name when the operator may see it."""
    _require(request, INTAKE_ROLES)
    raw_phone = (request.GET.get("phone") or request.GET.get("applicant_phone") or "").strip()
    raw_iin = re.sub(r"\D", "", request.GET.get("iin") or request.GET.get("applicant_iin") or "")
    typed_name = (request.GET.get("name") or request.GET.get("applicant_name") or "").strip()
    try:
        phone = services.normalize_phone(raw_phone) if raw_phone else ""
    except ValidationError:
        phone = ""
    iin = raw_iin if len(raw_iin) == 12 else ""
    rows = []
    if phone or iin:
        rows = _with_applicants(request.user, selectors.applicant_history(phone=phone, iin=iin), timezone.localdate(),
                                "intake")
    prefill = None
    if rows and not typed_name and not rows[0]["applicant"]["masked"]:
        form = IntakeForm(user=request.user, initial={"applicant_name": rows[0]["applicant"]["name"]})
        form.fields["applicant_name"].widget.attrs["hx-swap-oob"] = "true"
        prefill = form["applicant_name"]
    context = {"rows": rows, "searched": bool(phone or iin), "typed": bool(raw_phone or raw_iin), "prefill": prefill}
    return render(request, "appeals/_lookup.html", context)


@login_required
@require_GET
def project_search(request: HttpRequest) -> HttpResponse:
    """Options for the project field: the chosen region's projects whose code or title matches."""
    _require(request, INTAKE_ROLES)
    region = (request.GET.get("region") or "").strip()
    term = project_code(request.GET.get("q") or request.GET.get("project") or "")
    projects = []
    if region:
        title = localized_field_name("title")
        projects = list(project_list(user=request.user, filters=PortfolioFilters(region=region, search=term or None),
                                     ordering="code").values_list("code", title, "title_ru")[:PROJECT_OPTIONS])
    return render(request, "appeals/_project_options.html",
                  {"projects": [(code, title or fallback) for code, title, fallback in projects]})


# --- an appeal and its actions -----------------------------------------------------------------------------


def _history(appeal: Appeal) -> list[HistoryEntry]:
    entries = []
    for entry in history_entries(appeal, limit=30):
        changes = [change for change in entry.changes if change.field not in HIDDEN_HISTORY_FIELDS]
        if changes or entry.kind != "changed" or entry.reason:
            entries.append(HistoryEntry(when=entry.when, actor=entry.actor, kind=entry.kind, reason=entry.reason,
                                        version=entry.version, changes=changes))
    return entries


def _detail_context(request: HttpRequest, appeal: Appeal, **bound: forms.Form) -> dict[str, Any]:
    user, on = request.user, timezone.localdate()
    handler, head = services.is_handler(user, appeal), services.is_head(user, appeal)
    executor = bool(appeal.executor_id) and appeal.executor_id == user.pk
    is_open = appeal.status in OPEN_STATUSES
    events = list(appeal.events.select_related("actor", "organization"))
    answers = list(appeal.answers.select_related("author", "approved_by"))
    drafts = [answer for answer in answers if answer.status == AnswerStatus.DRAFT]
    forwarded = next((event for event in events if event.kind == EventKind.FORWARDED), None)
    limit = deadlines.extension_limit(appeal.registered_on)
    assign_form = bound.get("assign_form") or AssignForm(appeal=appeal)
    return {
        "appeal": appeal, "on": on,
        "applicant": applicant_view(user, appeal, where="page"),
        "shows_access_code": scope_of(user).has_role(Role.CONTACT_CENTRE),
        "overdue": selectors.is_overdue(appeal, on),
        "days_left": (appeal.due_date - on).days, "days_overdue": (on - appeal.due_date).days,
        "extended": appeal.due_date != appeal.original_due_date,
        "forwarded": forwarded,
        "forwarded_on": timezone.localdate(forwarded.at) if forwarded else None,
        "forward_on_time": (timezone.localdate(forwarded.at) <= appeal.forward_due_date) if forwarded else None,
        "events": events, "answers": answers, "drafts": drafts,
        "is_handler": handler, "is_head": head, "is_executor": executor, "is_open": is_open,
        "can_assign": handler and is_open, "has_executors": assign_form.fields["executor"].queryset.exists(),
        "can_forward": handler and is_open, "can_note": handler,
        "can_extend": head and is_open, "extension_limit": limit, "can_extend_further": appeal.due_date < limit,
        "can_answer": executor and is_open and not drafts, "can_approve": head and bool(drafts),
        "can_close": handler and appeal.status == AppealStatus.ANSWERED,
        "assign_form": assign_form,
        "forward_form": bound.get("forward_form") or ForwardForm(appeal=appeal),
        "note_form": bound.get("note_form") or NoteForm(),
        "extend_form": bound.get("extend_form") or ExtendForm(limit=limit),
        "answer_form": bound.get("answer_form") or AnswerForm(),
        "close_form": bound.get("close_form") or CloseForm(),
        "approve_form": bound.get("approve_form"),
        "history": _history(appeal),
        "failed": next(iter(bound), None),
    }


@login_required
@require_GET
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _get(request, pk)
    return render(request, "appeals/appeal_detail.html", _detail_context(request, appeal))


def _act(request: HttpRequest, pk: int, *, allowed: Callable[[Any, Appeal], bool], form_name: str,
         make_form: Callable[[Appeal], forms.Form], call: Callable[[Appeal, dict[str, Any]], Any], success: str
         ) -> HttpResponse:
    """Run one action of the appeal page.

    404 unless the user may take it; on success back to the page with a message; on a refusal the page
    again, the form showing why.
    """
    appeal = _get(request, pk)
    if not allowed(request.user, appeal):
        raise Http404
    form = make_form(appeal)
    if form.is_valid():
        try:
            call(appeal, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error, getattr(form, "ERROR_FIELDS", {}))
        else:
            messages.success(request, success)
            return redirect("appeals:appeal_detail", pk=appeal.pk)
    messages.error(request, _("Nothing was changed: correct what the form below says."))
    appeal.refresh_from_db()
    return render(request, "appeals/appeal_detail.html", _detail_context(request, appeal, **{form_name: form}))


def _is_executor(user: Any, appeal: Appeal) -> bool:
    return bool(appeal.executor_id) and appeal.executor_id == user.pk


@login_required
@require_POST
def appeal_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, allowed=services.is_handler, form_name="assign_form",
                make_form=lambda appeal: AssignForm(request.POST, appeal=appeal),
                call=lambda appeal, data: services.appeal_assign(actor=request.user, appeal=appeal,
                                                                 executor=data["executor"]),
                success=_("The executor was assigned."))


@login_required
@require_POST
def appeal_forward(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, allowed=services.is_handler, form_name="forward_form",
                make_form=lambda appeal: ForwardForm(request.POST, appeal=appeal),
                call=lambda appeal, data: services.appeal_forward(actor=request.user, appeal=appeal,
                                                                  organization=data["organization"], note=data["note"]),
                success=_("The appeal was forwarded; the applicant will be told."))


@login_required
@require_POST
def appeal_note(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, allowed=services.is_handler, form_name="note_form",
                make_form=lambda appeal: NoteForm(request.POST),
                call=lambda appeal, data: services.appeal_note(actor=request.user, appeal=appeal, note=data["note"]),
                success=_("The note was added to the journal."))


@login_required
@require_POST
def appeal_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, allowed=services.is_head, form_name="extend_form",
                make_form=lambda appeal: ExtendForm(request.POST,
                                                    limit=deadlines.extension_limit(appeal.registered_on)),
                call=lambda appeal, data: services.appeal_extend(actor=request.user, appeal=appeal,
                                                                 new_due_date=data["new_due_date"],
                                                                 reason=data["reason"]),
                success=_("The deadline was extended; the applicant will be told."))


@login_required
@require_POST
def answer_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def call(appeal: Appeal, data: dict[str, Any]) -> Answer:
        return services.answer_submit(actor=request.user, appeal=appeal, text=data["text"],
                                      attachment=data.get("attachment"), needs_approval=data["needs_approval"])

    approval = request.POST.get("needs_approval") in ("on", "true", "1")
    return _act(request, pk, allowed=_is_executor, form_name="answer_form",
                make_form=lambda appeal: AnswerForm(request.POST, request.FILES), call=call,
                success=_("The answer is waiting for the head's approval.") if approval
                else _("The answer was sent to the applicant."))


@login_required
@require_POST
def answer_approve(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    def call(appeal: Appeal, data: dict[str, Any]) -> Answer:
        try:
            answer = appeal.answers.get(pk=answer_pk)
        except Answer.DoesNotExist as error:
            raise Http404 from error
        return services.answer_approve(actor=request.user, answer=answer)

    return _act(request, pk, allowed=services.is_head, form_name="approve_form",
                make_form=lambda appeal: forms.Form(request.POST), call=call,
                success=_("The answer was approved and sent to the applicant."))


@login_required
@require_POST
def appeal_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, allowed=services.is_handler, form_name="close_form",
                make_form=lambda appeal: CloseForm(request.POST),
                call=lambda appeal, data: services.appeal_close(actor=request.user, appeal=appeal, note=data["note"]),
                success=_("The appeal was closed."))


@login_required
@require_GET
def answer_attachment(request: HttpRequest, pk: int, answer_pk: int) -> FileResponse:
    appeal = _get(request, pk)
    try:
        answer = appeal.answers.get(pk=answer_pk)
    except Answer.DoesNotExist as error:
        raise Http404 from error
    if not answer.attachment:
        raise Http404
    try:
        handle = answer.attachment.open("rb")
    except OSError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=Path(answer.attachment.name).name)


# --- statistics --------------------------------------------------------------------------------------------

CHART_WIDTH = 960
CHART_HEIGHT = 170


def _with_bars(rows: list[dict[str, Any]], label: str, value: str) -> list[dict[str, Any]]:
    """Rows of a count table: the label, the list filter's value, the count and the bar's length (0–100)."""
    largest = max((row["count"] for row in rows), default=0) or 1
    return [{**row, "label": row[label], "value": row[value],
             "bar": max(round(100 * row["count"] / largest, 1), 0.5 if row["count"] else 0)} for row in rows]


def _month_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Columns per month (registered, and answered of them) for an inline SVG chart: plain numbers only."""
    largest = max((row["count"] for row in rows), default=0) or 1
    top = 20
    step = CHART_WIDTH / max(len(rows), 1)
    bar = round(min(step * 0.32, 28), 1)
    columns = []
    for index, row in enumerate(rows):
        middle = round(step * index + step / 2, 1)
        height = round(CHART_HEIGHT * row["count"] / largest)
        answered = round(CHART_HEIGHT * row["answered"] / largest)
        columns.append({
            **row, "x": round(middle - bar, 1), "x2": middle, "x_mid": middle, "y": top + CHART_HEIGHT - height,
            "height": height, "y2": top + CHART_HEIGHT - answered, "height2": answered,
            "label_y": top + CHART_HEIGHT - height - 5, "show_year": index == 0 or row["month"].month == 1,
        })
    return {"columns": columns, "width": CHART_WIDTH, "height": top + CHART_HEIGHT + 40, "axis_y": top + CHART_HEIGHT,
            "month_y": top + CHART_HEIGHT + 17, "year_y": top + CHART_HEIGHT + 34, "bar": bar}


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    _require(request)
    stats = selectors.appeal_statistics(user=request.user)
    regions = {region.kato: region.name for region in Region.objects.all()}
    by_region = [{**row, "name": regions.get(row["kato"], row["name"])} for row in stats["by_region"]]
    top_ids = [row["project"] for row in stats["top_projects"]]
    visible = {project.pk: project.title
               for project in Project.objects.filter(project_visibility(request.user), pk__in=top_ids)}
    top_projects = [{**row, "title": visible.get(row["project"], row["project__title_ru"]),
                     "visible": row["project"] in visible} for row in stats["top_projects"]]
    context = {
        "stats": stats, "by_category": _with_bars(stats["by_category"], "name", "code"),
        "by_region": _with_bars(by_region, "name", "kato"),
        "by_channel": _with_bars(stats["by_channel"], "label", "channel"),
        "by_status": _with_bars(stats["by_status"], "label", "status"),
        "chart": _month_chart(stats["by_month"]), "by_month": stats["by_month"],
        "top_projects": _with_bars(top_projects, "title", "project__code"),
    }
    return render(request, "appeals/statistics.html", context)
