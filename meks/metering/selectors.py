"""Reads of water and heat metering, scoped to the user; consumption, balances and compliance computed in SQL.

Who sees what: the project office, the ministry and the technical operator see everything; an akimat the
buildings (and their meters, readings and batches) of its regions; a utility those it serves and the batches
it submitted. The register of meter types is open to every signed-in user with a role. Anyone else sees
nothing; missing and not allowed both answer 404.

Consumption of a reading is its value minus the meter's previous reading (SQL ``LAG`` over the meter's
readings, a rollover adding the register's range); it is counted in the month (platform time zone) of the
reading that closes the interval. Gaps are already filled with estimated readings at month starts by the
ingester, so each month gets its share of a long interval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from meks.core.access import Role, get_visible_or_404, scope_of

from . import rules
from .choices import MeterRole, ReadingKind, TypeStatus
from .models import Building, Meter, MeterType, Reading, ReadingBatch, RejectedReading

LOCAL = ZoneInfo(settings.TIME_ZONE)
NATIONAL = (Role.PROJECT_OFFICE, Role.MINISTRY, Role.TECHNICAL_OPERATOR)
THOUSANDTH = Decimal("0.001")
#: A month's readings look back this far for the previous reading (gaps longer are filled with estimates).
LOOKBACK = dt.timedelta(days=45)
#: Readings a meter must transmit per month (amendments in force 27 March 2026).
READINGS_PER_MONTH = 2


# --- scope ------------------------------------------------------------------------------------------------


def is_metering_reader(user: Any) -> bool:
    """True for a user whose roles show buildings and meters at all."""
    return scope_of(user).has_role(*NATIONAL, Role.AKIMAT, Role.UTILITY)


def may_submit_readings(user: Any) -> bool:
    """True for a user who may upload or post readings (a utility, the project office, the technical operator)."""
    scope = scope_of(user)
    return scope.has_role(Role.PROJECT_OFFICE, Role.TECHNICAL_OPERATOR) or (
        scope.has_role(Role.UTILITY) and bool(scope.organization_id))


def building_visibility(user: Any, prefix: str = "") -> Q:
    """The filter of the buildings ``user`` may see (fields reached through ``prefix``)."""
    scope = scope_of(user)
    if scope.is_empty:
        return Q(pk__in=[])
    if scope.has_role(*NATIONAL):
        return Q()
    visible = Q(pk__in=[])
    if scope.has_role(Role.AKIMAT):
        visible |= scope.region_filter(f"{prefix}settlement__region_id", Role.AKIMAT)
    if scope.has_role(Role.UTILITY) and scope.organization_id:
        visible |= Q(**{f"{prefix}utility_id": scope.organization_id})
    return visible


def batch_visibility(user: Any) -> Q:
    """The filter of the batches ``user`` may see: national roles all, a utility its own, an akimat its regions'."""
    scope = scope_of(user)
    if scope.is_empty:
        return Q(pk__in=[])
    if scope.has_role(*NATIONAL):
        return Q()
    visible = Q(pk__in=[])
    if scope.has_role(Role.UTILITY) and scope.organization_id:
        visible |= Q(organization_id=scope.organization_id)
    if scope.has_role(Role.AKIMAT):
        regions = scope.regions_for(Role.AKIMAT) or frozenset()
        visible |= Q(organization__region_id__in=sorted(regions))
    return visible


# --- register, buildings, meters ----------------------------------------------------------------------------


def meter_type_list(*, user: Any, medium: str | None = None, status: str | None = None,
                    interface: str | None = None, domestic: bool | None = None,
                    search: str | None = None) -> QuerySet[MeterType]:
    """The register of meter types (any signed-in user with a role), with the count of installed meters."""
    if scope_of(user).is_empty:
        return MeterType.objects.none()
    types = MeterType.objects.select_related("manufacturer").annotate(
        installed=Count("meters", filter=Q(meters__removed_on__isnull=True)))
    if medium:
        types = types.filter(medium=medium)
    if status:
        types = types.filter(status=status)
    if interface:
        types = types.filter(interface=interface)
    if domestic is not None:
        types = types.filter(is_domestic=domestic)
    if search:
        types = types.filter(Q(name__icontains=search) | Q(manufacturer_name__icontains=search)
                             | Q(approval_number__icontains=search))
    return types.order_by("manufacturer_name", "name")


