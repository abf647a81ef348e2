"""PostgreSQL storage: the readings table is partitioned by month and bulk writes land in the right partitions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from meks.core.testing.gates import require_postgres
from meks.metering import partitions
from meks.metering.models import Reading

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_readings_are_partitioned_by_month(world, ingest):
    require_postgres()
    assert partitions.is_partitioned()
    with connection.cursor() as cursor:
        cursor.execute("SELECT partstrat, pg_get_partkeydef(partrelid) FROM pg_partitioned_table "
                       "WHERE partrelid = 'metering_reading'::regclass")
        strategy, key = cursor.fetchone()
    assert strategy == "r" and key == "RANGE (taken_at)"
    ingest([("F-1", "2026-01-10T10:00", "1"), ("F-1", "2026-02-10T10:00", "2"), ("F-1", "2026-03-10T10:00", "3")])
    names = partitions.partition_names()
    assert {"metering_reading_y2026m01", "metering_reading_y2026m02", "metering_reading_y2026m03"} <= set(names)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM metering_reading_y2026m02")
        assert cursor.fetchone()[0] == 1
    assert Reading.objects.count() == 3


def test_partitions_are_created_ahead(db):
    require_postgres()
    partitions.ensure_ahead(dt.date(2030, 5, 17), months_ahead=2)
    assert {"metering_reading_y2030m05", "metering_reading_y2030m06", "metering_reading_y2030m07"} <= set(
        partitions.partition_names())
