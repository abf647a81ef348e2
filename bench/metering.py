"""Metering: reading ingestion and monthly consumption at scale, against raw PostgreSQL in the same run.

Measures (sizes by environment variables, so that a quick run is possible):

* ``metering.ingest_csv`` and ``metering.ingest_api``: ``MEKS_BENCH_READINGS`` readings (1,000,000) for
  ``MEKS_BENCH_METERS`` meters (100,000) ingested through the CSV upload service (a UTF-8 file on
  disk) and through the bulk API (one JSON array body posted with the Django test client and a token),
  validation included. Printed: the throughput over that of a raw ``COPY`` of the same rows into a table of
  the same shape (same columns, primary key, foreign key and monthly partitions), measured in the same run.
  Aim: at least 0.3.
* ``metering.monthly_consumption``: a year of monthly consumption for every meter through
  ``selectors.monthly_consumption`` (as the project office sees it) over the time of the bare SQL aggregate
  (LAG over the readings, grouped by meter and month, fetched). Aim: at most 2.
  ``MEKS_BENCH_SKIP_INGEST=1`` skips the ingestion measures (the readings are then inserted by SQL).
* ``metering.import_memory``: peak traced Python memory (tracemalloc) of the CSV import for two file sizes
  (``MEKS_BENCH_MEMORY_ROWS``, default 100,000 and four times that): flat when the import streams.

The two ingestion paths use different months, so neither sees the other's rows as duplicates; the year is
completed with the remaining months inserted by SQL before the consumption measure.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tempfile
import time
import tracemalloc
from zoneinfo import ZoneInfo

READINGS = int(os.environ.get("MEKS_BENCH_READINGS", "1000000"))
METERS = int(os.environ.get("MEKS_BENCH_METERS", "100000"))
MEMORY_ROWS = int(os.environ.get("MEKS_BENCH_MEMORY_ROWS", "100000"))
REPEAT = int(os.environ.get("MEKS_BENCH_REPEAT", "3"))
#: Set to 1 to skip the ingestion measures (the year of readings is then inserted by SQL).
SKIP_INGEST = os.environ.get("MEKS_BENCH_SKIP_INGEST", "") == "1"
YEAR = 2025
LOCAL = ZoneInfo("Asia/Almaty")
METERS_PER_BUILDING = 100


def _times(months: range) -> list[dt.datetime]:
    """Twice a month, at 02:00 local time, for the given month numbers."""
    return [dt.datetime(YEAR, month, day, 2, 0, tzinfo=LOCAL) for month in months for day in (1, 16)]


def _setup() -> dict:
    """Accounts, one utility with buildings of 100 meters each (one input, 99 flats), all in Karaganda."""
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from meks.accounts.models import Organization, User
    from meks.demo.builder import build_demo, demo_is_loaded
    from meks.metering.choices import Interface, Medium, MeterRole
    from meks.metering.models import Building, Meter, MeterType
    from meks.territory.models import Settlement

    if not demo_is_loaded():
        build_demo(portfolio=False)
    utility = Organization.objects.get(kind="utility", region__kato="35")
    settlement = Settlement.objects.filter(region__kato="35").order_by("kato").first()
    meter_type = MeterType.objects.create(
        approval_number="BENCH-1", approved_on=dt.date(2020, 1, 1), name="bench", manufacturer_name="bench",
        medium=Medium.COLD_WATER, nominal_diameter=15, accuracy_class="2", verification_interval_years=6,
        interface=Interface.LORAWAN,
    )
    buildings = Building.objects.bulk_create([
        Building(address=f"bench {index}", settlement=settlement, utility=utility, flats=METERS_PER_BUILDING - 1,
                 residents=250)
        for index in range((METERS + METERS_PER_BUILDING - 1) // METERS_PER_BUILDING)
    ])
    meters = []
    for index in range(METERS):
        building = buildings[index // METERS_PER_BUILDING]
        role = MeterRole.INPUT if index % METERS_PER_BUILDING == 0 else MeterRole.FLAT
        meters.append(Meter(building=building, role=role, meter_type=meter_type, serial=f"B{index:08d}",
                            flat_number="" if role == MeterRole.INPUT else str(index % METERS_PER_BUILDING),
                            installed_on=dt.date(YEAR - 1, 6, 1), last_verified_on=dt.date(YEAR - 1, 6, 1),
                            next_verification_on=dt.date(YEAR + 5, 6, 1), register_digits=7 if role == "input" else 5))
    Meter.objects.bulk_create(meters, batch_size=5000)
    ids = dict(Meter.objects.filter(serial__startswith="B").values_list("serial", "id"))
    token, _ = Token.objects.get_or_create(user=User.objects.get(username="utility"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"ids": ids, "token": token.key, "office": User.objects.get(username="office"),
            "utility": User.objects.get(username="utility")}


def _rows(serials: list[str], times: list[dt.datetime], limit: int, first_step: int = 0):
    """(serial, time, value text) for each time (outer) and meter (inner), up to ``limit`` rows."""
    count = 0
    for step, moment in enumerate(times, start=first_step):
        stamp = moment.isoformat()
        for index, serial in enumerate(serials):
            if count >= limit:
                return
            base = 100 + (index % 997) + step * (1.5 + (index % 7) * 0.25)
            yield serial, stamp, f"{base:.3f}"
            count += 1


def _per_meter(rows: int) -> int:
    return max(1, -(-rows // METERS))


def _raw_copy_table(cursor, months: list[dt.date]) -> None:
    from meks.metering.partitions import next_month

    cursor.execute("DROP TABLE IF EXISTS bench_raw_reading")
    cursor.execute(
        "CREATE TABLE bench_raw_reading (meter_id bigint NOT NULL REFERENCES metering_meter (id) DEFERRABLE "
        "INITIALLY DEFERRED, taken_at timestamptz NOT NULL, value numeric(14, 3) NOT NULL, kind varchar(10) NOT NULL, "
        "flags varchar(100) NOT NULL, batch_id bigint NOT NULL, PRIMARY KEY (meter_id, taken_at)) "
        "PARTITION BY RANGE (taken_at)"
    )
    cursor.execute("CREATE INDEX bench_raw_reading_batch ON bench_raw_reading (batch_id)")
    for month in months:
        cursor.execute(
            f"CREATE TABLE bench_raw_reading_{month:%Y%m} PARTITION OF bench_raw_reading FOR VALUES FROM "
            f"('{month.isoformat()} 00:00:00+00') TO ('{next_month(month).isoformat()} 00:00:00+00')"
        )


def _raw_copy_seconds(rows: list[tuple[str, str, str]], ids: dict[str, int]) -> float:
    """Time of COPY of the same rows (as the ingester would store them) into a same-shaped empty table."""
    from django.db import connection, transaction

    from meks.metering.partitions import month_start

    text = io.StringIO()
    months = set()
    for serial, stamp, value in rows:
        moment = dt.datetime.fromisoformat(stamp)
        months.add(month_start(moment))
        text.write(f"{ids[serial]}\t{moment.astimezone(dt.UTC).isoformat()}\t{value}\tmeasured\t\t1\n")
    data = text.getvalue()
    timings = []
    for _ in range(REPEAT):
        with transaction.atomic(), connection.cursor() as cursor:
            _raw_copy_table(cursor, sorted(months))
            start = time.perf_counter()
            with cursor.copy("COPY bench_raw_reading FROM STDIN") as copy:
                copy.write(data)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            timings.append(time.perf_counter() - start)
            cursor.execute("DROP TABLE bench_raw_reading")
    return min(timings)


def _ingest_csv(rows: list[tuple[str, str, str]], actor) -> tuple[float, object]:
    from django.db import transaction

    from meks.metering.services import readings_upload

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as handle:
        handle.write("meter,taken_at,value\n")
        for serial, stamp, value in rows:
            handle.write(f"{serial},{stamp},{value}\n")
        path = handle.name
    try:
        start = time.perf_counter()
        with transaction.atomic(), open(path, "rb") as file:
            result = readings_upload(actor=actor, file=file, filename="bench.csv")
        return time.perf_counter() - start, result.batch
    finally:
        os.unlink(path)


def _ingest_api(rows: list[tuple[str, str, str]], token: str) -> tuple[float, dict]:
    from django.test import Client

    body = json.dumps([{"meter": s, "taken_at": t, "value": v} for s, t, v in rows]).encode()
    client = Client()
    # warm-up: the first request of the process loads the URL configuration and the views
    client.get("/api/v1/metering/meter-types/", HTTP_AUTHORIZATION=f"Token {token}")
    start = time.perf_counter()
    response = client.post("/api/v1/metering/readings/", data=body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token}")
    elapsed = time.perf_counter() - start
    assert response.status_code == 201, response.content[:500]
    return elapsed, response.json()


def _memory(actor, serials: list[str], rows: int, month: int) -> tuple[float, int]:
    from django.db import transaction

    from meks.metering.services import readings_upload

    per_meter = -(-rows // len(serials))
    times = [dt.datetime(YEAR + 1, month, 1, 2, 0, tzinfo=LOCAL) + dt.timedelta(hours=6 * step)
             for step in range(per_meter)]
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as handle:
        handle.write("meter,taken_at,value\n")
        for serial, stamp, value in _rows(serials, times, rows, first_step=100 * month):
            handle.write(f"{serial},{stamp},{value}\n")
        path = handle.name
    try:
        size = os.path.getsize(path)
        tracemalloc.start()
        with transaction.atomic(), open(path, "rb") as file:
            batch = readings_upload(actor=actor, file=file, filename="memory.csv").batch
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert batch.accepted == rows, (batch.accepted, rows)
        return peak / 2 ** 20, size
    finally:
        os.unlink(path)


def _bare_consumption(ids_bounds: tuple[dt.datetime, dt.datetime]) -> list:
    from django.db import connection

    start, end = ids_bounds
    sql = """
        SELECT meter_id, month, SUM(CASE WHEN diff < 0 THEN diff + power(10, digits) ELSE COALESCE(diff, 0) END),
               SUM(CASE WHEN kind = 'measured' THEN 1 ELSE 0 END)
        FROM (
            SELECT r.meter_id, r.kind, m.register_digits AS digits,
                   date_trunc('month', r.taken_at AT TIME ZONE 'Asia/Almaty') AS month,
                   r.value - LAG(r.value) OVER (PARTITION BY r.meter_id ORDER BY r.taken_at) AS diff
            FROM metering_reading r JOIN metering_meter m ON m.id = r.meter_id
            WHERE r.taken_at >= %s AND r.taken_at < %s
        ) d
        WHERE month >= %s
        GROUP BY meter_id, month ORDER BY meter_id, month
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [start - dt.timedelta(days=45), end, start.replace(tzinfo=None)])
        return cursor.fetchall()