def meter_type_get(*, user: Any, pk: int) -> MeterType:
    return get_visible_or_404(meter_type_list(user=user), pk=pk)


def building_list(*, user: Any, region: int | None = None, settlement: int | None = None,
                  utility: int | None = None, search: str | None = None) -> QuerySet[Building]:
    """Buildings the user may see, with their settlement, region and utility, and counts of active meters."""
    buildings = Building.objects.filter(building_visibility(user)).select_related(
        "settlement", "settlement__region", "utility")
    if region:
        buildings = buildings.filter(settlement__region_id=region)
    if settlement:
        buildings = buildings.filter(settlement_id=settlement)
    if utility:
        buildings = buildings.filter(utility_id=utility)
    if search:
        buildings = buildings.filter(address__icontains=search)
    active = Q(meters__removed_on__isnull=True)
    return buildings.annotate(
        meter_count=Count("meters", filter=active),
        flat_meter_count=Count("meters", filter=active & Q(meters__role=MeterRole.FLAT)),
    ).order_by("settlement__region__kato", "settlement__name_ru", "address")


def building_get(*, user: Any, pk: int) -> Building:
    return get_visible_or_404(building_list(user=user), pk=pk)


@dataclass(frozen=True)
class MeterFilters:
    """Filters of the meter register."""

    building: int | None = None
    settlement: int | None = None
    region: int | None = None
    utility: int | None = None
    role: str | None = None
    medium: str | None = None
    overdue: bool | None = None
    type_not_approved: bool | None = None
    active: bool | None = True
    search: str | None = None


def meter_list(*, user: Any, filters: MeterFilters | None = None, on: dt.date | None = None) -> QuerySet[Meter]:
    """Meters the user may see, each with its flags on ``on`` (today by default) and its latest reading.

    Annotations: ``verification_overdue`` (the next verification is before ``on``), ``type_not_approved``
    (the type is withdrawn or its approval expired by ``on``), ``last_reading_at`` and ``last_value``.
    """
    filters = filters or MeterFilters()
    on = on or timezone.localdate()
    latest = Reading.objects.filter(meter_id=OuterRef("pk")).order_by("-taken_at")
    meters = (
        Meter.objects.filter(building_visibility(user, "building__"))
        .select_related("building", "building__settlement", "building__settlement__region", "building__utility",
                        "meter_type")
        .annotate(
            verification_overdue=Q(next_verification_on__lt=on),
            # A type approved with no end date has a NULL ``valid_until``: compared with ``<`` alone the flag
            # would come out NULL (neither true nor false) and the meter would drop out of both filters.
            type_not_approved=Q(meter_type__status=TypeStatus.WITHDRAWN)
            | Q(meter_type__valid_until__isnull=False, meter_type__valid_until__lt=on),
            last_reading_at=Subquery(latest.values("taken_at")[:1]),
            last_value=Subquery(latest.values("value")[:1]),
        )
    )
    if filters.building:
        meters = meters.filter(building_id=filters.building)
    if filters.settlement:
        meters = meters.filter(building__settlement_id=filters.settlement)
    if filters.region:
        meters = meters.filter(building__settlement__region_id=filters.region)
    if filters.utility:
        meters = meters.filter(building__utility_id=filters.utility)
    if filters.role:
        meters = meters.filter(role=filters.role)
    if filters.medium:
        meters = meters.filter(meter_type__medium=filters.medium)
    if filters.overdue is not None:
        meters = meters.filter(verification_overdue=filters.overdue)
    if filters.type_not_approved is not None:
        meters = meters.filter(type_not_approved=filters.type_not_approved)
    if filters.active is not None:
        meters = meters.filter(removed_on__isnull=filters.active)
    if filters.search:
        meters = meters.filter(Q(serial__icontains=filters.search) | Q(account__icontains=filters.search)
                               | Q(building__address__icontains=filters.search))
    return meters.order_by("building__address", "role", "flat_number", "serial")


def meter_get(*, user: Any, pk: int, on: dt.date | None = None) -> Meter:
    return get_visible_or_404(meter_list(user=user, filters=MeterFilters(active=None), on=on), pk=pk)


