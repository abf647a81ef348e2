"""The one ingestion core: rows from any parser are validated in chunks and written in bulk.

Every path (API JSON/NDJSON, CSV/XLSX upload, MQTT) feeds parsed rows into ``Ingester.run``. Rows are taken
``CHUNK_SIZE`` at a time; for each chunk the meters are looked up in one query, the latest readings of the
meters not seen yet in one more, every row is checked against the rules (see ``rules.py`` and
``docs/metering.md``) and the chunk's readings and rejected rows are written in bulk: ``COPY`` into a
staging table and one ``INSERT … ON CONFLICT DO NOTHING`` on PostgreSQL, ``bulk_create`` elsewhere. Memory
is bounded by the chunk and by one small state entry per meter, never by the number of rows.

Values are handled as integers in thousandths of the register unit. Times are stored in UTC; a time
without an offset is read in the platform's time zone.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from itertools import islice
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from . import partitions, rules
from .choices import BatchMode, Medium, MeterRole, ReadingFlag, ReadingKind, RejectReason
from .models import Reading, ReadingBatch, RejectedReading

LOCAL = ZoneInfo(settings.TIME_ZONE)
UTC = dt.UTC
_DATE_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")
#: Messages of the reject reasons, in the submitter's language at the time of ingestion.
REASON_TEXT = {
    RejectReason.UNKNOWN_METER: lambda: _("No meter with this serial number is registered."),
    RejectReason.OTHER_UTILITY: lambda: _("The meter is in a building served by another utility."),
    RejectReason.FUTURE: lambda: _("The reading time is in the future."),
    RejectReason.BEFORE_INSTALLATION: lambda: _("The reading time is before the meter was installed."),
    RejectReason.AFTER_REMOVAL: lambda: _("The reading time is after the meter was removed."),
    RejectReason.DECREASE: lambda: _("The value is lower than the previous reading and is not a register rollover."),
    RejectReason.CONFLICT: lambda: _("Another value was already received for this meter and time; the stored one is kept."),
}

#: Readings this recent are looked at first for a meter's latest ones (older partitions are not scanned).
RECENT = dt.timedelta(days=120)
_MISSING = object()
NEVER = dt.datetime.max.replace(tzinfo=UTC)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
#: Separates the values of a list passed to PostgreSQL as one text (split there by ``string_to_array``).
_SEPARATOR = "\x1f"

# Indexes into a meter's info tuple.
M_ID, M_UTILITY, M_INSTALLED, M_REMOVED, M_MAX, M_BUILDING, M_ROLE, M_NORM = range(8)


def parse_time(text: str) -> dt.datetime | None:
    """An aware UTC datetime from ISO 8601 or ``dd.mm.yyyy hh:mm[:ss]``; naive times are local."""
    text = text.strip()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
        for fmt in _DATE_FORMATS:
            try:
                moment = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 (made aware below)
                break
            except ValueError:
                continue
        if moment is None:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01 local is before the first representable UTC moment
        return None


def parse_value(text: str) -> int | None:
    """The value in thousandths, or ``None`` when it is not a finite non-negative number below 10^11."""
    try:
        number = float(text)
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0 or number >= 1e11:
        return None
    return int(number * 1000 + 0.5)


def milli_text(value: int) -> str:
    return f"{value // 1000}.{value % 1000:03d}"


def milli_of(value: Decimal) -> int:
    return int(value * 1000)


def _norm_milli_per_day(role: str, medium: str, residents: int, flats: int, norm_litres: int) -> int:
    """The norm of the premises per day, in thousandths of the unit (litres of water are thousandths of m³)."""
    if medium == Medium.HEAT:
        return rules.HEAT_NORM_MILLI_PER_FLAT_DAY * (1 if role == MeterRole.FLAT else max(flats, 1))
    persons = residents / max(flats, 1) if role == MeterRole.FLAT else residents
    return max(1, round(max(persons, 1) * norm_litres))


def _pg_any(values: list) -> tuple[str, object]:
    """``= ANY(...)`` and its parameter for a list of ints or texts, passed as one text.

    psycopg dumps a long Python list element by element, which costs more than the query itself.
    """
    if values and isinstance(values[0], int):
        return "= ANY(%s::bigint[])", "{" + ",".join(map(str, values)) + "}"
    joined = _SEPARATOR.join(values)
    if joined.count(_SEPARATOR) == len(values) - 1:
        return f"= ANY(string_to_array(%s, chr({ord(_SEPARATOR)})))", joined
    return "= ANY(%s)", list(values)


def _month_starts_between(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Local month starts strictly after ``start`` and strictly before ``end`` (both UTC), as UTC datetimes."""
    local = start.astimezone(LOCAL)
    year, month = local.year, local.month
    starts = []
    while True:
        month += 1
        if month == 13:
            year, month = year + 1, 1
        moment = dt.datetime(year, month, 1, tzinfo=LOCAL).astimezone(UTC)
        if moment >= end:
            return starts
        starts.append(moment)


