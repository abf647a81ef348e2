"""Selectors: scope, flags, readings with consumption, the building balance (hand-computed), areas, compliance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Q
from django.http import Http404

from meks.metering import selectors, services
from meks.metering.choices import Medium, MeterRole

pytestmark = pytest.mark.django_db
FEB = dt.date(2026, 2, 1)


@pytest.fixture
def balance_building(world, ingest):
    """Building C: input, common areas and three flats; readings on 31 Jan, 14 Feb (not flat C) and 28 Feb.

    February by hand: input 100 → 130 = 30 m³; common 5 → 6 = 1; flats A 10 → 18 = 8, B 20 → 25 = 5,
    C 0 → 6 = 6, together 19. Imbalance 30 − 1 − 19 = 10, shared equally: 10 / 3 = 3.333 each (9.999 shared),
    totals A 11.333, B 8.333, C 9.333; losses 10 of 30 = 33.3 %.
    """
    building = services.building_create(actor=None, utility=world.utility, settlement=world.settlement,
                                        address="ул. Балансовая, 3", flats=3, residents=9)
    serials = {"C-IN": (MeterRole.INPUT, ""), "C-CO": (MeterRole.COMMON, ""), "C-A": (MeterRole.FLAT, "1"),
               "C-B": (MeterRole.FLAT, "2"), "C-C": (MeterRole.FLAT, "3")}
    for serial, (role, flat) in serials.items():
        world.meter(serial, role, building=building, flat=flat)
    values = {"C-IN": (100, 115, 130), "C-CO": (5, 5.5, 6), "C-A": (10, 14, 18), "C-B": (20, 22, 25),
              "C-C": (0, None, 6)}
    rows = []
    for serial, (first, middle, last) in values.items():
        rows.append((serial, "2026-01-31T12:00+05:00", first))
        if middle is not None:
            rows.append((serial, "2026-02-14T12:00+05:00", middle))
        rows.append((serial, "2026-02-28T12:00+05:00", last))
    assert ingest(rows).batch.rejected == 0
    return building


def test_building_balance_matches_the_hand_computed_example(balance_building, demo):
    building = selectors.building_get(user=demo["office"], pk=balance_building.pk)
    (month,) = selectors.building_balance(user=demo["office"], building=building, medium=Medium.COLD_WATER,
                                          first_month=FEB)
    assert (month.input, month.common, month.flats, month.imbalance) == (
        Decimal("30.000"), Decimal("1.000"), Decimal("19.000"), Decimal("10.000"))
    assert month.share_per_flat == Decimal("3.333") and month.shared == Decimal("9.999")
    assert [(row.flat_number, row.consumption, row.total) for row in month.flat_rows] == [
        ("1", Decimal("8.000"), Decimal("11.333")), ("2", Decimal("5.000"), Decimal("8.333")),
        ("3", Decimal("6.000"), Decimal("9.333"))]
    assert month.loss_percent == Decimal("33.3")


def test_negative_imbalance_is_not_shared(world, ingest, demo):
    ingest([("IN-1", "2026-01-31T12:00+05:00", "10"), ("IN-1", "2026-02-28T12:00+05:00", "11"),
            ("F-1", "2026-01-31T12:00+05:00", "10"), ("F-1", "2026-02-28T12:00+05:00", "15")])
    (month,) = selectors.building_balance(user=demo["office"], building=world.building, medium=Medium.COLD_WATER,
                                          first_month=FEB)
    assert month.imbalance == Decimal("-4.000") and month.shared == 0 and month.share_per_flat == 0


def test_monthly_consumption_per_meter(balance_building, demo):
    rows = selectors.monthly_consumption(user=demo["office"], first_month=dt.date(2026, 1, 1), months=2,
                                         meters=Q(building=balance_building))
    by_serial = {}
    for row in rows:
        by_serial.setdefault(row.meter_id, {})[row.month] = (row.consumption, row.measured)
    flat_a = balance_building.meters.get(serial="C-A").pk
    assert by_serial[flat_a] == {dt.date(2026, 1, 1): (Decimal("0.000"), 1), FEB: (Decimal("8.000"), 2)}


def test_consumption_by_region_and_compliance(balance_building, demo):
    (row,) = selectors.consumption_by_area(user=demo["office"], level="region", medium=Medium.COLD_WATER,
                                           first_month=FEB, months=1)
    assert (row.input, row.flats, row.common, row.losses) == (
        Decimal("30.000"), Decimal("19.000"), Decimal("1.000"), Decimal("10.000"))
    per_building = {r.key: r for r in selectors.compliance(user=demo["office"], level="building", first_month=FEB)}
    assert (per_building[balance_building.pk].meters, per_building[balance_building.pk].compliant) == (5, 4)
    per_meter = {r.name: r.compliant for r in selectors.compliance(user=demo["office"], level="meter",
                                                                   first_month=FEB)}
    assert per_meter["C-A"] == 1 and per_meter["C-C"] == 0


def test_meter_readings_with_consumption_and_rollover(world, ingest, demo):
    ingest([("R-1", "2026-01-01T10:00", "995"), ("R-1", "2026-01-15T10:00", "3")])
    meter = selectors.meter_get(user=demo["utility"], pk=world.small.pk)
    rows = selectors.meter_readings(user=demo["utility"], meter=meter)
    assert [row.consumption for row in rows] == [None, Decimal("8.000")]
    assert rows[1].flags == ["rollover"]


def test_scope_of_buildings_meters_and_batches(world, ingest, demo):
    batch = ingest([("F-1", "2026-01-01T10:00", "1")]).batch
    assert set(selectors.building_list(user=demo["utility"])) == {world.building}
    assert set(selectors.building_list(user=demo["akimat.karaganda"])) == {world.building}
    assert set(selectors.building_list(user=demo["akimat.mangystau"])) == {world.other_building}
    assert set(selectors.building_list(user=demo["ministry"])) == {world.building, world.other_building}
    assert not selectors.building_list(user=demo["bank"]).exists()
    with pytest.raises(Http404):
        selectors.meter_get(user=demo["akimat.mangystau"], pk=world.flat1.pk)
    assert selectors.batch_get(user=demo["utility"], pk=batch.pk) == batch
    with pytest.raises(Http404):
        selectors.batch_get(user=demo["akimat.mangystau"], pk=batch.pk)
    assert selectors.meter_readings(user=demo["akimat.mangystau"], meter=world.flat1) == []


def test_meter_flags(world, demo):
    meters = {m.serial: m for m in selectors.meter_list(user=demo["office"], on=dt.date(2026, 6, 1))}
    assert meters["F-2"].verification_overdue and meters["F-2"].type_not_approved
    assert not meters["F-1"].verification_overdue and not meters["F-1"].type_not_approved
    assert meters["F-1"].next_verification_on == dt.date(2030, 1, 1)
    summary = selectors.meter_flag_summary(user=demo["office"], on=dt.date(2026, 6, 1))
    assert summary["overdue"] == 1 and summary["type_not_approved"] == 1


def test_meter_types_visible_to_any_role_not_to_anonymous(world, demo):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.meter_type_list(user=demo["manufacturer"]).count() == 2
    assert not selectors.meter_type_list(user=AnonymousUser()).exists()