def meter_flag_summary(*, user: Any, on: dt.date | None = None) -> dict[str, int]:
    """Counts over the active meters the user sees: all, verification overdue, type not approved, stuck now."""
    meters = meter_list(user=user, on=on)
    stuck = Exists(Reading.objects.filter(meter_id=OuterRef("pk"), flags__contains="stuck",
                                          taken_at__gte=timezone.now() - dt.timedelta(days=45)))
    return {
        "total": meters.count(),
        "overdue": meters.filter(verification_overdue=True).count(),
        "type_not_approved": meters.filter(type_not_approved=True).count(),
        "stuck": meters.filter(stuck).count(),
    }


class ReadingRow(NamedTuple):
    """One reading of a meter with the consumption since the previous one."""

    taken_at: dt.datetime
    value: Decimal
    consumption: Decimal | None
    kind: str
    flags: list[str]
    batch_id: int


def meter_readings(*, user: Any, meter: Meter, start: dt.datetime | None = None,
                   end: dt.datetime | None = None) -> list[ReadingRow]:
    """A meter's readings in time order (within [start, end) when given), with consumption from SQL ``LAG``.

    ``meter`` must come from ``meter_get`` (already scoped).
    """
    if not Meter.objects.filter(building_visibility(user, "building__"), pk=meter.pk).exists():
        return []
    where, params = ["r.meter_id = %s"], [meter.pk]
    if end is not None:
        where.append("r.taken_at < %s")
        params.append(_db(end))
    sql = f"""
        SELECT taken_at, value, kind, flags, batch_id, diff FROM (
            SELECT r.taken_at, r.value, r.kind, r.flags, r.batch_id,
                   r.value - LAG(r.value) OVER (ORDER BY r.taken_at) AS diff
            FROM metering_reading r WHERE {" AND ".join(where)}
        ) w {"WHERE taken_at >= %s" if start is not None else ""} ORDER BY taken_at
    """
    if start is not None:
        params.append(_db(start))
    register = meter.register_max
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for taken_at, value, kind, flags, batch_id, diff in cursor.fetchall():
            consumption = None
            if diff is not None:
                consumption = _dec(diff)
                if consumption < 0:  # a rollover (the ingester refuses other decreases); else counted as none
                    previous = _dec(value) - consumption
                    rollover = previous * rules.ROLLOVER_SHARE >= register * (rules.ROLLOVER_SHARE - 1)
                    consumption = consumption + register if rollover else Decimal(0)
            if isinstance(taken_at, str):  # SQLite without converters
                taken_at = dt.datetime.fromisoformat(taken_at).replace(tzinfo=dt.UTC)
            elif taken_at.tzinfo is None:
                taken_at = taken_at.replace(tzinfo=dt.UTC)
            rows.append(ReadingRow(taken_at, _dec(value), consumption, kind, flags.split(), batch_id))
    return rows


def meter_problems(*, user: Any, meter: Meter) -> QuerySet[RejectedReading]:
    """Rows received for the meter that were not accepted (conflicts, decreases, ...), newest first."""
    if not Meter.objects.filter(building_visibility(user, "building__"), pk=meter.pk).exists():
        return RejectedReading.objects.none()
    return RejectedReading.objects.filter(meter=meter).select_related("batch").order_by("-taken_at", "-pk")


# --- batches --------------------------------------------------------------------------------------------------


def batch_list(*, user: Any) -> QuerySet[ReadingBatch]:
    """Batches the user may see, newest first."""
    return ReadingBatch.objects.filter(batch_visibility(user)).select_related("submitted_by", "organization") \
        .order_by("-created_at", "-pk")


def batch_get(*, user: Any, pk: int) -> ReadingBatch:
    return get_visible_or_404(batch_list(user=user), pk=pk)


def batch_rejected(*, batch: ReadingBatch, reason: str | None = None) -> QuerySet[RejectedReading]:
    """The rejected rows and conflicts of a batch (from ``batch_get``), in the order of the input."""
    rows = RejectedReading.objects.filter(batch=batch).select_related("meter").order_by("position", "pk")
    if reason:
        rows = rows.filter(reasons__contains=reason)
    return rows


def batch_flagged(*, batch: ReadingBatch, limit: int | None = None) -> QuerySet[Reading]:
    """The accepted readings of a batch (from ``batch_get``) that carry warning flags, by meter and time."""
    readings = (Reading.objects.filter(batch=batch).exclude(flags="").select_related("meter")
                .order_by("meter__serial", "taken_at"))
    return readings[:limit] if limit else readings


