"""Monthly partitions of the readings table on PostgreSQL (RANGE on ``taken_at``).

The table is turned into a partitioned one by migration 0002; partitions are created on demand by the
ingester for the months it writes (``ensure_months``) and ahead of time by a daily job. On SQLite the
table is a plain one and these functions do nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from meks.core.jobs import periodic_job

TABLE = "metering_reading"

PARTITIONED_DDL = f"""
DROP TABLE IF EXISTS {TABLE};
CREATE TABLE {TABLE} (
    meter_id bigint NOT NULL REFERENCES metering_meter (id) DEFERRABLE INITIALLY DEFERRED,
    taken_at timestamp with time zone NOT NULL,
    value numeric(14, 3) NOT NULL,
    kind varchar(10) NOT NULL,
    flags varchar(100) NOT NULL,
    batch_id bigint NOT NULL,
    PRIMARY KEY (meter_id, taken_at)
) PARTITION BY RANGE (taken_at);
CREATE INDEX metering_reading_batch ON {TABLE} (batch_id);
"""


def month_start(moment: dt.datetime) -> dt.date:
    """The first day of the month (UTC) ``moment`` falls in."""
    utc = moment.astimezone(dt.UTC)
    return dt.date(utc.year, utc.month, 1)


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_y{month.year}m{month.month:02d}"


def is_partitioned() -> bool:
    """True when the readings table is a partitioned PostgreSQL table."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s", [TABLE])
        row = cursor.fetchone()
    return bool(row and row[0] == "p")


def ensure_months(months: Iterable[dt.date]) -> int:
    """Create the partitions of ``months`` (first days, UTC) that do not exist yet; returns how many were asked."""
    if connection.vendor != "postgresql":
        return 0
    count = 0
    with connection.cursor() as cursor:
        for month in sorted(set(months)):
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {partition_name(month)} PARTITION OF {TABLE} "
                f"FOR VALUES FROM ('{month.isoformat()} 00:00:00+00') TO ('{next_month(month).isoformat()} 00:00:00+00')"
            )
            count += 1
    return count


def ensure_ahead(today: dt.date, months_ahead: int = 3) -> int:
    """Create this month's partition and those of the next ``months_ahead`` months."""
    month = dt.date(today.year, today.month, 1)
    months = []
    for _ in range(months_ahead + 1):
        months.append(month)
        month = next_month(month)
    return ensure_months(months)


def partition_names() -> list[str]:
    """The names of the existing partitions, oldest first."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s ORDER BY c.relname", [TABLE],
        )
        return [row[0] for row in cursor.fetchall()]


@periodic_job("daily", name="metering.partitions_ahead")
def create_partitions_ahead() -> int:
    """Create the readings partitions of this month and the next three (PostgreSQL; nothing elsewhere)."""
    return ensure_ahead(timezone.localdate())
