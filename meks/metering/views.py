"""Pages of water and heat metering: the registers, a meter, a building's balance, dashboards, uploads and batches.

The views read through ``selectors`` and write through ``services`` only; every figure comes from the
selectors' SQL aggregates and is merely arranged here for the tables and charts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from meks.accounts.models import Organization
from meks.core.audit import history_entries
from meks.core.forms import paginate
from meks.core.xlsx import Sheet, workbook_response
from meks.territory.models import Region, Settlement

from . import charts, selectors, services
from .choices import UNIT_OF_MEDIUM, Medium, MeterRole, ReadingFlag, ReadingKind, RejectReason
from .forms import (
    BatchFilterForm,
    BuildingFilterForm,
    ConsumptionFilterForm,
    MeterFilterForm,
    MeterTypeFilterForm,
    PeriodFilterForm,
    ReadingsUploadForm,
)
from .models import Building, Meter

#: Readings shown on a meter's page (the export holds them all).
READINGS_SHOWN = 400
#: Readings with warnings listed on a batch's report.
FLAGGED_SHOWN = 200
#: Buildings offered in the meter register's filter (choose a settlement first when there are more).
BUILDING_CHOICES = 500
#: Months of the dashboards and of a building's balance.
DASHBOARD_MONTHS = 12
FLAG_LABELS = dict(ReadingFlag.choices)
REASON_LABELS = dict(RejectReason.choices)


def _require_reader(request: HttpRequest) -> None:
    if not selectors.is_metering_reader(request.user):
        raise Http404


def _common(request: HttpRequest) -> dict[str, Any]:
    return {"can_upload": selectors.may_submit_readings(request.user)}


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def _period(form: PeriodFilterForm) -> tuple[dt.date, dt.date]:
    """The first and the last month of the dashboards: twelve months up to the chosen one (the last complete)."""
    last = form.values().get("until") or _add_months(_month_start(timezone.localdate()), -1)
    last = _month_start(last)
    return _add_months(last, -(DASHBOARD_MONTHS - 1)), last


def _medium(form: ConsumptionFilterForm) -> str:
    return form.values().get("medium") or Medium.COLD_WATER


# --- the register of meter types ----------------------------------------------------------------------------


def _meter_types(request: HttpRequest) -> tuple[MeterTypeFilterForm, QuerySet]:
    form = MeterTypeFilterForm(request.GET)
    values = form.values()
    domestic = {"1": True, "0": False}.get(values.get("domestic", ""))
    types = selectors.meter_type_list(user=request.user, medium=values.get("medium"), status=values.get("status"),
                                      interface=values.get("interface"), domestic=domestic, search=values.get("q"))
    return form, types


@login_required
@require_GET
def type_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form, types = _meter_types(request)
    today = timezone.localdate()
    page = paginate(request, types)
    for meter_type in page:
        meter_type.expired = meter_type.valid_until is not None and meter_type.valid_until < today
    context = {**_common(request), "form": form, "page": page, "filter_qs": form.query(), "section": "types"}
    template = "metering/_type_table.html" if request.htmx else "metering/type_list.html"
    return render(request, template, context)


@login_required
@require_GET
def type_export(request: HttpRequest) -> FileResponse:
    _require_reader(request)
    _form, types = _meter_types(request)
    rows = ({"name": item.name, "approval": item.approval_number, "approved_on": item.approved_on,
             "valid_until": item.valid_until, "manufacturer": item.manufacturer_name,
             "domestic": _("yes") if item.is_domestic else _("no"), "medium": item.get_medium_display(),
             "dn": item.nominal_diameter, "q3": item.q3, "r": item.r_ratio, "class": item.accuracy_class,
             "interval": item.verification_interval_years, "interface": item.get_interface_display(),
             "status": item.get_status_display(), "installed": item.installed} for item in types.iterator())
    columns = [("name", _("Type designation"), 28), ("approval", _("Type-approval number"), 18),
               ("approved_on", _("Approved on"), 12), ("valid_until", _("Approval valid until"), 12),
               ("manufacturer", _("Manufacturer"), 30), ("domestic", _("Domestic"), 10),
               ("medium", _("Medium"), 14), ("dn", "DN", 6), ("q3", "Q3", 8), ("r", "R", 6),
               ("class", _("Accuracy class"), 10), ("interval", _("Verification interval, years"), 12),
               ("interface", _("Interface"), 14), ("status", _("Status"), 12), ("installed", _("Installed meters"), 12)]
    return workbook_response([Sheet(_("Meter types"), columns, rows)], name="meter-types")


# --- meters ------------------------------------------------------------------------------------------------------


def _meters(request: HttpRequest) -> tuple[MeterFilterForm, QuerySet]:
    user = request.user
    buildings = selectors.building_list(user=user)
    settlement_ids = buildings.values("settlement_id")
    settlements = Settlement.objects.filter(pk__in=settlement_ids).order_by("name_ru")
    settlement = request.GET.get("settlement", "")
    building_choices = buildings.filter(settlement_id=settlement) if settlement.isdigit() else buildings
    form = MeterFilterForm(request.GET, settlements=settlements,
                           buildings=building_choices.values_list("pk", "address")[:BUILDING_CHOICES])
    values = form.values()
    filters = selectors.MeterFilters(
        building=values.get("building"), settlement=values.get("settlement"), role=values.get("role"),
        medium=values.get("medium"),
        overdue=True if values.get("overdue") else None,
        type_not_approved=True if values.get("withdrawn") else None, search=values.get("q"),
    )
    meters = selectors.meter_list(user=user, filters=filters)
    if values.get("meter_type"):
        meters = meters.filter(meter_type_id=values["meter_type"])
    return form, meters


@login_required
@require_GET
def meter_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form, meters = _meters(request)
    context = {**_common(request), "form": form, "page": paginate(request, meters), "filter_qs": form.query(),
               "today": timezone.localdate(), "section": "meters"}
    template = "metering/_meter_table.html" if request.htmx else "metering/meter_list.html"
    return render(request, template, context)


@login_required
@require_GET
def meter_export(request: HttpRequest) -> FileResponse:
    _require_reader(request)
    _form, meters = _meters(request)

    roles, media = dict(MeterRole.choices), dict(Medium.choices)
    yes = _("yes")
    settlements = {item.pk: item.name for item in
                   Settlement.objects.filter(pk__in=meters.values("building__settlement_id"))}
    utilities = {item.pk: item.name for item in
                 Organization.objects.filter(pk__in=meters.values("building__utility_id"))}
    fields = ("serial", "role", "flat_number", "account", "building__address", "building__settlement_id",
              "building__utility_id", "meter_type__name", "meter_type__approval_number", "meter_type__medium",
              "installed_on", "seal_number", "last_verified_on", "next_verification_on", "verification_overdue",
              "type_not_approved", "last_reading_at", "last_value")

    def rows():
        # plain values, not model instances: a register of thousands of meters is written in a second or two
        for row in meters.values_list(*fields).iterator(chunk_size=2000):
            values = dict(zip(fields, row, strict=True))
            yield {
                "serial": values["serial"], "role": roles.get(values["role"], values["role"]),
                "flat": values["flat_number"], "account": values["account"], "address": values["building__address"],
                "settlement": settlements.get(values["building__settlement_id"], ""),
                "utility": utilities.get(values["building__utility_id"], ""), "type": values["meter_type__name"],
                "approval": values["meter_type__approval_number"],
                "medium": media.get(values["meter_type__medium"], values["meter_type__medium"]),
                "installed_on": values["installed_on"], "seal": values["seal_number"],
                "last_verified_on": values["last_verified_on"], "next_verification_on": values["next_verification_on"],
                "overdue": yes if values["verification_overdue"] else "",
                "not_approved": yes if values["type_not_approved"] else "",
                "last_reading_at": values["last_reading_at"], "last_value": values["last_value"],
            }

    columns = [("serial", _("Serial number"), 16), ("role", _("Role"), 22), ("flat", _("Flat"), 6),
               ("account", _("Account number"), 14), ("address", _("Address"), 34),
               ("settlement", _("Settlement"), 18), ("utility", _("Utility"), 30), ("type", _("Type"), 22),
               ("approval", _("Type-approval number"), 16), ("medium", _("Medium"), 14),
               ("installed_on", _("Installed on"), 12), ("seal", _("Seal number"), 12),
               ("last_verified_on", _("Last verification"), 12), ("next_verification_on", _("Next verification"), 12),
               ("overdue", _("Verification overdue"), 10), ("not_approved", _("Type not approved"), 10),
               ("last_reading_at", _("Last reading"), 16), ("last_value", _("Last value"), 12)]
    return workbook_response([Sheet(_("Meters"), columns, rows())], name="meters")


def _reading_rows(readings: list, problems: list, *, newest_first: bool = True) -> list[dict[str, Any]]:
    """Accepted readings and rows not accepted, each with its status and reasons in words.

    In time order (newest first by default); at the same moment the stored reading comes before the rows
    that clash with it.
    """
    rows = []
    for reading in readings:
        if reading.kind == ReadingKind.ESTIMATED:
            status, label = "estimated", _("Estimated")
        elif reading.flags:
            status, label = "flagged", _("Flagged")
        else:
            status, label = "valid", _("Valid")
        rows.append({"taken_at": reading.taken_at, "value": reading.value, "consumption": reading.consumption,
                     "status": status, "status_label": label, "batch_id": reading.batch_id,
                     "reasons": [FLAG_LABELS.get(flag, flag) for flag in reading.flags]})
    for problem in problems:
        codes = problem.reasons.split()
        conflict = RejectReason.CONFLICT in codes
        rows.append({"taken_at": problem.taken_at, "value": problem.value, "consumption": None,
                     "status": "conflict" if conflict else "rejected",
                     "status_label": _("Conflict") if conflict else _("Rejected"), "batch_id": problem.batch_id,
                     "reasons": [REASON_LABELS.get(code, code) for code in codes],
                     "details": [line for line in problem.messages.splitlines() if line.strip()]})
    direction = -1 if newest_first else 1

    def order(row: dict[str, Any]) -> tuple[float, int]:
        moment = row["taken_at"].timestamp() if row["taken_at"] else 0.0
        return direction * moment, 0 if row["status"] in ("valid", "estimated", "flagged") else 1

    rows.sort(key=order)
    return rows


def _chart_points(readings: list, problems: list) -> list[dict[str, Any]]:
    points = []
    for reading in readings:
        kind = "estimated" if reading.kind == ReadingKind.ESTIMATED else ("flagged" if reading.flags else "valid")
        label = ", ".join(str(FLAG_LABELS.get(flag, flag)) for flag in reading.flags) or (
            _("estimated") if kind == "estimated" else "")
        points.append({"taken_at": reading.taken_at, "value": reading.value, "kind": kind, "label": label})
    for problem in problems:
        points.append({"taken_at": problem.taken_at, "value": problem.value, "kind": "conflict", "off_line": True,
                       "label": ", ".join(str(REASON_LABELS.get(code, code)) for code in problem.reasons.split())})
    return points


def _replaced_meter(meter: Meter) -> Meter | None:
    """The meter this one replaced, if any."""
    try:
        return meter.replaces
    except ObjectDoesNotExist:
        return None


@login_required
@require_GET
def meter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    user = request.user
    today = timezone.localdate()
    meter = selectors.meter_get(user=user, pk=pk, on=today)
    readings = selectors.meter_readings(user=user, meter=meter)
    problems = list(selectors.meter_problems(user=user, meter=meter)[:READINGS_SHOWN])
    points = _chart_points(readings, problems)
    chart = charts.readings_chart(points)
    monthly: dict[dt.date, dict[str, Decimal]] = defaultdict(lambda: {"consumption": Decimal(0),
                                                                        "estimated": Decimal(0)})
    for reading in readings:
        if reading.consumption is None:
            continue
        month = timezone.localtime(reading.taken_at).date().replace(day=1)
        monthly[month]["consumption"] += reading.consumption
        if reading.kind == ReadingKind.ESTIMATED:
            monthly[month]["estimated"] += reading.consumption
    rows = _reading_rows(readings, problems)
    context = {
        **_common(request),
        "meter": meter,
        "replaces": _replaced_meter(meter),
        "overdue_days": (today - meter.next_verification_on).days,
        "chart": chart,
        "unit": UNIT_OF_MEDIUM.get(meter.meter_type.medium, ""),
        "monthly": [{"month": month, **values} for month, values in sorted(monthly.items())],
        "reading_rows": rows[:READINGS_SHOWN],
        "readings_truncated": len(rows) > READINGS_SHOWN,
        "history": history_entries(meter, limit=20),
    }
    return render(request, "metering/meter_detail.html", context)


@login_required
@require_GET
def meter_readings_export(request: HttpRequest, pk: int) -> FileResponse:
    _require_reader(request)
    meter = selectors.meter_get(user=request.user, pk=pk)
    readings = selectors.meter_readings(user=request.user, meter=meter)
    problems = list(selectors.meter_problems(user=request.user, meter=meter))
    rows = ({**row, "reasons": "; ".join(str(text) for text in [*row["reasons"], *row.get("details", [])])}
            for row in _reading_rows(readings, problems, newest_first=False))
    columns = [("taken_at", _("Taken at"), 18), ("value", _("Value"), 14), ("consumption", _("Consumption"), 14),
               ("status_label", _("Status"), 14), ("reasons", _("Reasons"), 60), ("batch_id", _("Batch"), 8)]
    return workbook_response([Sheet(meter.serial, columns, rows)], name=f"meter-{meter.serial}")


# --- buildings and their balance -------------------------------------------------------------------------------


@login_required
@require_GET
def building_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    buildings = selectors.building_list(user=request.user)
    settlements = Settlement.objects.filter(pk__in=buildings.values("settlement_id")).order_by("name_ru")
    form = BuildingFilterForm(request.GET, settlements=settlements)
    values = form.values()
    if values.get("settlement"):
        buildings = buildings.filter(settlement_id=values["settlement"])
    if values.get("q"):
        buildings = buildings.filter(address__icontains=values["q"])
    context = {**_common(request), "form": form, "page": paginate(request, buildings), "section": "buildings"}
    template = "metering/_building_table.html" if request.htmx else "metering/building_list.html"
    return render(request, template, context)


def _natural(text: str) -> tuple[Any, ...]:
    """A sort key that puts flat 2 before flat 10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text or "") if part)