def batch_reason_counts(*, batch: ReadingBatch) -> dict[str, int]:
    """How many rejected rows of the batch carry each reason code."""
    counts: dict[str, int] = {}
    for reasons, number in (RejectedReading.objects.filter(batch=batch).values_list("reasons")
                            .annotate(number=Count("pk")).values_list("reasons", "number")):
        for code in reasons.split():
            counts[code] = counts.get(code, 0) + number
    return counts


# --- consumption in SQL ---------------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal:
    if type(value) is Decimal:
        return value if value.as_tuple().exponent == -3 else value.quantize(THOUSANDTH)
    if value is None:
        return Decimal(0)
    return Decimal(str(round(float(value), 3))).quantize(THOUSANDTH)


def month_bounds(first: dt.date, count: int) -> list[tuple[dt.date, dt.datetime, dt.datetime]]:
    """``count`` months from the month of ``first``: (first day, start, end) with times in UTC."""
    months = []
    year, month = first.year, first.month
    for _ in range(count):
        start = dt.datetime(year, month, 1, tzinfo=LOCAL)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        end = dt.datetime(year, month, 1, tzinfo=LOCAL)
        months.append((start.date(), start.astimezone(dt.UTC), end.astimezone(dt.UTC)))
    return months


def _db(value: Any) -> Any:
    """A datetime or date parameter as the database backend stores it (text on SQLite)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _register_case(alias: str = "m") -> str:
    return "CASE " + " ".join(f"WHEN {alias}.register_digits = {d} THEN {10 ** d}" for d in range(3, 10)) + " END"


def _visible_meters_sql(user: Any, extra: Q | None = None) -> tuple[str, list[Any]]:
    meters = Meter.objects.filter(building_visibility(user, "building__"))
    if extra is not None:
        meters = meters.filter(extra)
    try:
        sql, params = meters.values("id").query.get_compiler(using=meters.db).as_sql()
    except EmptyResultSet:  # a user who may see no meter at all (a bank, a contractor): a query of none
        return f"SELECT id FROM {Meter._meta.db_table} WHERE 1 = 0", []
    return sql, list(params)


def _meter_condition(user: Any, extra: Q | None, column: str) -> tuple[str, list[Any]]:
    """``AND column IN (visible meters)``, or nothing for a user who sees every meter and no narrowing."""
    if extra is None and not building_visibility(user) and not scope_of(user).is_empty:
        return "", []
    sql, params = _visible_meters_sql(user, extra)
    return f" AND {column} IN ({sql})", params


def _monthly_cte(user: Any, months: list, extra: Q | None = None) -> tuple[str, list[Any]]:
    """A ``WITH`` clause defining ``mc(meter_id, month, consumption, measured)``: per meter and month.

    ``month`` is the month's index in ``months`` (0-based). ``measured`` counts the measured readings. On
    PostgreSQL the month comes from ``date_trunc`` in the platform's time zone; elsewhere from a small table of
    the months' UTC bounds (same result).
    """
    condition, condition_params = _meter_condition(user, extra, "r.meter_id")
    start, end = months[0][1], months[-1][2]
    measured = str(ReadingKind.MEASURED)
    postgres = connection.vendor == "postgresql"
    register = "(10::numeric ^ m.register_digits)" if postgres else _register_case()
    # On PostgreSQL the sum is rounded to its three places in SQL (10 ^ digits has a long scale there), so the
    # values arrive as Decimals of the stored precision and need no conversion in Python.
    total_open, total_close = ("ROUND(SUM(", "), 3)") if postgres else ("SUM(", ")")
    consumption = f"""{total_open}CASE WHEN d.diff >= 0 THEN d.diff
                            WHEN d.diff < 0 AND (d.value - d.diff) * {rules.ROLLOVER_SHARE}
                                 >= {register} * {rules.ROLLOVER_SHARE - 1} THEN d.diff + {register}
                            ELSE 0 END{total_close} AS consumption,
                   SUM(CASE WHEN d.kind = '{measured}' THEN 1 ELSE 0 END) AS measured"""
    readings = f"""
        d AS (
            SELECT r.meter_id, r.taken_at, r.kind, r.value,
                   r.value - LAG(r.value) OVER (PARTITION BY r.meter_id ORDER BY r.taken_at) AS diff
            FROM metering_reading r
            WHERE r.taken_at >= %s AND r.taken_at < %s{condition}
        )"""
    readings_params = [_db(start - LOOKBACK), _db(end), *condition_params]
    if postgres:
        first = months[0][0]
        # grouped by the local month (date_trunc, as cheap as it gets); the month's index is computed per group
        zone = "'" + settings.TIME_ZONE.replace("'", "''") + "'"
        local_month = f"date_trunc('month', d.taken_at AT TIME ZONE {zone})"
        month = (f"(date_part('year', {local_month}) * 12 + date_part('month', {local_month}))::int"
                 f" - {first.year * 12 + first.month}")
        sql = f"""
            WITH {readings},
            mc AS (
                SELECT d.meter_id, {month} AS month, {consumption}
                FROM d JOIN metering_meter m ON m.id = d.meter_id
                WHERE d.taken_at >= %s
                GROUP BY d.meter_id, {local_month}
            )
        """
        return sql, [*readings_params, start]
    values = ", ".join(["(%s, %s, %s)"] * len(months))
    month_params: list[Any] = []
    for index, (_first, month_start, month_end) in enumerate(months):
        month_params += [index, _db(month_start), _db(month_end)]
    sql = f"""
        WITH months (idx, start_at, end_at) AS (VALUES {values}),
        {readings},
        mc AS (
            SELECT d.meter_id, mo.idx AS month, {consumption}
            FROM d JOIN months mo ON d.taken_at >= mo.start_at AND d.taken_at < mo.end_at
                   JOIN metering_meter m ON m.id = d.meter_id
            GROUP BY d.meter_id, mo.idx
        )
    """
    return sql, [*month_params, *readings_params]


class MeterMonth(NamedTuple):
    meter_id: int
    month: dt.date
    consumption: Decimal
    measured: int


def monthly_consumption(*, user: Any, first_month: dt.date, months: int = 12,
                        meters: Q | None = None) -> list[MeterMonth]:
    """Consumption per meter and month (months with readings only), for meters the user sees.

    ``meters`` narrows the meters (a ``Q`` on ``Meter``, e.g. ``Q(building_id=5)``).
    """
    bounds = month_bounds(first_month, months)
    cte, params = _monthly_cte(user, bounds, meters)
    firsts = [first for first, _start, _end in bounds]
    if connection.vendor == "postgresql":
        # The rows come in the shape of MeterMonth (month as a date, consumption a Decimal of three places):
        # the driver makes them MeterMonth tuples directly (no intermediate tuple, no Python call per row),
        # and the cyclic garbage collector, which has nothing to find among them, waits until the list is built.
        make_row = partial(tuple.__new__, MeterMonth)
        with connection.cursor() as cursor:
            cursor.cursor.row_factory = lambda _cursor: make_row
            cursor.execute(cte + " SELECT meter_id, (%s::date + month * INTERVAL '1 month')::date, consumption, "
                           "measured FROM mc ORDER BY meter_id, month", [*params, firsts[0]])
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(cte + " SELECT meter_id, month, consumption, measured FROM mc ORDER BY meter_id, month",
                       params)
        rows = cursor.fetchall()
    return [MeterMonth(meter_id, firsts[month], _dec(consumption), measured)
            for meter_id, month, consumption, measured in rows]


@dataclass
class FlatShare:
    """A flat's consumption in a month and its share of the building's imbalance."""

    meter_id: int
    serial: str
    flat_number: str
    account: str
    consumption: Decimal
    share: Decimal
    total: Decimal


@dataclass
class BalanceMonth:
    """A building's balance for one medium in one month."""

    month: dt.date
    input: Decimal
    common: Decimal
    flats: Decimal
    imbalance: Decimal
    shared: Decimal
    share_per_flat: Decimal
    loss_percent: Decimal | None
    flat_rows: list[FlatShare] = field(default_factory=list)


