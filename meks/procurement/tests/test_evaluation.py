"""Evaluation: the domestic-content preference table, a case where it changes the winner, disqualification,
and the award passing to the next bidder when the winner declines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from meks.core.errors import ServiceError
from meks.procurement import evaluation, services
from meks.procurement.models import Award, Bid

from .conftest import AWARDED, OPENED, evaluate_all, submit


@pytest.mark.parametrize(("share", "discount"), [
    ("0", "0"), ("19.99", "0"), ("20", "3"), ("39.5", "3"), ("40", "7"), ("60", "11"), ("79.99", "11"),
    ("80", "15"), ("100", "15"),
])
def test_the_preference_grows_with_the_share_and_is_capped(share, discount):
    assert evaluation.preference_percent(Decimal(share)) == Decimal(discount)


def test_the_evaluated_price_is_the_price_less_the_preference():
    assert evaluation.evaluated_price(Decimal("1000000.00"), Decimal("65")) == Decimal("890000.00")
    assert evaluation.evaluated_price(Decimal("1000000.00"), Decimal("5")) == Decimal("1000000.00")


def test_the_preference_table_is_configurable(settings):
    settings.PROCUREMENT_DOMESTIC_PREFERENCE = [("50", "20")]
    assert evaluation.preference_percent(Decimal("60")) == Decimal("20")
    assert evaluation.preference_percent(Decimal("45")) == Decimal("0")


def test_the_domestic_preference_changes_the_winner(users, contractors, published_tender):
    tender = published_tender()
    # The importer is cheaper by price (950 < 1000), the domestic bidder wins on evaluated price (1000 × 0.93 = 930).
    domestic = submit(users, tender, "contractor", "1000000000", "45")
    importer = submit(users, tender, "bidder2", "950000000", "5")
    tender = evaluate_all(users, tender)
    domestic.refresh_from_db()
    importer.refresh_from_db()
    assert (domestic.rank, domestic.preference_percent, domestic.evaluated_price) == (
        1, Decimal("7.00"), Decimal("930000000.00"))
    assert (importer.rank, importer.preference_percent, importer.evaluated_price) == (
        2, Decimal("0.00"), Decimal("950000000.00"))
    award = services.tender_award(actor=users["utility"], tender=tender, at=AWARDED)[0]
    # The award and the contract are at the bid's own price, not the evaluated one.
    assert (award.contractor, award.value) == (contractors["contractor"], Decimal("1000000000.00"))


def test_without_the_preference_the_cheapest_wins(users, contractors, published_tender, settings):
    settings.PROCUREMENT_DOMESTIC_PREFERENCE = [("100", "0")]
    tender = published_tender()
    submit(users, tender, "contractor", "1000000000", "45")
    submit(users, tender, "bidder2", "950000000", "5")
    tender = evaluate_all(users, tender)
    award = services.tender_award(actor=users["utility"], tender=tender, at=AWARDED)[0]
    assert award.contractor == contractors["bidder2"]


def test_a_bid_failing_a_requirement_is_disqualified_with_the_reason(users, contractors, published_tender):
    tender = published_tender()
    cheap = submit(users, tender, "bidder3", "500000000", "0")
    submit(users, tender, "contractor", "1000000000", "0")
    submit(users, tender, "bidder2", "1100000000", "0")
    tender = evaluate_all(users, tender, failing=("bidder3",))
    cheap.refresh_from_db()
    assert (cheap.status, cheap.rank) == ("disqualified", None)
    assert "нет лицензии" in cheap.disqualification_reason
    assert list(Bid.objects.filter(status="qualified").order_by("rank").values_list("contractor__bin", "rank")) == [
        (contractors["contractor"].bin, 1), (contractors["bidder2"].bin, 2)]


def test_ranking_waits_for_every_requirement(users, contractors, published_tender):
    tender = published_tender()
    submit(users, tender, "contractor", "1000", "0")
    submit(users, tender, "bidder2", "1100", "0")
    tender = services.tender_open_bids(actor=users["utility"], tender=tender, at=OPENED)
    tender = services.tender_start_evaluation(actor=users["utility"], tender=tender, at=OPENED)
    with pytest.raises(ServiceError, match="Record every requirement"):
        services.lot_evaluate(actor=users["utility"], lot=tender.lots.get())
    with pytest.raises(ServiceError, match="Say why"):
        services.qualification_record(actor=users["utility"], bid=Bid.objects.first(),
                                      requirement=tender.requirements.first(), passed=False)


def test_when_the_winner_declines_the_next_bidder_gets_the_award(users, contractors, published_tender):
    tender = published_tender()
    submit(users, tender, "contractor", "1000", "0")
    submit(users, tender, "bidder2", "1100", "0")
    submit(users, tender, "bidder3", "1200", "0")
    tender = evaluate_all(users, tender)
    first = services.tender_award(actor=users["utility"], tender=tender, at=AWARDED)[0]
    services.tender_start_standstill(actor=users["utility"], tender=tender, at=AWARDED)
    with pytest.raises(ServiceError, match="Only the winner or the customer"):
        services.award_decline(actor=users["bidder3"], award=first, reason="no")
    second = services.award_decline(actor=users["contractor"], award=first, reason="Отказ от заключения договора",
                                    at=AWARDED + dt.timedelta(days=1))
    first.refresh_from_db()
    tender.refresh_from_db()
    assert (first.status, first.bid.status) == ("declined", "declined")
    assert (second.contractor, second.value, tender.status) == (contractors["bidder2"], Decimal("1100.00"), "awarded")
    third = services.award_decline(actor=users["utility"], award=second, reason="Не подписал")
    assert third.contractor == contractors["bidder3"]
    assert services.award_decline(actor=users["utility"], award=third, reason="Не подписал") is None
    tender.refresh_from_db()
    assert (tender.status, tender.lots.get().status) == ("unsuccessful", "unsuccessful")
    assert Award.objects.filter(status="declined").count() == 3
