"""Services of domestic producers: rights, validation, bad input changing nothing, history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from meks.accounts.models import Organization
from meks.core.errors import ConcurrentEditError, ServiceError, TransitionError
from meks.producers import services
from meks.producers.models import Delivery, MaterialLine, OfftakeContract, OriginCertificate, Producer, Product
from meks.territory.models import Region

from .conftest import bill_lines, category, valid_bin

pytestmark = pytest.mark.django_db


def test_manufacturer_registers_its_own_organization_awaiting_verification(demo):
    user = demo["manufacturer"]
    producer = services.producer_register(actor=user, bin=user.organization.bin, name_ru="Завод",
                                          region=Region.objects.get(kato="55"))
    assert producer.organization_id == user.organization_id
    assert producer.status == "pending"
    assert producer.history.count() == 1
    assert producer.history.first().history_user == user


def test_a_contractor_may_not_register_a_producer(demo):
    with pytest.raises(ServiceError) as error:
        services.producer_register(actor=demo["contractor"], bin=valid_bin("05044000777"), name_ru="Завод",
                                   region=Region.objects.get(kato="35"))
    assert error.value.code == "forbidden"
    assert not Producer.objects.exists()


def test_a_bin_with_a_wrong_control_digit_is_refused_and_nothing_is_saved(demo):
    good = valid_bin("05044000777")
    bad = good[:11] + str((int(good[11]) + 1) % 10)
    with pytest.raises(ServiceError) as error:
        services.producer_register(actor=demo["techoperator"], bin=bad, name_ru="Завод",
                                   region=Region.objects.get(kato="35"))
    assert "control digit" in str(error.value.message_dict["bin"])
    assert not Producer.objects.exists()


def test_a_bin_registered_twice_is_refused(world):
    with pytest.raises(ServiceError) as error:
        services.producer_register(actor=world["users"]["techoperator"], bin=world["other"].bin, name_ru="Двойник",
                                   region=Region.objects.get(kato="35"))
    assert error.value.message_dict["bin"] == ["A producer with this BIN is already registered."]
    assert Producer.objects.count() == 3


def test_the_technical_operator_verifies_and_the_manufacturer_may_not(world):
    users = world["users"]
    pending = world["pending"]
    with pytest.raises(TransitionError) as error:
        services.producer_transition(actor=users["manufacturer"], producer=pending, action="verify")
    assert error.value.code == "forbidden"
    pending.refresh_from_db()
    assert pending.status == "pending"
    services.producer_transition(actor=users["techoperator"], producer=pending, action="verify")
    pending.refresh_from_db()
    assert pending.status == "verified"
    assert pending.version == 2


def test_suspending_needs_a_reason_and_the_owner_may_ask_again(world):
    users = world["users"]
    own = world["own"]
    with pytest.raises(TransitionError) as error:
        services.producer_transition(actor=users["techoperator"], producer=own, action="suspend")
    assert error.value.code == "reason_required"
    services.producer_transition(actor=users["techoperator"], producer=own, action="suspend",
                                 reason="Certificates withdrawn")
    own.refresh_from_db()
    assert (own.status, own.status_reason) == ("suspended", "Certificates withdrawn")
    services.producer_transition(actor=users["manufacturer"], producer=own, action="resubmit")
    own.refresh_from_db()
    assert own.status == "pending"


def test_the_owner_edits_its_registration_but_not_its_bin(world):
    users = world["users"]
    own = world["own"]
    own.refresh_from_db()
    services.producer_update(actor=users["manufacturer"], producer=own, expected_version=own.version,
                             capacity="150 000 t a year")
    own.refresh_from_db()
    assert own.capacity == "150 000 t a year"
    with pytest.raises(ServiceError):
        services.producer_update(actor=users["manufacturer"], producer=own, expected_version=own.version,
                                 bin=valid_bin("05044000999"))


def test_another_producers_registration_is_refused_to_the_manufacturer(world):
    other = world["other"]
    with pytest.raises(ServiceError) as error:
        services.producer_update(actor=world["users"]["manufacturer"], producer=other,
                                 expected_version=other.version, capacity="x")
    assert error.value.code == "forbidden"
    other.refresh_from_db()
    assert other.capacity == ""


def test_the_owner_adds_a_product_and_another_producers_catalogue_is_refused(world):
    users = world["users"]
    product = services.product_create(actor=users["manufacturer"], producer=world["own"],
                                      category=category("preinsulated_pipes"), name_ru="Труба в ППУ Ду 300",
                                      unit="metre", unit_price="45 000,50", quantity_listed="1200")
    assert product.unit_price == Decimal("45000.50")
    assert product.history.first().history_user == users["manufacturer"]
    with pytest.raises(ServiceError) as error:
        services.product_create(actor=users["manufacturer"], producer=world["other"], category=category("valves"),
                                name_ru="Чужая задвижка", unit="piece", unit_price="1", quantity_listed="1")
    assert error.value.code == "forbidden"
    assert not Product.objects.filter(name_ru="Чужая задвижка").exists()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("unit_price", "-5", "The amount must be positive."),
    ("unit_price", "abc", "Enter an amount in tenge."),
    ("quantity_listed", "-1", "The quantity cannot be negative."),
    ("unit", "barrel", "Choose a unit from the list."),
])
def test_bad_product_input_is_refused_and_nothing_is_saved(world, field, value, message):
    fields = {"unit": "metre", "unit_price": "100", "quantity_listed": "1", field: value}
    before = Product.objects.count()
    with pytest.raises(ServiceError) as error:
        services.product_create(actor=world["users"]["techoperator"], producer=world["own"],
                                category=category("steel_pipes"), name_ru="Труба", **fields)
    assert error.value.message_dict[field] == [message]
    assert Product.objects.count() == before


def test_a_product_change_against_an_old_version_is_refused(world):
    pipe = world["pipe"]
    users = world["users"]
    services.product_update(actor=users["techoperator"], product=pipe, expected_version=1, unit_price="21000")
    with pytest.raises(ConcurrentEditError):
        services.product_update(actor=users["manufacturer"], product=pipe, expected_version=1, unit_price="1")
    pipe.refresh_from_db()
    assert pipe.unit_price == Decimal("21000.00")
    assert pipe.version == 2


def test_a_certificate_ending_before_it_was_issued_is_refused(world, today):
    with pytest.raises(ServiceError) as error:
        services.certificate_add(actor=world["users"]["manufacturer"], product=world["pipe"], number="KZ-9",
                                 issuer="x", issued_on=today, valid_until=today - dt.timedelta(days=1))
    assert error.value.message_dict["valid_until"] == ["A certificate cannot end before it was issued."]
    assert not OriginCertificate.objects.filter(number="KZ-9").exists()


def test_catalogue_extend_refuses_the_whole_list_naming_every_bad_position(world, today):
    positions = [
        {"category": category("valves"), "name_ru": "Кран", "unit": "piece", "unit_price": "1000",
         "quantity_listed": "5"},
        {"category": category("valves"), "name_ru": "Кран 2", "unit": "piece", "unit_price": "0", "quantity_listed": "5"},
        {"category": None, "name_ru": "Кран 3", "unit": "piece", "unit_price": "10", "quantity_listed": "5"},
    ]
    with pytest.raises(ServiceError) as error:
        services.catalogue_extend(actor=world["users"]["techoperator"], producer=world["other"], positions=positions)
    assert error.value.messages == ["Position 2: The amount must be positive.",
                                    "Position 3: Choose a category from the list."]
    assert world["other"].products.count() == 2
    created = services.catalogue_extend(actor=None, producer=world["other"], positions=[
        {**positions[0], "certificate": {"number": "C-1", "issuer": "x", "issued_on": today,
                                         "valid_until": today + dt.timedelta(days=5)}}])
    assert created[0].certificates.get().number == "C-1"
    assert created[0].history.count() == 1


def test_bill_replace_reports_every_bad_line_and_changes_nothing(project, world):
    users = world["users"]
    services.bill_replace(actor=users["utility"], project=project, lines=bill_lines())
    lines = bill_lines()
    lines[0]["quantity"] = "0"
    lines[2]["unit"] = "barrel"
    lines[2]["description"] = ""
    with pytest.raises(ServiceError) as error:
        services.bill_replace(actor=users["utility"], project=project, lines=lines)
    assert error.value.messages == ["Line 1: The quantity must be positive.", "Line 3: Describe the material.",
                                    "Line 3: Choose a unit from the list."]
    assert list(MaterialLine.objects.filter(project=project).values_list("quantity", flat=True)) == [
        Decimal("2000.000"), Decimal("20.000"), Decimal("10.000")]


def test_bill_replace_replaces_the_lines_and_keeps_their_removal_in_history(project, world):
    users = world["users"]
    services.bill_replace(actor=users["utility"], project=project, lines=bill_lines())
    old = MaterialLine.objects.get(project=project, line_number=1)
    count = services.bill_replace(actor=users["techoperator"], project=project, lines=bill_lines()[:1], reason="v2")
    assert count == 1
    assert MaterialLine.objects.filter(project=project).count() == 1
    removed = MaterialLine.history.filter(id=old.pk, history_type="-").get()
    assert removed.history_user == users["techoperator"]
    assert removed.history_change_reason == "v2"


@pytest.mark.parametrize("username", ["contractor", "manufacturer", "akimat.mangystau", "bank"])
def test_a_bill_is_kept_only_by_the_projects_side(project, world, username):
    with pytest.raises(ServiceError) as error:
        services.bill_replace(actor=world["users"][username], project=project, lines=bill_lines())
    assert error.value.code == "forbidden"
    assert not MaterialLine.objects.exists()


def test_a_contract_needs_a_volume_for_every_year(world, today):
    users = world["users"]
    with pytest.raises(ServiceError) as error:
        services.offtake_contract_create(
            actor=users["utility"], number="OFT-X", kind="offtake", utility=users["utility"].organization,
            producer=world["own"], product=world["pipe"], signed_on=today, start_year=2025, end_year=2027,
            unit_price="100", planned={2025: "10", 2026: "x", 2030: "5"})
    assert error.value.message_dict["planned"] == [
        "The volume for 2026 is not a number.", "2030 is outside the contract's years.",
        "Give the planned volume for every year: 2026, 2027 missing."]
    assert not OfftakeContract.objects.exists()


def test_a_utility_records_contracts_only_for_itself(world, today):
    users = world["users"]
    other_utility = Organization.objects.create(kind="utility", name_ru="Другая сеть")
    with pytest.raises(ServiceError) as error:
        services.offtake_contract_create(
            actor=users["utility"], number="OFT-Y", kind="offtake", utility=other_utility, producer=world["own"],
            product=world["pipe"], signed_on=today, start_year=2025, end_year=2025, unit_price="100",
            planned={2025: "10"})
    assert error.value.code == "forbidden"
    with pytest.raises(ServiceError) as error:
        services.offtake_contract_create(
            actor=users["office"], number="OFT-Y", kind="offtake", utility=users["bank"].organization,
            producer=world["own"], product=world["valve"], signed_on=today, start_year=2025, end_year=2025,
            unit_price="100", planned={2025: "10"})
    assert set(error.value.message_dict) == {"utility", "product"}
    assert not OfftakeContract.objects.exists()


def test_deliveries_are_recorded_by_the_utility_within_the_term(contract, world, today):
    users = world["users"]
    delivery = services.delivery_record(actor=users["utility"], contract=contract,
                                        delivered_on=dt.date(today.year - 1, 6, 1), quantity="400")
    assert (delivery.year, delivery.quantity) == (today.year - 1, Decimal("400.000"))
    with pytest.raises(ServiceError) as error:
        services.delivery_record(actor=users["utility"], contract=contract,
                                 delivered_on=dt.date(today.year - 2, 6, 1), quantity="1")
    assert "outside the contract's years" in error.value.message_dict["delivered_on"][0]
    with pytest.raises(ServiceError) as error:
        services.delivery_record(actor=users["utility"], contract=contract,
                                 delivered_on=today + dt.timedelta(days=1), quantity="1")
    assert error.value.message_dict["delivered_on"] == ["A delivery cannot be dated in the future."]
    with pytest.raises(ServiceError) as error:
        services.delivery_record(actor=users["manufacturer"], contract=contract, delivered_on=today, quantity="1")
    assert error.value.code == "forbidden"
    assert Delivery.objects.count() == 1