def _building_media(user: Any, building: Building) -> list[tuple[str, str]]:
    """The media the building's meters measure, in the order of the choices."""
    meters = selectors.meter_list(user=user, filters=selectors.MeterFilters(building=building.pk, active=None))
    present = set(meters.values_list("meter_type__medium", flat=True).distinct())
    return [(value, label) for value, label in Medium.choices if value in present]


@login_required
@require_GET
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    user = request.user
    building = selectors.building_get(user=user, pk=pk)
    media = _building_media(user, building)
    form = ConsumptionFilterForm(request.GET)
    first, last = _period(form)
    chosen = form.values().get("medium")
    medium = chosen if chosen in dict(media) else (media[0][0] if media else Medium.COLD_WATER)
    balance = selectors.building_balance(user=user, building=building, medium=medium, first_month=first,
                                         months=DASHBOARD_MONTHS)
    months_with_data = [month for month in balance if month.input or month.flats or month.common]
    requested = request.GET.get("month", "")
    selected = next((month for month in balance if month.month.strftime("%Y-%m") == requested), None)
    if selected is None:
        selected = months_with_data[-1] if months_with_data else (balance[-1] if balance else None)
    if selected is not None:
        selected.flat_rows.sort(key=lambda row: _natural(row.flat_number) + _natural(row.serial))
    totals = {name: sum((getattr(month, name) for month in balance), Decimal(0))
              for name in ("input", "common", "flats", "imbalance", "shared")}
    totals["loss_percent"] = charts.percent(totals["imbalance"], totals["input"])
    rows = [{"month": month.month, "input": month.input, "flats": month.flats} for month in balance]
    context = {
        **_common(request),
        "building": building,
        "media": media,
        "medium": medium,
        "unit": UNIT_OF_MEDIUM.get(medium, ""),
        "balance": balance,
        "totals": totals,
        "selected": selected,
        "selected_flat_sum": sum((row.consumption for row in selected.flat_rows), Decimal(0)) if selected else 0,
        "selected_total": sum((row.total for row in selected.flat_rows), Decimal(0)) if selected else 0,
        "chart": charts.month_columns(rows, keys=("input", "flats")),
        "first": first, "last": last,
        "until": last.strftime("%Y-%m"),
        "meters": selectors.meter_list(user=user, filters=selectors.MeterFilters(building=building.pk, active=None))
        .filter(role__in=[MeterRole.INPUT, MeterRole.COMMON]),
        "history": history_entries(building, limit=10),
    }
    return render(request, "metering/building_detail.html", context)


