"""Fixtures of the metering tests: a small world of types, buildings and meters built through the services."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization
from meks.accounts.services import organization_create
from meks.metering import services
from meks.metering.choices import BatchMode, Interface, Medium, MeterRole
from meks.territory.models import Settlement

#: The moment tests take as "now": readings later than this are in the future.
NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def english_messages():
    from django.utils import translation

    with translation.override("en"):
        yield


def make_type(*, approval: str, medium: str = Medium.COLD_WATER, status: str = "approved", **extra):
    fields = {
        "approval_number": approval, "approved_on": dt.date(2020, 1, 1), "name": f"T-{approval}",
        "manufacturer_name": "Test Meters LLP", "medium": medium, "nominal_diameter": 15, "q3": "2.50",
        "r_ratio": 160, "accuracy_class": "2", "verification_interval_years": 5, "interface": Interface.LORAWAN,
        "status": status,
    }
    fields.update(extra)
    return services.meter_type_create(actor=None, **fields)


@pytest.fixture
def world(demo):
    """Karaganda: building A (2 flats, 4 residents) of the demo utility with an input, a common and two flat
    cold-water meters; Mangystau: building B of another utility with one flat meter."""
    karaganda_utility = Organization.objects.get(kind=OrganizationKind.UTILITY, region__kato="35")
    mangystau = Settlement.objects.filter(region__kato="47").order_by("kato").first()
    other_utility = organization_create(actor=None, kind=OrganizationKind.UTILITY, region=mangystau.region,
                                        name_ru="Другая", name_en="Other utility")
    cold = make_type(approval="KZ.02.01.00001-2020")
    withdrawn = make_type(approval="KZ.02.01.00002-2019", status="withdrawn")
    settlement = Settlement.objects.filter(region__kato="35").order_by("kato").first()
    building = services.building_create(actor=None, utility=karaganda_utility, settlement=settlement,
                                        address="ул. Тестовая, 1", flats=2, residents=4,
                                        norm_litres_per_person_day=200)
    installed = dt.date(2025, 1, 1)

    def meter(serial, role, building=building, flat="", meter_type=cold, **extra):
        return services.meter_create(actor=None, building=building, meter_type=meter_type, serial=serial, role=role,
                                     installed_on=installed, flat_number=flat, **extra)

    other_building = services.building_create(actor=None, utility=other_utility, settlement=mangystau,
                                              address="мкр 5, дом 1", flats=1, residents=2)
    return SimpleNamespace(
        utility=karaganda_utility, other_utility=other_utility, building=building, other_building=other_building,
        cold=cold, withdrawn=withdrawn, settlement=settlement,
        input=meter("IN-1", MeterRole.INPUT),
        common=meter("CO-1", MeterRole.COMMON),
        flat1=meter("F-1", MeterRole.FLAT, flat="1", account="1001"),
        flat2=meter("F-2", MeterRole.FLAT, flat="2", account="1002", meter_type=withdrawn,
                    last_verified_on=dt.date(2019, 1, 1)),
        foreign=meter("X-1", MeterRole.FLAT, building=other_building, flat="1"),
        small=meter("R-1", MeterRole.FLAT, flat="1", register_digits=3),
        meter=meter,
    )


def csv_bytes(rows, header="meter,taken_at,value", encoding="utf-8", delimiter=","):
    lines = [header] + [delimiter.join(str(part) for part in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


@pytest.fixture
def ingest(demo):
    """Ingest CSV rows as a user (the demo utility by default); returns the IngestResult."""

    def run(rows, *, user="utility", mode=BatchMode.ACCEPT_GOOD, raw=None, source="csv", now=NOW, **kwargs):
        data = raw if raw is not None else csv_bytes(rows, **kwargs)
        return services.readings_ingest(actor=demo[user] if user else None, source=source, stream=io.BytesIO(data),
                                        mode=mode, now=now)

    return run