def _ingestion(state: dict, serials: list[str], ids: dict[str, int]) -> int:
    """The two ingestion measures; returns the readings per meter each path wrote."""
    per_meter = _per_meter(READINGS)
    csv_rows = list(_rows(serials, _times(range(1, 13))[:per_meter], READINGS))
    api_times = _times(range(1, 13))[per_meter:per_meter * 2]
    if len(api_times) < per_meter:
        raise SystemExit("MEKS_BENCH_READINGS / MEKS_BENCH_METERS must be at most 12 readings per meter")
    api_rows = list(_rows(serials, api_times, READINGS, per_meter))

    copy_csv = _raw_copy_seconds(csv_rows, ids)
    csv_seconds, batch = _ingest_csv(csv_rows, state["utility"])
    assert batch.accepted == len(csv_rows), (batch.accepted, batch.rejected, batch.duplicates)
    print(f"metering.ingest_csv: ratio {copy_csv / csv_seconds:.2f} (throughput of the CSV upload, "
          f"{len(csv_rows) / csv_seconds:,.0f} rows/s, over raw COPY of the same rows, "
          f"{len(csv_rows) / copy_csv:,.0f} rows/s)", flush=True)
    del csv_rows

    copy_api = _raw_copy_seconds(api_rows, ids)
    api_seconds, report = _ingest_api(api_rows, state["token"])
    assert report["accepted"] == len(api_rows), report
    print(f"metering.ingest_api: ratio {copy_api / api_seconds:.2f} (throughput of the bulk JSON API, "
          f"{len(api_rows) / api_seconds:,.0f} rows/s, over raw COPY of the same rows, "
          f"{len(api_rows) / copy_api:,.0f} rows/s)", flush=True)
    return per_meter