@login_required
@require_GET
def building_balance_export(request: HttpRequest, pk: int) -> FileResponse:
    _require_reader(request)
    user = request.user
    building = selectors.building_get(user=user, pk=pk)
    form = ConsumptionFilterForm(request.GET)
    first, _last = _period(form)
    medium = _medium(form)
    balance = selectors.building_balance(user=user, building=building, medium=medium, first_month=first,
                                         months=DASHBOARD_MONTHS)
    unit = UNIT_OF_MEDIUM.get(medium, "")
    months = ({"month": month.month.strftime("%Y-%m"), "input": month.input, "common": month.common,
               "flats": month.flats, "imbalance": month.imbalance, "loss_percent": month.loss_percent,
               "count": len(month.flat_rows), "share": month.share_per_flat, "shared": month.shared}
              for month in balance)
    flats = ({"month": month.month.strftime("%Y-%m"), "flat": row.flat_number, "serial": row.serial,
              "account": row.account, "consumption": row.consumption, "share": row.share, "total": row.total}
             for month in balance for row in sorted(month.flat_rows, key=lambda row: _natural(row.flat_number)))
    month_columns = [("month", _("Month"), 10), ("input", f"{_('Input')}, {unit}", 14),
                     ("common", f"{_('Common areas')}, {unit}", 14), ("flats", f"{_('Sum of the flats')}, {unit}", 14),
                     ("imbalance", f"{_('Imbalance')}, {unit}", 14), ("loss_percent", _("Losses, %"), 10),
                     ("count", _("Flat meters"), 10), ("share", f"{_('Per flat')}, {unit}", 12),
                     ("shared", f"{_('Shared')}, {unit}", 12)]
    flat_columns = [("month", _("Month"), 10), ("flat", _("Flat"), 8), ("serial", _("Meter"), 16),
                    ("account", _("Account number"), 14), ("consumption", f"{_('By the meter')}, {unit}", 14),
                    ("share", f"{_('Share of the imbalance')}, {unit}", 14), ("total", f"{_('To be billed')}, {unit}", 14)]
    return workbook_response([Sheet(_("Balance"), month_columns, months), Sheet(_("Flats"), flat_columns, flats)],
                             name=f"balance-{building.pk}-{medium}")


