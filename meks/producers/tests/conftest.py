"""Fixtures of the producers' tests: a small register and catalogue, a project with a bill, a contract."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from meks.accounts.models import Organization
from meks.portfolio import services as portfolio_services
from meks.portfolio.models import Direction
from meks.producers import services
from meks.producers.models import ProductCategory
from meks.territory.models import Region


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages are asserted in English."""
    from django.utils import translation

    with translation.override("en"):
        yield


def valid_bin(first_eleven: str) -> str:
    from meks.core.validators import with_control_digit

    for tail in range(100):
        candidate = with_control_digit(f"{first_eleven[:9]}{tail:02d}")
        if candidate:
            return candidate
    raise AssertionError("no valid BIN")


def category(code: str) -> ProductCategory:
    return ProductCategory.objects.get(code=code)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(demo, today):
    """Three producers (the demo manufacturer's own, another verified one, one awaiting verification) and products.

    - ``pipe``: own producer, steel pipes by the metre, 20,000 × 1,000 = 20,000,000 tenge, valid certificate;
    - ``valve``: other producer, valves by the piece, 500,000 × 10 = 5,000,000 tenge, expired certificate;
    - ``pump``: other producer, pumps by the piece, 3,000,000 × 2 = 6,000,000 tenge, no certificate;
    - ``hidden``: pending producer, steel pipes by the metre, 1,000 × 1 = 1,000 tenge, valid certificate.
    """
    own_org = Organization.objects.get(kind="manufacturer")
    karaganda = Region.objects.get(kato="35")
    almaty = Region.objects.get(kato="75")
    own = services.producer_register(actor=None, bin=own_org.bin, name_ru="Павлодарский трубный завод",
                                     name_en="Pavlodar Pipe Plant", region=own_org.region, organization=own_org)
    other = services.producer_register(actor=None, bin=valid_bin("05044000123"), name_ru="Арматурный завод Сарыарка",
                                       region=karaganda)
    pending = services.producer_register(actor=None, bin=valid_bin("07064000456"), name_ru="Новый завод",
                                         region=almaty)
    for producer in (own, other):
        services.producer_transition(actor=None, producer=producer, action="verify")
    pipe = services.product_create(actor=None, producer=own, category=category("steel_pipes"),
                                   name_ru="Труба стальная 530×8 мм", name_en="Steel pipe 530×8 mm", unit="metre",
                                   unit_price="20000", quantity_listed="1000")
    valve = services.product_create(actor=None, producer=other, category=category("valves"),
                                    name_ru="Задвижка Ду 300", name_en="Gate valve DN 300", unit="piece",
                                    unit_price="500000", quantity_listed="10")
    pump = services.product_create(actor=None, producer=other, category=category("pumps"), name_ru="Насос 200 м³/ч",
                                   name_en="Pump 200 m3/h", unit="piece", unit_price="3000000", quantity_listed="2")
    hidden = services.product_create(actor=None, producer=pending, category=category("steel_pipes"),
                                     name_ru="Труба опытная", unit="metre", unit_price="1000", quantity_listed="1")
    services.certificate_add(actor=None, product=pipe, number="KZ-1", issuer="Атамекен",
                             issued_on=today - dt.timedelta(days=100), valid_until=today + dt.timedelta(days=400))
    services.certificate_add(actor=None, product=valve, number="KZ-2", issuer="Атамекен",
                             issued_on=today - dt.timedelta(days=500), valid_until=today - dt.timedelta(days=10))
    services.certificate_add(actor=None, product=hidden, number="KZ-3", issuer="Атамекен",
                             issued_on=today - dt.timedelta(days=10), valid_until=today + dt.timedelta(days=30))
    return {"own": own, "other": other, "pending": pending, "pipe": pipe, "valve": valve, "pump": pump,
            "hidden": hidden, "users": demo}


@pytest.fixture
def project(world):
    """A draft heat project in Karaganda region, owned by the demo utility."""
    users = world["users"]
    direction = Direction.objects.create(code="heat", name_ru="Теплоснабжение", order=1)
    return portfolio_services.project_create(
        actor=users["office"], code="P-35-001", title_ru="Реконструкция теплосетей", direction=direction,
        project_type="replacement", region=Region.objects.get(kato="35"),
        owner=users["utility"].organization, responsible=users["utility"], cost_estimate=Decimal("5000000000"))


def bill_lines():
    """A bill: pipes (covered: own verified producer, same unit, valid certificate), valves (expired: not
    covered), pipes in tonnes (unit not listed: not covered)."""
    return [
        {"category": category("steel_pipes"), "description": "Труба 530×8", "quantity": "2000", "unit": "metre",
         "estimated_unit_price": "21000"},  # 42,000,000
        {"category": category("valves"), "description": "Задвижки", "quantity": "20", "unit": "piece",
         "estimated_unit_price": "400000"},  # 8,000,000
        {"category": category("steel_pipes"), "description": "Труба бесшовная", "quantity": "10", "unit": "tonne",
         "estimated_unit_price": "1000000"},  # 10,000,000
    ]


@pytest.fixture
def contract(world, today):
    """An offtake contract of the demo utility with the own producer over last year, this year and next."""
    users = world["users"]
    return services.offtake_contract_create(
        actor=users["utility"], number="OFT-T-1", kind="offtake", utility=users["utility"].organization,
        producer=world["own"], product=world["pipe"], signed_on=dt.date(today.year - 2, 12, 1),
        start_year=today.year - 1, end_year=today.year + 1, unit_price="19000",
        planned={today.year - 1: "1000", today.year: "1200", today.year + 1: "1500"})