def run() -> None:
    from django.db import connection

    from meks.metering import selectors
    from meks.metering.models import Reading

    if connection.vendor != "postgresql":
        print("metering: skipped (needs PostgreSQL: run with DATABASE_URL=postgres://...)", flush=True)
        return
    started = time.perf_counter()
    state = _setup()
    ids = state["ids"]
    serials = sorted(ids)
    print(f"metering: {METERS} meters set up in {time.perf_counter() - started:.1f} s", flush=True)

    per_meter = 0
    if not SKIP_INGEST:
        per_meter = _ingestion(state, serials, ids)

    # complete the year for every meter, then a year of monthly consumption
    with connection.cursor() as cursor:
        from meks.metering.partitions import ensure_months

        ensure_months([dt.date(YEAR, month, 1) for month in range(1, 13)] + [dt.date(YEAR - 1, 12, 1)])
        rest = _times(range(1, 13))[per_meter * 2:]
        for step, moment in enumerate(rest, start=per_meter * 2):
            cursor.execute(
                "INSERT INTO metering_reading (meter_id, taken_at, value, kind, flags, batch_id) "
                "SELECT id, %s, 100 + (id %% 997) + %s * 2.0, 'measured', '', 0 FROM metering_meter "
                "WHERE serial LIKE 'B%%'", [moment, step],
            )
        cursor.execute("ANALYZE metering_reading")
    total = Reading.objects.count()
    first = dt.date(YEAR, 1, 1)
    bounds = (dt.datetime(YEAR, 1, 1, tzinfo=LOCAL), dt.datetime(YEAR + 1, 1, 1, tzinfo=LOCAL))

    def through_selector() -> int:
        return len(selectors.monthly_consumption(user=state["office"], first_month=first, months=12))

    def bare() -> int:
        return len(_bare_consumption(bounds))

    assert through_selector() == bare(), (through_selector(), bare())
    selector_times, bare_times = [], []
    for _ in range(REPEAT):
        start = time.perf_counter()
        through_selector()
        selector_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare()
        bare_times.append(time.perf_counter() - start)
    print(f"metering.monthly_consumption: ratio {min(selector_times) / min(bare_times):.2f} (a year of monthly "
          f"consumption of {METERS} meters, {total:,} readings, through the selector, {min(selector_times):.2f} s, "
          f"over the bare SQL aggregate, {min(bare_times):.2f} s)", flush=True)

    # memory last, on months of their own (the next year), two sizes
    memory_meters = serials[: min(len(serials), 10000)]
    small_mb, small_size = _memory(state["utility"], memory_meters, MEMORY_ROWS, 1)
    large_mb, large_size = _memory(state["utility"], memory_meters, MEMORY_ROWS * 4, 3)
    print(f"metering.import_memory: peak {small_mb:.1f} MiB for {MEMORY_ROWS} rows ({small_size / 2**20:.1f} MiB file), "
          f"{large_mb:.1f} MiB for {MEMORY_ROWS * 4} rows ({large_size / 2**20:.1f} MiB file): "
          f"ratio {large_mb / small_mb:.2f} (peak memory, 4x rows over 1x rows)", flush=True)