# --- dashboards ----------------------------------------------------------------------------------------------


def _localized_names(level: str, keys: set[int]) -> dict[int, str]:
    """Area names in the active language (the SQL aggregates carry the Russian ones)."""
    if level == "region":
        return {region.pk: region.name for region in Region.objects.filter(pk__in=keys)}
    if level == "settlement":
        return {settlement.pk: settlement.name for settlement in Settlement.objects.filter(pk__in=keys)}
    return {}


def _area_table(rows: list, level: str) -> list[dict[str, Any]]:
    """One row per area over the period: input, flats, common areas, losses and their share, buildings."""
    areas: dict[int, dict[str, Any]] = {}
    names = _localized_names(level, {row.key for row in rows})
    for row in rows:
        area = areas.setdefault(row.key, {"key": row.key, "name": names.get(row.key, row.name), "input": Decimal(0),
                                          "flats": Decimal(0), "common": Decimal(0), "losses": Decimal(0),
                                          "buildings": 0})
        for name in ("input", "flats", "common", "losses"):
            area[name] += getattr(row, name)
        area["buildings"] = max(area["buildings"], row.buildings)
    table = sorted(areas.values(), key=lambda area: str(area["name"]))
    for area in table:
        area["loss_percent"] = charts.percent(area["losses"], area["input"])
        area["consumption"] = area["flats"] + area["common"]
    return charts.with_bars(table, "consumption")


