"""The ingestion core: idempotency, conflicts, modes and each validation rule (fires / does not fire)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from meks.metering.choices import BatchMode, BatchStatus, ReadingFlag, ReadingKind
from meks.metering.models import Reading, RejectedReading

pytestmark = pytest.mark.django_db


def readings(meter):
    return list(Reading.objects.filter(meter=meter).order_by("taken_at").values_list("taken_at", "value", "kind",
                                                                                        "flags"))


def reasons(batch):
    return [row.reasons for row in RejectedReading.objects.filter(batch=batch).order_by("position")]


def test_good_rows_are_accepted_and_counted(world, ingest):
    result = ingest([("F-1", "2026-01-01T10:00:00+05:00", "10.5"), ("F-1", "2026-01-16T10:00:00+05:00", "12.000")])
    batch = result.batch
    assert (batch.received, batch.accepted, batch.rejected, batch.status) == (2, 2, 0, BatchStatus.DONE)
    assert [row[1] for row in readings(world.flat1)] == [Decimal("10.500"), Decimal("12.000")]
    assert Reading.objects.filter(batch=batch).count() == 2


def test_same_content_twice_changes_nothing(world, ingest):
    rows = [("F-1", "2026-01-01T10:00", "10"), ("F-9", "2026-01-02T10:00", "1")]
    first = ingest(rows)
    before = (Reading.objects.count(), RejectedReading.objects.count())
    again = ingest(rows)
    assert again.repeated and again.batch.pk == first.batch.pk
    assert (Reading.objects.count(), RejectedReading.objects.count()) == before


def test_same_reading_in_another_batch_is_a_duplicate(world, ingest):
    ingest([("F-1", "2026-01-01T10:00", "10")])
    batch = ingest([("F-1", "2026-01-01T10:00", "10.000"), ("F-1", "2026-01-15T10:00", "11")]).batch
    assert (batch.duplicates, batch.accepted) == (1, 1)
    assert len(readings(world.flat1)) == 2


def test_different_value_at_same_time_is_a_conflict_kept_visible(world, ingest):
    ingest([("F-1", "2026-01-01T10:00", "10")])
    batch = ingest([("F-1", "2026-01-01T10:00", "15")]).batch
    assert (batch.conflicts, batch.accepted, batch.status) == (1, 0, BatchStatus.DONE_WITH_ERRORS)
    assert readings(world.flat1)[0][1] == Decimal("10.000")
    conflict = RejectedReading.objects.get(batch=batch)
    assert conflict.reasons == "conflict" and conflict.meter == world.flat1 and conflict.value == Decimal("15.000")
    # the same conflicting value again is a duplicate of the conflict, not a second one
    again = ingest([("F-1", "2026-01-01T10:00", "15"), ("F-1", "2026-01-01T10:00", "10")], delimiter=",").batch
    assert (again.conflicts, again.duplicates) == (0, 2)


def test_all_or_nothing_refuses_everything_but_lists_the_bad_rows(world, ingest):
    result = ingest([("F-1", "2026-01-01T10:00", "10"), ("NOPE", "2026-01-01T10:00", "1")],
                    mode=BatchMode.ALL_OR_NOTHING)
    assert result.batch.status == BatchStatus.REFUSED
    assert Reading.objects.count() == 0
    assert reasons(result.batch) == ["unknown_meter"]
    # accept-good keeps the good row
    good = ingest([("F-1", "2026-01-01T10:00", "10"), ("NOPE", "2026-01-01T10:00", "1")])
    assert (good.batch.accepted, good.batch.rejected) == (1, 1)


def test_refusal_across_chunks_rolls_back_earlier_chunks(world, demo):
    import io

    from meks.metering import services
    from meks.metering.tests.conftest import NOW, csv_bytes

    rows = [("F-1", f"2026-01-{day:02d}T10:00", str(day)) for day in range(1, 20)] + [("??", "x", "y")]
    result = services.readings_ingest(actor=demo["utility"], source="csv", stream=io.BytesIO(csv_bytes(rows)),
                                      mode=BatchMode.ALL_OR_NOTHING, now=NOW, chunk_size=5)
    assert result.batch.status == BatchStatus.REFUSED and Reading.objects.count() == 0
    assert result.batch.received == 20 and result.batch.rejected == 1


# --- each rule fires, and does not fire ----------------------------------------------------------------------


def test_unknown_meter(world, ingest):
    batch = ingest([("NOPE-1", "2026-01-01T10:00", "1"), ("F-1", "2026-01-01T10:00", "1")]).batch
    assert reasons(batch) == ["unknown_meter"]
    assert batch.accepted == 1


def test_meter_of_another_utility(world, ingest):
    batch = ingest([("X-1", "2026-01-01T10:00", "1"), ("F-1", "2026-01-01T10:00", "1")]).batch
    assert reasons(batch) == ["other_utility"]
    # the technical operator may submit for any utility
    operator = ingest([("X-1", "2026-01-01T10:00", "1")], user="techoperator").batch
    assert operator.accepted == 1 and reasons(operator) == []


def test_future_time(world, ingest):
    batch = ingest([("F-1", "2026-07-01T10:00+05:00", "1"), ("F-1", "2026-06-30T17:05+05:00", "1")]).batch
    assert reasons(batch) == ["future"]
    assert batch.accepted == 1


def test_before_installation_and_after_removal(world, ingest):
    from meks.metering import services

    batch = ingest([("F-1", "2024-12-31T10:00", "1"), ("F-1", "2025-01-01T10:00", "1")]).batch
    assert reasons(batch) == ["before_installation"]
    services.meter_replace(actor=None, meter=world.flat1, replaced_on=dt.date(2025, 6, 1), serial="F-1B",
                           version=world.flat1.version)
    late = ingest([("F-1", "2025-06-02T10:00", "5"), ("F-1", "2025-06-01T10:00", "5")]).batch
    assert reasons(late) == ["after_removal"] and late.accepted == 1


def test_garbage_rows(world, ingest):
    raw = ("meter,taken_at,value\nF-1,2026-01-01T10:00,1\nF-1,yesterday,2\nF-1,2026-01-02T10:00,-3\n"
           "just garbage\n\u0000\u0001,,\nF-1,2026-01-03T10:00,abc\n").encode()
    batch = ingest(None, raw=raw).batch
    assert reasons(batch) == ["garbage"] * 5
    assert batch.accepted == 1 and batch.received == 6


def test_decrease_is_rejected(world, ingest):
    batch = ingest([("F-1", "2026-01-01T10:00", "100"), ("F-1", "2026-01-15T10:00", "90")]).batch
    assert reasons(batch) == ["decrease"]
    assert batch.accepted == 1


def test_rollover_near_register_maximum_is_not_a_decrease(world, ingest):
    # R-1 has three digits: it rolls over after 999.999
    batch = ingest([("R-1", "2026-01-01T10:00", "995"), ("R-1", "2026-01-15T10:00", "3")]).batch
    assert reasons(batch) == []
    assert ReadingFlag.ROLLOVER in readings(world.small)[1][3]


def test_replacement_is_not_a_decrease(world, ingest):
    from meks.metering import services

    ingest([("F-1", "2026-01-01T10:00", "500")])
    services.meter_replace(actor=None, meter=world.flat1, replaced_on=dt.date(2026, 1, 10), serial="F-1N",
                           version=world.flat1.version)
    batch = ingest([("F-1N", "2026-01-15T10:00", "0.5")]).batch
    assert reasons(batch) == [] and batch.accepted == 1


def test_implausibly_high_consumption_is_flagged(world, ingest):
    # flat: 4 residents / 2 flats × 200 l = 0.4 m³ a day; five times that over 14 days is 28 m³
    batch = ingest([("F-1", "2026-01-01T10:00", "10"), ("F-1", "2026-01-15T10:00", "45"),
                    ("F-1", "2026-01-29T10:00", "50")]).batch
    flags = [row[3] for row in readings(world.flat1)]
    assert flags == ["", ReadingFlag.SUSPICIOUS_HIGH, ""]
    assert batch.flagged == 1


def test_stuck_meter_is_flagged_while_the_building_consumes(world, ingest):
    rows = []
    for index, day in enumerate((1, 15, 29)):
        rows.append(("IN-1", f"2026-01-{day:02d}T09:00", str(100 + 10 * index)))
        rows.append(("F-1", f"2026-01-{day:02d}T10:00", "7"))
        rows.append(("F-2", f"2026-01-{day:02d}T10:00", str(3 + index)))
    ingest(rows)
    assert [row[3] for row in readings(world.flat1)] == ["", "", ReadingFlag.STUCK]
    assert all(row[3] == "" for row in readings(world.flat2))


def test_unchanged_meter_is_not_stuck_when_the_building_does_not_consume(world, ingest):
    rows = []
    for day in (1, 15, 29):
        rows.append(("IN-1", f"2026-01-{day:02d}T09:00", "100"))
        rows.append(("F-1", f"2026-01-{day:02d}T10:00", "7"))
    ingest(rows)
    assert [row[3] for row in readings(world.flat1)] == ["", "", ""]
    # the input meter itself: unchanged for four weeks is stuck
    assert readings(world.input)[-1][3] == ReadingFlag.STUCK


def test_gap_is_filled_with_estimates(world, ingest):
    batch = ingest([("F-1", "2026-01-15T00:00+05:00", "10"), ("F-1", "2026-04-15T00:00+05:00", "19")]).batch
    rows = readings(world.flat1)
    assert [row[2] for row in rows] == [ReadingKind.MEASURED, ReadingKind.ESTIMATED, ReadingKind.ESTIMATED,
                                        ReadingKind.ESTIMATED, ReadingKind.MEASURED]
    assert batch.estimated == 3 and batch.accepted == 2
    assert ReadingFlag.AFTER_GAP in rows[-1][3]
    # 17 of 90 days to 1 February: 10 + 9 × 17/90 = 11.700
    assert rows[1][1] == Decimal("11.700")


def test_no_gap_no_estimates(world, ingest):
    batch = ingest([("F-1", "2026-01-15T00:00+05:00", "10"), ("F-1", "2026-02-15T00:00+05:00", "19")]).batch
    assert batch.estimated == 0 and len(readings(world.flat1)) == 2


def test_late_row_lower_than_the_reading_before_it_is_a_decrease(world, ingest):
    ingest([("F-1", "2026-03-01T10:00", "400"), ("F-1", "2026-03-16T10:00", "410")])
    batch = ingest([("F-1", "2026-03-04T10:00", "200")]).batch
    assert reasons(batch) == ["decrease"] and batch.accepted == 0
    higher = ingest([("F-1", "2026-03-05T10:00", "420")]).batch
    assert reasons(higher) == ["decrease"]  # higher than the following reading


def test_late_row_between_its_neighbours_is_accepted(world, ingest):
    ingest([("F-1", "2026-03-01T10:00", "400"), ("F-1", "2026-03-16T10:00", "410")])
    batch = ingest([("F-1", "2026-03-08T10:00", "404.5")]).batch
    assert reasons(batch) == [] and batch.accepted == 1
    assert len(readings(world.flat1)) == 3


def test_batch_flagged_lists_the_flagged_readings(world, ingest):
    from meks.metering.selectors import batch_flagged

    batch = ingest([("F-1", "2026-01-01T10:00", "10"), ("F-1", "2026-01-15T10:00", "45")]).batch
    assert [reading.flags for reading in batch_flagged(batch=batch)] == [ReadingFlag.SUSPICIOUS_HIGH]