def building_balance(*, user: Any, building: Building, medium: str, first_month: dt.date,
                     months: int = 1) -> list[BalanceMonth]:
    """The input meters against the common-areas and flat meters of one medium, per month, in SQL.

    Imbalance = input − common areas − Σ flats. When positive it is shared among the building's flat meters
    of that medium in equal parts (rounded down to the thousandth; the remainder of the rounding stays
    unshared and is shown as the difference between ``imbalance`` and ``shared``). A negative imbalance (the
    flats together show more than the input: meter error) is not shared. ``building`` must come from
    ``building_get``.
    """
    bounds = month_bounds(first_month, months)
    cte, params = _monthly_cte(user, bounds, Q(building_id=building.pk, meter_type__medium=medium))
    sql = cte + """
        SELECT mc.month, m.role, m.id, m.serial, m.flat_number, m.account, mc.consumption
        FROM mc JOIN metering_meter m ON m.id = mc.meter_id
        ORDER BY mc.month, m.role, m.flat_number, m.serial
    """
    per_month: dict[int, dict[str, Any]] = {
        index: {"input": Decimal(0), "common": Decimal(0), "flats": []} for index in range(len(bounds))}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for month, role, meter_id, serial, flat_number, account, consumption in cursor.fetchall():
            value = _dec(consumption)
            bucket = per_month[month]
            if role == MeterRole.FLAT:
                bucket["flats"].append((meter_id, serial, flat_number, account, value))
            else:
                bucket[role] += value
    flat_meters = list(Meter.objects.filter(building=building, role=MeterRole.FLAT, meter_type__medium=medium)
                       .values_list("id", "serial", "flat_number", "account", "installed_on", "removed_on"))
    result = []
    for index, (first, start, end) in enumerate(bounds):
        bucket = per_month[index]
        seen = {row[0]: row for row in bucket["flats"]}
        present = [m for m in flat_meters if m[4] < end.astimezone(LOCAL).date()
                   and (m[5] is None or m[5] >= start.astimezone(LOCAL).date())]
        rows = [seen.get(m[0], (m[0], m[1], m[2], m[3], Decimal(0))) for m in present]
        flats_sum = sum((row[4] for row in rows), Decimal(0))
        imbalance = bucket["input"] - bucket["common"] - flats_sum
        share = Decimal(0)
        if imbalance > 0 and rows:
            share = (imbalance / len(rows)).quantize(THOUSANDTH, rounding="ROUND_DOWN")
        shared = share * len(rows)
        loss = (imbalance * 100 / bucket["input"]).quantize(Decimal("0.1")) if bucket["input"] else None
        result.append(BalanceMonth(
            month=first, input=bucket["input"], common=bucket["common"], flats=flats_sum, imbalance=imbalance,
            shared=shared, share_per_flat=share, loss_percent=loss,
            flat_rows=[FlatShare(meter_id, serial, flat, account, value, share, value + share)
                       for meter_id, serial, flat, account, value in rows],
        ))
    return result