def _area_months(rows: list, level: str, first: dt.date) -> list[dict[str, Any]]:
    """Per area, its building-input consumption in each month of the period (a row of twelve values)."""
    months = [_add_months(first, index) for index in range(DASHBOARD_MONTHS)]
    names = _localized_names(level, {row.key for row in rows})
    areas: dict[int, dict[str, Any]] = {}
    for row in rows:
        area = areas.setdefault(row.key, {"key": row.key, "name": names.get(row.key, row.name),
                                          "values": dict.fromkeys(months)})
        if row.month in area["values"]:
            area["values"][row.month] = (area["values"][row.month] or Decimal(0)) + row.input
    return [{**area, "values": [area["values"][month] for month in months]}
            for area in sorted(areas.values(), key=lambda area: str(area["name"]))]


def _by_month(rows: list, first: dt.date) -> list[dict[str, Any]]:
    months = {_add_months(first, index): {"month": _add_months(first, index), "input": Decimal(0),
                                          "flats": Decimal(0), "common": Decimal(0), "losses": Decimal(0)}
              for index in range(DASHBOARD_MONTHS)}
    for row in rows:
        bucket = months.get(row.month)
        if bucket is not None:
            for name in ("input", "flats", "common", "losses"):
                bucket[name] += getattr(row, name)
    result = list(months.values())
    for month in result:
        month["loss_percent"] = charts.percent(month["losses"], month["input"])
    return result