class Ingester:
    """Validates and writes the rows of one batch; ``run`` must be called inside a transaction."""

    def __init__(self, batch: ReadingBatch, *, organization_id: int | None, now: dt.datetime | None = None,
                 chunk_size: int = rules.CHUNK_SIZE) -> None:
        self.batch = batch
        self.organization_id = organization_id
        self.now = now or timezone.now()
        self.chunk_size = chunk_size
        self.all_or_nothing = batch.mode == BatchMode.ALL_OR_NOTHING
        self.failed = False
        self.savepoint: str | None = None
        self.meters: dict[str, tuple | None] = {}
        self.state: dict[int, list] = {}
        self.months: set[dt.date] = set()
        self.counts = {"received": 0, "accepted": 0, "estimated": 0, "duplicates": 0, "conflicts": 0,
                       "rejected": 0, "flagged": 0}
        self.postgres = connection.vendor == "postgresql"
        self._stage_ready = False
        self.time_cache: dict[str, dt.datetime | None] = {}

    # --- driving ------------------------------------------------------------------------------------------

    def run(self, rows: Iterable) -> dict[str, int]:
        if self.all_or_nothing:
            self.savepoint = transaction.savepoint()
        rows = iter(rows)
        while chunk := list(islice(rows, self.chunk_size)):
            self._process(chunk)
        if self.failed:
            self.counts["accepted"] = self.counts["estimated"] = self.counts["flagged"] = 0
        elif self.savepoint:
            transaction.savepoint_commit(self.savepoint)
        return self.counts

    # --- one chunk ----------------------------------------------------------------------------------------

    def _select(self, sql: str, values: list, params_before: list | None = None) -> list[tuple]:
        """Run ``sql`` whose ``{values}`` placeholder stands for the list ``values`` (an array on PostgreSQL)."""
        rows: list[tuple] = []
        with connection.cursor() as cursor:
            if self.postgres:
                condition, param = _pg_any(values)
                cursor.execute(sql.format(values=condition), [*(params_before or []), param])
                return cursor.fetchall()
            for start in range(0, len(values), 500):
                part = values[start:start + 500]
                cursor.execute(sql.format(values="IN (" + ", ".join(["%s"] * len(part)) + ")"),
                               [*(params_before or []), *part])
                rows.extend(cursor.fetchall())
        return rows

    def _load_meters(self, serials: set[str]) -> None:
        missing = [serial for serial in serials if serial not in self.meters]
        if not missing:
            return
        for serial in missing:
            self.meters[serial] = None
        rows = self._select(
            "SELECT m.id, m.serial, b.utility_id, m.installed_on, m.removed_on, m.register_digits, m.building_id, "
            "m.role, t.medium, b.residents, b.flats, b.norm_litres_per_person_day "
            "FROM metering_meter m JOIN metering_building b ON b.id = m.building_id "
            "JOIN metering_metertype t ON t.id = m.meter_type_id WHERE m.serial {values}", missing,
        )
        one_day = dt.timedelta(days=1)
        # Meters share few installation dates and building norms: each is computed once per chunk.
        starts: dict = {}
        norms: dict = {}
        meters = self.meters
        for (pk, serial, utility, installed, removed, digits, building, role, medium, residents, flats,
             norm) in rows:
            installed_from = starts.get(installed)
            if installed_from is None:
                day = dt.date.fromisoformat(installed) if isinstance(installed, str) else installed
                installed_from = starts[installed] = dt.datetime.combine(day, dt.time.min, LOCAL).astimezone(UTC)
            if removed:
                if isinstance(removed, str):
                    removed = dt.date.fromisoformat(removed)
                removed_from = dt.datetime.combine(removed + one_day, dt.time.min, LOCAL).astimezone(UTC)
            else:
                removed_from = NEVER
            key = (role, medium, residents, flats, norm)
            norm_milli = norms.get(key)
            if norm_milli is None:
                norm_milli = norms[key] = _norm_milli_per_day(role, medium, residents, flats, norm)
            meters[serial] = (pk, utility, installed_from, removed_from, 10 ** digits * 1000, building, role,
                              norm_milli)

    def _load_state(self, meter_ids: set[int], since: dt.datetime) -> None:
        """Load the latest readings of the meters not seen yet.

        Recent readings are looked at first (older partitions pruned), then, for the meters that had none
        recently, all of them. The database ranks the readings and returns at most ``STUCK_READINGS`` per
        meter, newest first; on PostgreSQL times come as microseconds since the epoch and values in
        thousandths (no datetime or Decimal parsing on the way).
        """
        missing = [pk for pk in meter_ids if pk not in self.state]
        if not missing:
            return
        if self.postgres:
            columns = "meter_id, (EXTRACT(EPOCH FROM taken_at) * 1000000)::bigint, (value * 1000)::bigint"
        else:
            columns = "meter_id, taken_at, value"
        sql = (f"SELECT {columns} FROM (SELECT meter_id, taken_at, value, ROW_NUMBER() OVER "
               "(PARTITION BY meter_id ORDER BY taken_at DESC) AS rank FROM metering_reading "
               "WHERE {bound} meter_id {values}) ranked WHERE rank <= %s ORDER BY meter_id, rank")
        state = self.state
        stuck = rules.STUCK_READINGS
        for bound, params in ((True, [self._db_time(since - RECENT)]), (False, [])):
            todo = [pk for pk in missing if pk not in state]
            if not todo:
                break
            query = sql.replace("{bound}", "taken_at >= %s AND" if bound else "")
            with connection.cursor() as cursor:
                if self.postgres:
                    condition, param = _pg_any(todo)
                    cursor.execute(query.format(values=condition), [*params, param, stuck])
                    found = cursor.fetchall()
                else:
                    found = []
                    for start in range(0, len(todo), 500):
                        part = todo[start:start + 500]
                        cursor.execute(query.format(values="IN (" + ", ".join(["%s"] * len(part)) + ")"),
                                       [*params, *part, stuck])
                        found.extend(cursor.fetchall())
            # rows come by meter, newest first: the first is the latest, the run of equal values follows it
            current = None
            entry: list = []
            running = False
            for meter_id, taken_at, value in found:
                if self.postgres:
                    taken_at = EPOCH + dt.timedelta(microseconds=taken_at)
                else:
                    taken_at = self._py_time(taken_at)
                    value = milli_of(Decimal(str(value)))
                if meter_id != current:
                    current = meter_id
                    entry = state[meter_id] = [taken_at, value, taken_at, 1]
                    running = True
                elif running:
                    if value != entry[1]:
                        running = False
                    else:
                        entry[2], entry[3] = taken_at, entry[3] + 1
        for pk in missing:
            if pk not in state:
                state[pk] = [None, 0, None, 0]

    def _db_time(self, moment: dt.datetime):
        return moment if self.postgres else connection.ops.adapt_datetimefield_value(moment)

    @staticmethod
    def _py_time(value) -> dt.datetime:
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def _process(self, chunk: list) -> None:
        self.counts["received"] += len(chunk)
        rejected: list[tuple] = []
        times = self.time_cache
        if len(times) > 20000:
            times.clear()
        self._load_meters({fields[0].strip() for _p, _r, fields, _e in chunk
                           if fields is not None and "\x00" not in fields[0]})
        meters = self.meters
        candidates: list[tuple] = []
        now_limit = self.now + rules.FUTURE_TOLERANCE
        organization = self.organization_id
        input_role = MeterRole.INPUT.value
        for position, raw, fields, error in chunk:
            if fields is None:
                rejected.append((position, raw, None, None, None, [RejectReason.GARBAGE], [error]))
                continue
            serial, time_text, value_text = fields
            if "\x00" in serial or "\x00" in time_text or "\x00" in value_text:
                rejected.append((position, raw, None, None, None, [RejectReason.GARBAGE],
                                 [_("The row contains NUL characters.")]))
                continue
            taken_at = times.get(time_text, _MISSING)
            if taken_at is _MISSING:
                taken_at = times[time_text] = parse_time(time_text)
            try:  # parse_value, inline: NaN and infinities fail the comparison
                number = float(value_text)
                value = int(number * 1000 + 0.5) if 0 <= number < 1e11 else None
            except ValueError:
                value = None
            if taken_at is None or value is None:
                problems = []
                if taken_at is None:
                    problems.append(_("The time %(text)r cannot be read.") % {"text": time_text[:40]})
                if value is None:
                    problems.append(_("The value %(text)r is not a non-negative number.") % {"text": value_text[:40]})
                rejected.append((position, raw, None, None, None, [RejectReason.GARBAGE], problems))
                continue
            meter = meters.get(serial)
            if meter is None:
                meter = meters.get(serial.strip())
                if meter is None:
                    rejected.append((position, raw, None, taken_at, value, [RejectReason.UNKNOWN_METER],
                                     [REASON_TEXT[RejectReason.UNKNOWN_METER]()]))
                    continue
            if taken_at > now_limit or taken_at < meter[2] or taken_at >= meter[3] \
                    or (organization is not None and meter[1] != organization):  # M_INSTALLED, M_REMOVED, M_UTILITY
                codes = []
                if organization is not None and meter[M_UTILITY] != organization:
                    codes.append(RejectReason.OTHER_UTILITY)
                if taken_at > now_limit:
                    codes.append(RejectReason.FUTURE)
                if taken_at < meter[M_INSTALLED]:
                    codes.append(RejectReason.BEFORE_INSTALLATION)
                if taken_at >= meter[M_REMOVED]:
                    codes.append(RejectReason.AFTER_REMOVAL)
                meter_id = meter[M_ID] if RejectReason.OTHER_UTILITY not in codes else None
                rejected.append((position, raw, meter_id, taken_at, value, codes,
                                 [REASON_TEXT[code]() for code in codes]))
                continue
            candidates.append((meter[6] != input_role, meter[0], taken_at, position, raw, value, meter))

        if candidates:
            self._load_state({row[1] for row in candidates}, min(row[2] for row in candidates))
        candidates.sort()  # input meters first, then by meter and time (positions are unique)
        pending: dict[tuple[int, dt.datetime], int] = {}
        writes: list[tuple] = []
        older: list[tuple] = []
        stuck_checks: list[tuple] = []
        input_rows: dict[int, list[tuple[dt.datetime, int, int]]] = defaultdict(list)
        states = self.state
        share_of_rollover, suspicious, gap = rules.ROLLOVER_SHARE, rules.SUSPICIOUS_FACTOR, rules.GAP
        stuck_readings, stuck_span = rules.STUCK_READINGS, rules.STUCK_SPAN
        measured = ReadingKind.MEASURED.value
        for not_input, meter_id, taken_at, position, raw, value, meter in candidates:
            state = states[meter_id]
            last_time = state[0]
            if last_time is not None and taken_at <= last_time:
                older.append((meter_id, taken_at, position, raw, value, meter))
                continue
            flags = []
            if last_time is not None:
                last_value = state[1]
                consumption = value - last_value
                if consumption < 0:
                    register = meter[M_MAX]
                    if last_value * share_of_rollover >= register * (share_of_rollover - 1) \
                            and value * share_of_rollover < register:
                        consumption += register
                        flags.append(ReadingFlag.ROLLOVER)
                    else:
                        rejected.append((position, raw, meter_id, taken_at, value, [RejectReason.DECREASE],
                                         [REASON_TEXT[RejectReason.DECREASE]() + " "
                                          + _("Previous: %(previous)s.") % {"previous": milli_text(last_value)}]))
                        continue
                elapsed = taken_at - last_time
                days = elapsed.total_seconds() / 86400
                if consumption > meter[M_NORM] * suspicious * (days if days > 1.0 else 1.0):
                    flags.append(ReadingFlag.SUSPICIOUS_HIGH)
                if elapsed > gap:
                    flags.append(ReadingFlag.AFTER_GAP)
                    total_seconds = elapsed.total_seconds()
                    for moment in _month_starts_between(last_time, taken_at):
                        share = (moment - last_time).total_seconds() / total_seconds
                        estimate = (last_value + round(consumption * share)) % meter[M_MAX]
                        writes.append((meter_id, moment, estimate, ReadingKind.ESTIMATED, ""))
                        pending[(meter_id, moment)] = estimate
                        self.counts["estimated"] += 1
                if consumption == 0:
                    state[3] += 1
                    if state[3] >= stuck_readings and taken_at - state[2] >= stuck_span:
                        if not not_input:
                            flags.append(ReadingFlag.STUCK)
                        else:
                            stuck_checks.append((len(writes), meter[M_BUILDING], state[2], taken_at))
                else:
                    state[2], state[3] = taken_at, 1
            else:
                state[2], state[3] = taken_at, 1
            state[0], state[1] = taken_at, value
            if not not_input:
                input_rows[meter[M_BUILDING]].append((taken_at, meter_id, value))
            writes.append((meter_id, taken_at, value, measured, " ".join(flags) if flags else ""))
            pending[(meter_id, taken_at)] = value

        for index, building, since, until in stuck_checks:
            if self._building_consumes(building, since, until, input_rows.get(building, ())):
                meter_id, taken_at, value, kind, flags = writes[index]
                writes[index] = (meter_id, taken_at, value, kind, (flags + " " + ReadingFlag.STUCK).strip())

        conflicts = self._check_older(older, pending, writes, rejected)
        self._flush(writes, rejected, conflicts)

    def _building_consumes(self, building: int, since: dt.datetime, until: dt.datetime,
                           chunk_rows: Iterable[tuple[dt.datetime, int, int]]) -> bool:
        """True when an input meter of ``building`` advanced between ``since`` and ``until``."""
        spans: dict[int, list[int]] = {}
        for meter_id, low, high in (
            Reading.objects.filter(meter__building_id=building, meter__role=MeterRole.INPUT,
                                   taken_at__gte=since, taken_at__lte=until)
            .values("meter_id").annotate(low=Min("value"), high=Max("value"))
            .values_list("meter_id", "low", "high")
        ):
            spans[meter_id] = [milli_of(low), milli_of(high)]
        for taken_at, meter_id, value in chunk_rows:
            if since <= taken_at <= until:
                span = spans.setdefault(meter_id, [value, value])
                span[0], span[1] = min(span[0], value), max(span[1], value)
        return any(high > low for low, high in spans.values())

    def _check_older(self, older: list[tuple], pending: dict, writes: list, rejected: list) -> list[tuple]:
        """Rows not newer than the meter's latest reading: duplicates, conflicts, or late rows filling the past."""
        if not older:
            return []
        meter_ids = {row[0] for row in older}
        times = {row[1] for row in older}
        stored = {
            (meter_id, taken_at): milli_of(value)
            for meter_id, taken_at, value in Reading.objects.filter(meter_id__in=meter_ids, taken_at__in=times)
            .values_list("meter_id", "taken_at", "value")
        }
        known_conflicts = {
            (meter_id, taken_at, milli_of(value))
            for meter_id, taken_at, value in RejectedReading.objects.filter(
                meter_id__in=meter_ids, taken_at__in=times, reasons=RejectReason.CONFLICT
            ).values_list("meter_id", "taken_at", "value")
        }
        neighbours = self._neighbours([row for row in older if (row[0], row[1]) not in stored], pending)
        conflicts = []
        for meter_id, taken_at, position, raw, value, meter in older:
            key = (meter_id, taken_at)
            existing = stored.get(key, pending.get(key))
            if existing is None:
                problem = self._backfill_problem(neighbours.get(meter_id, ()), taken_at, value, meter[M_MAX])
                if problem:
                    rejected.append((position, raw, meter_id, taken_at, value, [RejectReason.DECREASE], [problem]))
                    continue
                writes.append((meter_id, taken_at, value, ReadingKind.MEASURED, ""))
                pending[key] = value
                neighbours.setdefault(meter_id, []).append((taken_at, value))
                neighbours[meter_id].sort()
            elif existing == value or (meter_id, taken_at, value) in known_conflicts:
                self.counts["duplicates"] += 1
            else:
                known_conflicts.add((meter_id, taken_at, value))
                conflicts.append((position, raw, meter_id, taken_at, value, [RejectReason.CONFLICT],
                                  [REASON_TEXT[RejectReason.CONFLICT]() + " "
                                   + _("Stored: %(stored)s.") % {"stored": milli_text(existing)}]))
        return conflicts

    def _neighbours(self, rows: list[tuple], pending: dict) -> dict[int, list[tuple[dt.datetime, int]]]:
        """Measured readings around late rows (stored within ``GAP`` of them, or written in this chunk), by meter."""
        if not rows:
            return {}
        meter_ids = {row[0] for row in rows}
        low = min(row[1] for row in rows) - rules.GAP
        high = max(row[1] for row in rows) + rules.GAP
        found: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
        for meter_id, taken_at, value in Reading.objects.filter(
            meter_id__in=meter_ids, taken_at__gte=low, taken_at__lte=high, kind=ReadingKind.MEASURED
        ).values_list("meter_id", "taken_at", "value"):
            found[meter_id].append((taken_at, milli_of(value)))
        for (meter_id, taken_at), value in pending.items():
            if meter_id in meter_ids:
                found[meter_id].append((taken_at, value))
        for readings in found.values():
            readings.sort()
        return found

    @staticmethod
    def _backfill_problem(readings, taken_at: dt.datetime, value: int, register: int) -> str:
        """Why a late row cannot go between its neighbours: lower than the one before, higher than the one after."""
        before = [reading for reading in readings if reading[0] < taken_at]
        after = [reading for reading in readings if reading[0] > taken_at]
        if before:
            previous = before[-1][1]
            rollover = previous * rules.ROLLOVER_SHARE >= register * (rules.ROLLOVER_SHARE - 1) \
                and value * rules.ROLLOVER_SHARE < register
            if value < previous and not rollover:
                return (REASON_TEXT[RejectReason.DECREASE]() + " "
                        + _("Previous: %(previous)s.") % {"previous": milli_text(previous)})
        if after:
            following = after[0][1]
            rollover = value * rules.ROLLOVER_SHARE >= register * (rules.ROLLOVER_SHARE - 1) \
                and following * rules.ROLLOVER_SHARE < register
            if following < value and not rollover:
                return _("The value is higher than the following reading (%(following)s).") % {
                    "following": milli_text(following)}
        return ""

    # --- writing ------------------------------------------------------------------------------------------

    def _flush(self, writes: list[tuple], rejected: list[tuple], conflicts: list[tuple]) -> None:
        self.counts["rejected"] += len(rejected)
        self.counts["conflicts"] += len(conflicts)
        if self.all_or_nothing and not self.failed and (rejected or conflicts):
            transaction.savepoint_rollback(self.savepoint)
            self.failed = True
        for _meter_id, _taken_at, _value, kind, flags in writes:
            if kind == ReadingKind.MEASURED:
                self.counts["accepted"] += 1
                if flags:
                    self.counts["flagged"] += 1
        if writes and not self.failed:
            self._write_readings(writes)
        if rejected or conflicts:
            RejectedReading.objects.bulk_create(
                [
                    RejectedReading(
                        batch=self.batch, position=position, raw=raw[:2000].replace("\x00", "\ufffd"), meter_id=meter_id, taken_at=taken_at,
                        value=None if value is None else Decimal(value).scaleb(-3),
                        reasons=" ".join(str(code) for code in codes), messages="\n".join(messages),
                    )
                    for position, raw, meter_id, taken_at, value, codes, messages in [*rejected, *conflicts]
                ],
                batch_size=1000,
            )

    def _write_readings(self, writes: list[tuple]) -> None:
        batch_id = self.batch.pk
        if not self.postgres:
            adapt = connection.ops.adapt_datetimefield_value
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT OR IGNORE INTO metering_reading (meter_id, taken_at, value, kind, flags, batch_id) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    [(meter_id, adapt(taken_at), f"{value // 1000}.{value % 1000:03d}", kind, flags, batch_id)
                     for meter_id, taken_at, value, kind, flags in writes],
                )
            return
        months = {partitions.month_start(moment) for moment in {row[1] for row in writes}} - self.months
        if months:
            partitions.ensure_months(months)
            self.months |= months
        buffer = io.StringIO()
        write = buffer.write
        batch_text = str(batch_id)
        stamps: dict[dt.datetime, str] = {}
        for meter_id, taken_at, value, kind, flags in writes:
            stamp = stamps.get(taken_at)
            if stamp is None:
                stamp = stamps[taken_at] = taken_at.isoformat()
            write(f"{meter_id}\t{stamp}\t{value // 1000}.{value % 1000:03d}\t{kind}\t{flags}\t{batch_text}\n")
        data = buffer.getvalue()
        # Every row was checked against the stored readings, so a plain COPY into the table normally succeeds;
        # a row written meanwhile by a concurrent batch makes it fail, and the chunk then goes through a staging
        # table and INSERT ... ON CONFLICT DO NOTHING instead.
        try:
            with transaction.atomic(), connection.cursor() as cursor, cursor.copy(
                "COPY metering_reading (meter_id, taken_at, value, kind, flags, batch_id) FROM STDIN"
            ) as copy:
                copy.write(data)
            return
        except IntegrityError:
            pass
        with connection.cursor() as cursor:
            if not self._stage_ready:
                cursor.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS metering_reading_stage (meter_id bigint, taken_at timestamptz, "
                    "value numeric(14, 3), kind varchar(10), flags varchar(100), batch_id bigint)"
                )
                self._stage_ready = True
            cursor.execute("TRUNCATE metering_reading_stage")
            with cursor.copy("COPY metering_reading_stage FROM STDIN") as copy:
                copy.write(data)
            cursor.execute(
                "INSERT INTO metering_reading (meter_id, taken_at, value, kind, flags, batch_id) "
                "SELECT meter_id, taken_at, value, kind, flags, batch_id FROM metering_reading_stage "
                "ON CONFLICT DO NOTHING"
            )
