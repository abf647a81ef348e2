"""Contracts (amendments over the limit, payments capped by progress) and the contractor registry (BIN checks,
verification, suspension, the register of unreliable suppliers)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from meks.core.errors import ServiceError, TransitionError
from meks.core.testing.matrix import snapshot
from meks.core.validators import with_control_digit
from meks.portfolio import services as portfolio_services
from meks.portfolio.models import Project
from meks.procurement import selectors, services
from meks.procurement.models import Contract, ContractAmendment, Contractor, ContractPayment

from .conftest import AWARDED, SIGNED, evaluate_all, submit


@pytest.fixture
def contract(users, contractors, published_tender):
    """A contract of 1 bn tenge signed on an awarded tender, its project moved into implementation."""
    tender = published_tender()
    submit(users, tender, "contractor", "1000000000", "30")
    submit(users, tender, "bidder2", "1100000000", "0")
    tender = evaluate_all(users, tender)
    award = services.tender_award(actor=users["utility"], tender=tender, at=AWARDED)[0]
    services.tender_start_standstill(actor=users["utility"], tender=tender, at=AWARDED)
    signed = services.contract_sign(actor=users["utility"], award=award, number="C-1", start_date=dt.date(2025, 1, 1),
                                    end_date=dt.date(2027, 12, 31), at=SIGNED)
    portfolio_services.project_transition(actor=users["utility"], project=tender.project, action="start_implementation")
    return signed


def test_the_committed_share_may_not_fall_below_the_declared(users, contractors, published_tender):
    tender = published_tender()
    submit(users, tender, "contractor", "1000", "30")
    submit(users, tender, "bidder2", "1100", "0")
    tender = evaluate_all(users, tender)
    award = services.tender_award(actor=users["utility"], tender=tender, at=AWARDED)[0]
    services.tender_start_standstill(actor=users["utility"], tender=tender, at=AWARDED)
    with pytest.raises(ServiceError, match=r"cannot be below the 30\.00 % declared"):
        services.contract_sign(actor=users["utility"], award=award, number="C-1", start_date=dt.date(2025, 1, 1),
                               end_date=dt.date(2026, 1, 1), local_content_share="20", at=SIGNED)
    assert not Contract.objects.exists()


def test_amendments_above_ten_percent_cumulative_are_flagged(users, contract):
    first = services.contract_amend(actor=users["utility"], contract=contract, kind="value", value_change="60000000",
                                    reason="Доп. работы", signed_on=dt.date(2026, 3, 1))
    second = services.contract_amend(actor=users["utility"], contract=contract, kind="value", value_change="50000000",
                                     reason="Ещё работы", signed_on=dt.date(2026, 4, 1))
    services.contract_amend(actor=users["utility"], contract=contract, kind="duration", reason="Погода",
                            new_end_date=dt.date(2028, 6, 30), signed_on=dt.date(2026, 5, 1))
    contract.refresh_from_db()
    assert (first.cumulative_increase_percent, first.over_limit) == (Decimal("6.00"), False)
    assert (second.cumulative_increase_percent, second.over_limit) == (Decimal("11.00"), True)
    assert (contract.value, contract.signed_value, contract.end_date) == (
        Decimal("1110000000.00"), Decimal("1000000000.00"), dt.date(2028, 6, 30))
    assert [c.pk for c in selectors.contracts_over_amendment_limit(user=users["office"])] == [contract.pk]


def test_the_amendment_limit_is_configurable(users, contract, settings):
    settings.PROCUREMENT_AMENDMENT_LIMIT_PERCENT = 5
    amendment = services.contract_amend(actor=users["utility"], contract=contract, kind="value",
                                        value_change="60000000", reason="Доп. работы", signed_on=dt.date(2026, 3, 1))
    assert amendment.over_limit is True


def test_an_amendment_needs_what_it_changes(users, contract):
    before = snapshot(ContractAmendment.objects.all(), Contract.objects.all())
    with pytest.raises(ServiceError, match="sets the new end"):
        services.contract_amend(actor=users["utility"], contract=contract, kind="duration", reason="x",
                                signed_on=dt.date(2026, 1, 1))
    with pytest.raises(ServiceError, match="must stay positive"):
        services.contract_amend(actor=users["utility"], contract=contract, kind="value", reason="x",
                                value_change="-1000000000", signed_on=dt.date(2026, 1, 1))
    assert snapshot(ContractAmendment.objects.all(), Contract.objects.all()) == before


def test_payments_are_capped_by_the_reported_progress(users, contract):
    project = Project.objects.get(pk=contract.project_id)
    report = portfolio_services.progress_report_submit(actor=users["utility"], project=project,
                                                       period=dt.date(2026, 6, 1), completion_percent=Decimal("30"))
    payment = services.contract_payment_record(actor=users["utility"], contract=contract, amount="200000000",
                                               paid_on=dt.date(2026, 7, 1), progress_report=report)
    assert (payment.cumulative_paid, payment.progress_cap) == (Decimal("200000000.00"), Decimal("300000000.00"))
    before = snapshot(ContractPayment.objects.all())
    with pytest.raises(ServiceError, match=r"above the 300000000\.00 tenge that 30 % completion allows"):
        services.contract_payment_record(actor=users["utility"], contract=contract, amount="100000000.01",
                                         paid_on=dt.date(2026, 7, 2), progress_report=report)
    assert snapshot(ContractPayment.objects.all()) == before
    services.contract_payment_record(actor=users["utility"], contract=contract, amount="100000000",
                                     paid_on=dt.date(2026, 7, 2), progress_report=report)
    assert selectors.contract_get(user=users["office"], pk=contract.pk).paid == Decimal("300000000.00")


def test_a_payment_names_a_report_of_the_contracts_project(users, contract, make_project):
    other = make_project()
    Project.objects.filter(pk=other.pk).update(status="implementation")
    report = portfolio_services.progress_report_submit(actor=users["utility"], project=Project.objects.get(pk=other.pk),
                                                       period=dt.date(2026, 6, 1), completion_percent=Decimal("90"))
    with pytest.raises(ServiceError, match="another project"):
        services.contract_payment_record(actor=users["utility"], contract=contract, amount="1",
                                         paid_on=dt.date(2026, 7, 1), progress_report=report)


@pytest.mark.parametrize(("value", "problem"), [
    ("12345", "must be exactly 12 digits"),
    ("12345678901a", "must be exactly 12 digits"),
    ("wrong", "must be exactly 12 digits"),
])
def test_an_invalid_bin_is_refused_naming_the_problem(users, value, problem):
    with pytest.raises(ServiceError) as error:
        services.contractor_register(actor=users["techoperator"], bin=value, name_ru="ТОО")
    assert f"Invalid BIN: {problem}" in str(error.value)
    assert not Contractor.objects.exists()


def test_a_wrong_control_digit_is_named(users):
    valid = with_control_digit("08024000123")
    wrong = valid[:11] + str((int(valid[11]) + 1) % 10)
    with pytest.raises(ServiceError) as error:
        services.contractor_register(actor=users["techoperator"], bin=wrong, name_ru="ТОО")
    assert f"the control digit is {wrong[11]}, expected {valid[11]}" in str(error.value)
    assert services.contractor_register(actor=users["techoperator"], bin=valid, name_ru="ТОО").status == "pending"


def test_self_registration_uses_the_users_organization(users):
    user = users["contractor"]
    contractor = services.contractor_register(actor=user, bin=user.organization.bin, name_ru="СтройИнжиниринг",
                                              categories=["heat_networks", "design"])
    assert (contractor.organization, contractor.registered_by, contractor.status) == (
        user.organization, user, "pending")
    with pytest.raises(ServiceError, match="already registered"):
        services.contractor_register(actor=user, bin=user.organization.bin, name_ru="Again")
    other = with_control_digit("08024000123")
    with pytest.raises(ServiceError, match="differs from the organization's BIN"):
        services.contractor_register(actor=users["bidder2"], bin=other, name_ru="X")
    with pytest.raises(ServiceError, match="Only a contractor's own user"):
        services.contractor_register(actor=users["bank"], bin=other, name_ru="X")


def test_verification_and_suspension_by_the_technical_operator(users):
    user = users["contractor"]
    contractor = services.contractor_register(actor=user, bin=user.organization.bin, name_ru="СтройИнжиниринг")
    with pytest.raises(ServiceError, match="Only the technical operator"):
        services.contractor_verify(actor=user, contractor=contractor)
    contractor = services.contractor_verify(actor=users["techoperator"], contractor=contractor)
    assert (contractor.status, contractor.verified_by) == ("verified", users["techoperator"])
    with pytest.raises(TransitionError, match="Give the reason"):
        services.contractor_suspend(actor=users["techoperator"], contractor=contractor, reason="")
    contractor = services.contractor_suspend(actor=users["techoperator"], contractor=contractor, reason="Лицензия")
    assert contractor.status == "suspended"
    assert services.contractor_verify(actor=users["techoperator"], contractor=contractor).status == "verified"


def test_the_unreliable_register(users, contractors):
    entry = services.unreliable_supplier_include(actor=users["techoperator"], contractor=contractors["bidder2"],
                                                 reason="Решение суда", listed_from=dt.date(2025, 1, 1))
    assert services.bidding_problem(contractors["bidder2"]) is not None
    assert [row.pk for row in selectors.unreliable_register()] == [entry.pk]
    services.unreliable_supplier_remove(actor=users["techoperator"], entry=entry, reason="Решение отменено")
    assert services.bidding_problem(contractors["bidder2"]) is None
    assert list(selectors.unreliable_register()) == []