def _dashboard_scope(request: HttpRequest, form_class: type[PeriodFilterForm] = ConsumptionFilterForm,
                     ) -> tuple[Any, str, Region | None]:
    form = form_class(request.GET)
    region_id = form.values().get("region")
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    return form, ("settlement" if region else "region"), region


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    user = request.user
    form, level, region = _dashboard_scope(request)
    first, last = _period(form)
    medium = _medium(form)
    rows = selectors.consumption_by_area(user=user, level=level, medium=medium, first_month=first,
                                         months=DASHBOARD_MONTHS, region=region.pk if region else None)
    by_month = _by_month(rows, first)
    table = _area_table(rows, level)
    totals = {name: sum((month[name] for month in by_month), Decimal(0))
              for name in ("input", "flats", "common", "losses")}
    totals["loss_percent"] = charts.percent(totals["losses"], totals["input"])
    compliance_rows = selectors.compliance(user=user, level="region", first_month=last, months=1,
                                           region=region.pk if region else None)
    meters_counted = sum(row.meters for row in compliance_rows)
    compliant = sum(row.compliant for row in compliance_rows)
    context = {
        **_common(request),
        "form": form, "level": level, "region": region, "medium": medium, "medium_label": Medium(medium).label,
        "unit": UNIT_OF_MEDIUM.get(medium, ""), "first": first, "last": last,
        "flags": selectors.meter_flag_summary(user=user),
        "table": table, "by_month": by_month, "totals": totals, "area_months": _area_months(rows, level, first),
        "chart": charts.month_columns(by_month, keys=("input", "flats")),
        "compliance_percent": charts.percent(compliant, meters_counted),
        "compliance_meters": meters_counted,
        "batches_with_rejects": selectors.batch_list(user=user).filter(Q(rejected__gt=0) | Q(conflicts__gt=0)).count(),
        "filter_qs": form.query(),
        "section": "consumption",
    }
    return render(request, "metering/dashboard.html", context)