@dataclass
class AreaMonth:
    """Consumption of an area (region, settlement or utility) in a month, for one medium."""

    key: int
    name: str
    month: dt.date
    input: Decimal
    flats: Decimal
    common: Decimal
    losses: Decimal
    loss_percent: Decimal | None
    buildings: int


AREA_LEVELS = {
    "region": ("s.region_id", "rg.name_ru", "JOIN territory_region rg ON rg.id = s.region_id"),
    "settlement": ("b.settlement_id", "s.name_ru", ""),
    "utility": ("b.utility_id", "o.name_ru", "JOIN accounts_organization o ON o.id = b.utility_id"),
}


def consumption_by_area(*, user: Any, level: str, medium: str, first_month: dt.date, months: int = 12,
                        region: int | None = None) -> list[AreaMonth]:
    """Consumption per region, settlement or utility and month: input, flats, common areas, losses.

    Losses are the input minus the common areas and the flats (negative values, where flats show more than
    the input, are counted as they are). Aggregated entirely in SQL. Names are the Russian ones.
    """
    if level not in AREA_LEVELS:
        raise ValueError(level)
    key, name, join = AREA_LEVELS[level]
    extra = Q(meter_type__medium=medium)
    if region:
        extra &= Q(building__settlement__region_id=region)
    bounds = month_bounds(first_month, months)
    cte, params = _monthly_cte(user, bounds, extra)
    sql = cte + f"""
        SELECT {key} AS area, MIN({name}) AS name, mc.month,
               SUM(CASE WHEN m.role = 'input' THEN mc.consumption ELSE 0 END),
               SUM(CASE WHEN m.role = 'flat' THEN mc.consumption ELSE 0 END),
               SUM(CASE WHEN m.role = 'common' THEN mc.consumption ELSE 0 END),
               COUNT(DISTINCT b.id)
        FROM mc JOIN metering_meter m ON m.id = mc.meter_id
                JOIN metering_building b ON b.id = m.building_id
                JOIN territory_settlement s ON s.id = b.settlement_id
                {join}
        GROUP BY {key}, mc.month ORDER BY 2, 3
    """
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for area, area_name, month, input_, flats, common, buildings in cursor.fetchall():
            input_, flats, common = _dec(input_), _dec(flats), _dec(common)
            losses = input_ - flats - common
            rows.append(AreaMonth(area, area_name, bounds[month][0], input_, flats, common, losses,
                                  (losses * 100 / input_).quantize(Decimal("0.1")) if input_ else None, buildings))
    return rows