@login_required
@require_GET
def consumption_export(request: HttpRequest) -> FileResponse:
    _require_reader(request)
    form, level, region = _dashboard_scope(request)
    first, _last = _period(form)
    medium = _medium(form)
    rows = selectors.consumption_by_area(user=request.user, level=level, medium=medium, first_month=first,
                                         months=DASHBOARD_MONTHS, region=region.pk if region else None)
    names = _localized_names(level, {row.key for row in rows})
    detail = ({"area": names.get(row.key, row.name), "month": row.month.strftime("%Y-%m"), "input": row.input,
               "flats": row.flats, "common": row.common, "losses": row.losses, "loss_percent": row.loss_percent,
               "buildings": row.buildings} for row in rows)
    area_label = _("Settlement") if level == "settlement" else _("Region")
    unit = UNIT_OF_MEDIUM.get(medium, "")
    columns = [("area", area_label, 28), ("month", _("Month"), 10),
               ("input", f"{_('Building inputs')}, {unit}", 16), ("flats", f"{_('Flats')}, {unit}", 16),
               ("common", f"{_('Common areas')}, {unit}", 16), ("losses", f"{_('Losses')}, {unit}", 14),
               ("loss_percent", _("Losses, %"), 10), ("buildings", _("Buildings"), 10)]
    summary_columns = [("name", area_label, 28), ("input", f"{_('Building inputs')}, {unit}", 16),
                       ("flats", f"{_('Flats')}, {unit}", 16), ("common", f"{_('Common areas')}, {unit}", 16),
                       ("losses", f"{_('Losses')}, {unit}", 14), ("loss_percent", _("Losses, %"), 10),
                       ("buildings", _("Buildings"), 10)]
    sheets = [Sheet(_("Over the period"), summary_columns, _area_table(rows, level)),
              Sheet(_("By month"), columns, detail)]
    return workbook_response(sheets, name=f"consumption-{medium}")


def _compliance_table(rows: list, level: str) -> list[dict[str, Any]]:
    names = _localized_names(level, {row.key for row in rows})
    table = [{"key": row.key, "name": names.get(row.key, row.name), "meters": row.meters,
              "compliant": row.compliant, "missing": row.meters - row.compliant, "percent": row.percent}
             for row in rows]
    table.sort(key=lambda row: (row["percent"] if row["percent"] is not None else Decimal(101), str(row["name"])))
    for row in table:
        row["bar"] = float(row["percent"] or 0)
    return table


@login_required
@require_GET
def compliance(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    user = request.user
    form, _level, region = _dashboard_scope(request, PeriodFilterForm)
    first, last = _period(form)
    region_id = region.pk if region else None
    by_region = _compliance_table(selectors.compliance(user=user, level="region", first_month=last, months=1,
                                                       region=region_id), "region")
    by_utility = _compliance_table(selectors.compliance(user=user, level="utility", first_month=last, months=1,
                                                        region=region_id), "utility")
    trend_rows = selectors.compliance(user=user, level="region", first_month=first, months=DASHBOARD_MONTHS,
                                      region=region_id)
    trend: dict[dt.date, dict[str, Any]] = {}
    for row in trend_rows:
        month = trend.setdefault(row.month, {"month": row.month, "meters": 0, "compliant": 0})
        month["meters"] += row.meters
        month["compliant"] += row.compliant
    for month in trend.values():
        month["percent"] = charts.percent(month["compliant"], month["meters"])
    trend_list = [trend[month] for month in sorted(trend)]
    utility = request.GET.get("utility", "")
    buildings: list[dict[str, Any]] = []
    if utility.isdigit():
        buildings = _compliance_table(selectors.compliance(user=user, level="building", first_month=last, months=1,
                                                           region=region_id, utility=int(utility)), "building")
    context = {
        **_common(request), "form": form, "region": region, "first": first, "last": last,
        "until": last.strftime("%Y-%m"), "by_region": by_region, "by_utility": by_utility,
        "trend": trend_list, "chart": charts.month_columns(
            [{"month": row["month"], "percent": row["percent"] or 0} for row in trend_list], keys=("percent",)),
        "utility": int(utility) if utility.isdigit() else None, "buildings": buildings,
        "utility_name": next((row["name"] for row in by_utility if str(row["key"]) == utility), ""),
        "rule": selectors.READINGS_PER_MONTH, "section": "compliance",
    }
    return render(request, "metering/compliance.html", context)


@login_required
@require_GET
def compliance_meters(request: HttpRequest, pk: int) -> HttpResponse:
    """The meters of one building that did not transmit twice in the month."""
    _require_reader(request)
    user = request.user
    building = selectors.building_get(user=user, pk=pk)
    _first, last = _period(PeriodFilterForm(request.GET))
    rows = selectors.compliance(user=user, level="meter", first_month=last, months=1,
                                utility=building.utility_id)
    ids = {row.key for row in rows if row.compliant < row.meters}
    meters = selectors.meter_list(user=user, filters=selectors.MeterFilters(building=building.pk, active=None)) \
        .filter(pk__in=ids)
    context = {**_common(request), "building": building, "last": last, "meters": meters,
               "rule": selectors.READINGS_PER_MONTH}
    return render(request, "metering/compliance_meters.html", context)


# --- upload and batches ---------------------------------------------------------------------------------------


SAMPLE_CSV = "meter;taken_at;value\nSERIAL-0001;2026-03-01 09:00;123,456\nSERIAL-0001;2026-03-16 09:00;125,012\n"


@login_required
@require_GET
def upload_template(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    response = HttpResponse(SAMPLE_CSV.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meks-readings-sample.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    if not selectors.may_submit_readings(request.user):
        raise Http404
    form = ReadingsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.readings_upload(actor=request.user, file=form.cleaned_data["file"],
                                               mode=form.cleaned_data["mode"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            if outcome.repeated:
                messages.info(request, _("This file was received before: nothing was changed. Its report is shown."))
            else:
                messages.success(request, _("The file was processed."))
            return redirect("metering:batch_detail", pk=outcome.batch.pk)
    return render(request, "metering/upload.html", {**_common(request), "form": form})


@login_required
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form = BatchFilterForm(request.GET)
    batches = selectors.batch_list(user=request.user)
    values = form.values()
    if values.get("source"):
        batches = batches.filter(source=values["source"])
    if values.get("status"):
        batches = batches.filter(status=values["status"])
    if values.get("problems"):
        batches = batches.filter(Q(rejected__gt=0) | Q(conflicts__gt=0))
    context = {**_common(request), "form": form, "page": paginate(request, batches), "section": "batches"}
    template = "metering/_batch_table.html" if request.htmx else "metering/batch_list.html"
    return render(request, template, context)


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    batch = selectors.batch_get(user=request.user, pk=pk)
    reason = request.GET.get("reason", "")
    reason = reason if reason in REASON_LABELS else ""
    counts = selectors.batch_reason_counts(batch=batch)
    page = paginate(request, selectors.batch_rejected(batch=batch, reason=reason or None))
    visible = set(selectors.meter_list(user=request.user, filters=selectors.MeterFilters(active=None))
                  .filter(pk__in=[row.meter_id for row in page if row.meter_id]).values_list("pk", flat=True))
    for row in page:
        row.meter_visible = row.meter_id in visible
        row.reason_labels = [REASON_LABELS.get(code, code) for code in row.reasons.split()]
    flagged = list(selectors.batch_flagged(batch=batch, limit=FLAGGED_SHOWN + 1))
    for reading in flagged:
        reading.flag_labels = [FLAG_LABELS.get(flag, flag) for flag in reading.flag_list]
    context = {
        **_common(request), "batch": batch, "page": page, "rejected_count": sum(counts.values()),
        "by_reason": [{"code": code, "label": REASON_LABELS.get(code, code), "count": count}
                      for code, count in sorted(counts.items(), key=lambda item: -item[1])],
        "reason_label": REASON_LABELS.get(reason, ""),
        "flagged": flagged[:FLAGGED_SHOWN], "flagged_more": len(flagged) > FLAGGED_SHOWN,
        "history": history_entries(batch, limit=10),
    }
    return render(request, "metering/batch_detail.html", context)


@login_required
@require_GET
def batch_rejected_export(request: HttpRequest, pk: int) -> FileResponse:
    _require_reader(request)
    batch = selectors.batch_get(user=request.user, pk=pk)
    rows = ({"position": row.position, "raw": row.raw, "taken_at": row.taken_at, "value": row.value,
             "reasons": row.reasons, "messages": row.messages.replace("\n", "; ")}
            for row in selectors.batch_rejected(batch=batch).iterator(chunk_size=2000))
    columns = [("position", _("Row"), 8), ("raw", _("Row as received"), 50), ("taken_at", _("Taken at"), 18),
               ("value", _("Value"), 12), ("reasons", _("Reason codes"), 20), ("messages", _("Reasons"), 60)]
    return workbook_response([Sheet(_("Rejected rows"), columns, rows)], name=f"batch-{batch.pk}-rejected")