@dataclass
class ComplianceRow:
    """Transmission compliance of a group of meters in a month: meters with at least two measured readings."""

    key: int
    name: str
    month: dt.date
    meters: int
    compliant: int

    @property
    def percent(self) -> Decimal | None:
        return (Decimal(self.compliant) * 100 / self.meters).quantize(Decimal("0.1")) if self.meters else None


COMPLIANCE_LEVELS = {
    "meter": ("m.id", "m.serial", ""),
    "building": ("b.id", "b.address", ""),
    "utility": ("b.utility_id", "o.name_ru", "JOIN accounts_organization o ON o.id = b.utility_id"),
    "region": ("s.region_id", "rg.name_ru", "JOIN territory_region rg ON rg.id = s.region_id"),
}


def compliance(*, user: Any, level: str, first_month: dt.date, months: int = 1, region: int | None = None,
               utility: int | None = None) -> list[ComplianceRow]:
    """Compliance with the twice-a-month transmission rule per meter, building, utility or region and month.

    A meter counts in a month when it was installed before the month's end and not removed before its start;
    it complies when it transmitted at least ``READINGS_PER_MONTH`` measured readings (estimates do not count).
    """
    if level not in COMPLIANCE_LEVELS:
        raise ValueError(level)
    key, name, join = COMPLIANCE_LEVELS[level]
    bounds = month_bounds(first_month, months)
    extra = Q()
    if region:
        extra &= Q(building__settlement__region_id=region)
    if utility:
        extra &= Q(building__utility_id=utility)
    meters_sql, meters_params = _visible_meters_sql(user, extra)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(bounds))
    month_params: list[Any] = []
    for index, (first, start, end) in enumerate(bounds):
        last_day = (end.astimezone(LOCAL) - dt.timedelta(days=1)).date()
        month_params += [index, _db(start), _db(end), _db(first), _db(last_day)]
    sql = f"""
        WITH months (idx, start_at, end_at, first_day, last_day) AS (VALUES {values}),
        counts AS (
            SELECT r.meter_id, mo.idx, COUNT(*) AS n
            FROM metering_reading r JOIN months mo ON r.taken_at >= mo.start_at AND r.taken_at < mo.end_at
            WHERE r.kind = %s AND r.meter_id IN ({meters_sql})
            GROUP BY r.meter_id, mo.idx
        )
        SELECT {key}, MIN({name}), mo.idx, COUNT(*),
               SUM(CASE WHEN COALESCE(c.n, 0) >= %s THEN 1 ELSE 0 END)
        FROM metering_meter m
             JOIN months mo ON m.installed_on <= mo.last_day AND (m.removed_on IS NULL OR m.removed_on >= mo.first_day)
             JOIN metering_building b ON b.id = m.building_id
             JOIN territory_settlement s ON s.id = b.settlement_id
             {join}
             LEFT JOIN counts c ON c.meter_id = m.id AND c.idx = mo.idx
        WHERE m.id IN ({meters_sql})
        GROUP BY {key}, mo.idx ORDER BY 2, 3
    """
    params = [*month_params, str(ReadingKind.MEASURED), *meters_params, READINGS_PER_MONTH, *meters_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [ComplianceRow(row_key, row_name, bounds[month][0], int(total), int(ok or 0))
                for row_key, row_name, month, total, ok in cursor.fetchall()]

