"""Sealed bids at the service level: nothing of a bid's content is stored in clear before the opening; every bad
bid is refused with a clear message and writes nothing; withdrawing and replacing before the deadline; the
periodic opening."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.urls import reverse

from meks.core.errors import ServiceError, TransitionError
from meks.core.testing.matrix import snapshot
from meks.procurement import sealing, services
from meks.procurement.models import Bid, BidDocument
from meks.procurement.sealing import SealedError

from .conftest import BIDDING, DEADLINE, OPENED, submit

PRICE = "987654321.55"


def all_bid_state():
    return snapshot(Bid.objects.all(), BidDocument.objects.all())


def test_the_sealed_content_is_nowhere_in_clear_before_the_opening(users, contractors, published_tender):
    tender = published_tender()
    bid = submit(users, tender, "contractor", PRICE, "42.5", documents=[("смета.pdf", b"SECRET-ESTIMATE-CONTENT")])
    bid.refresh_from_db()
    assert (bid.price, bid.local_content_share) == (None, None)
    assert PRICE not in bid.sealed_content and "42.5" not in bid.sealed_content
    # The row, its history and the document file hold ciphertext only.
    with connection.cursor() as cursor:
        for table in ("procurement_bid", "procurement_historicalbid", "procurement_biddocument",
                      "procurement_historicalbiddocument"):
            cursor.execute(f"SELECT * FROM {table}")
            dump = repr(cursor.fetchall())
            assert "987654321" not in dump and "42.5" not in dump and "смета" not in dump, table
    document = bid.documents.get()
    assert document.name == "" and not document.file
    with default_storage.open(document.sealed_file.name, "rb") as handle:
        stored = handle.read()
    assert b"SECRET-ESTIMATE-CONTENT" not in stored
    assert bid.seal_digest == sealing.seal_digest(bid.sealed_content)


def test_the_reading_function_refuses_before_the_deadline(users, contractors, published_tender):
    tender = published_tender()
    bid = submit(users, tender, "contractor", PRICE, "42.5")
    with pytest.raises(SealedError, match="sealed until the bid deadline"):
        sealing.unseal_bid(bid, now=DEADLINE - dt.timedelta(seconds=1))
    assert sealing.unseal_bid(bid, now=DEADLINE).price == Decimal(PRICE)


def test_a_tampered_seal_is_detected(users, contractors, published_tender):
    tender = published_tender()
    bid = submit(users, tender, "contractor", PRICE, "42.5")
    bid.sealed_content = bid.sealed_content[:-4] + "AAAA"
    with pytest.raises(SealedError, match="seal of this bid is broken"):
        sealing.unseal_bid(bid, now=OPENED)


def test_the_seal_key_comes_from_its_setting(users, contractors, published_tender, settings):
    tender = published_tender()
    bid = submit(users, tender, "contractor", PRICE, "42.5")
    settings.MEKS_BID_SEAL_KEY = "another-key"
    with pytest.raises(SealedError):
        sealing.unseal_bid(bid, now=OPENED)


def test_the_back_office_shows_no_sealed_field(users, contractors, published_tender):
    tender = published_tender()
    bid = submit(users, tender, "contractor", PRICE, "42.5")
    admin = Client()
    admin.force_login(users["office"])
    for url in (reverse("admin:procurement_bid_changelist"), reverse("admin:procurement_bid_change", args=[bid.pk]),
                reverse("admin:procurement_bid_history", args=[bid.pk])):
        response = admin.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert bid.sealed_content[:40] not in page and "987" not in page, url


def test_opening_decrypts_and_records_who_and_when(users, contractors, published_tender):
    tender = published_tender()
    bid = submit(users, tender, "contractor", PRICE, "42.5", documents=[("смета.pdf", b"ESTIMATE")])
    submit(users, tender, "bidder2", "1000000000", "0")
    with pytest.raises(TransitionError, match="only after the bid deadline"):
        services.tender_open_bids(actor=users["utility"], tender=tender, at=DEADLINE - dt.timedelta(minutes=1))
    bid.refresh_from_db()
    assert bid.price is None
    tender = services.tender_open_bids(actor=users["utility"], tender=tender, at=OPENED)
    bid.refresh_from_db()
    assert (bid.price, bid.local_content_share, bid.status, bid.opened_by, bid.opened_at) == (
        Decimal(PRICE), Decimal("42.50"), "opened", users["utility"], OPENED)
    assert (tender.bids_opened_at, tender.bids_opened_by) == (OPENED, users["utility"])
    document = bid.documents.get()
    assert document.name == "смета.pdf"
    with document.file.open("rb") as handle:
        assert handle.read() == b"ESTIMATE"


def test_a_bidder_withdraws_or_replaces_its_bid_before_the_deadline(users, contractors, published_tender):
    tender = published_tender()
    first = submit(users, tender, "contractor", "900", "10")
    with pytest.raises(ServiceError, match="already have a bid"):
        submit(users, tender, "contractor", "800", "10")
    with pytest.raises(ServiceError, match="Only the bidder"):
        services.bid_withdraw(actor=users["bidder2"], bid=first, at=BIDDING)
    second = services.bid_replace(actor=users["contractor"], bid=first, price="850", local_content_share="20", at=BIDDING)
    first.refresh_from_db()
    assert (first.status, second.replaces, second.status) == ("replaced", first, "submitted")
    services.bid_withdraw(actor=users["contractor"], bid=second, at=BIDDING)
    with pytest.raises(ServiceError, match="bid deadline has passed"):
        services.bid_submit(actor=users["contractor"], tender=tender, lot=tender.lots.get(), price="1",
                            local_content_share="0", at=DEADLINE)
    submit(users, tender, "bidder2", "1000", "0")
    submit(users, tender, "bidder3", "1100", "0")
    services.tender_open_bids(actor=None, tender=tender, at=OPENED)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.price, second.price) == (None, None)  # withdrawn and replaced bids are never opened
    assert sorted(Bid.objects.filter(status="opened").values_list("price", flat=True)) == [Decimal("1000.00"),
                                                                                           Decimal("1100.00")]


@pytest.mark.parametrize("case", ["after_deadline", "unverified", "suspended", "blacklisted", "other_tender_lot",
                                  "zero_price", "negative_price", "share_over_100", "unregistered"])
def test_bad_bids_are_refused_with_a_clear_message_and_write_nothing(case, users, contractors, published_tender):
    tender = published_tender()
    other = published_tender()
    lot = tender.lots.get()
    kwargs = {"actor": users["contractor"], "tender": tender, "lot": lot, "price": "1000", "local_content_share": "10",
              "at": BIDDING}
    expected = {
        "after_deadline": "bid deadline has passed",
        "unverified": "Only a verified contractor may bid",
        "suspended": "Only a verified contractor may bid",
        "blacklisted": "register of unreliable suppliers",
        "other_tender_lot": "lot belongs to another tender",
        "zero_price": "must be positive",
        "negative_price": "must be positive",
        "share_over_100": "percentage from 0 to 100",
        "unregistered": "registered contractors",
    }[case]
    if case == "after_deadline":
        kwargs["at"] = DEADLINE + dt.timedelta(seconds=1)
    elif case == "unverified":
        user = users["bidder4"]
        services.contractor_register(actor=user, bin=user.organization.bin, name_ru="Новый")
        kwargs["actor"] = user
    elif case == "suspended":
        services.contractor_suspend(actor=users["techoperator"], contractor=contractors["contractor"],
                                    reason="Истекла лицензия")
    elif case == "blacklisted":
        services.unreliable_supplier_include(actor=users["techoperator"], contractor=contractors["contractor"],
                                             reason="Неисполнение договора", listed_from=dt.date(2024, 1, 1))
    elif case == "other_tender_lot":
        kwargs["lot"] = other.lots.get()
    elif case == "zero_price":
        kwargs["price"] = "0"
    elif case == "negative_price":
        kwargs["price"] = "-5"
    elif case == "share_over_100":
        kwargs["local_content_share"] = "120"
    elif case == "unregistered":
        kwargs["actor"] = users["bidder4"]
    before = all_bid_state()
    with pytest.raises(ServiceError) as error:
        services.bid_submit(**kwargs)
    assert expected in str(error.value)
    assert all_bid_state() == before


def test_an_expired_unreliable_entry_no_longer_bars(users, contractors, published_tender):
    tender = published_tender()
    services.unreliable_supplier_include(actor=users["techoperator"], contractor=contractors["contractor"],
                                         reason="Неисполнение", listed_from=dt.date(2020, 1, 1),
                                         listed_until=dt.date(2021, 1, 1))
    assert submit(users, tender, "contractor", "1000", "10").status == "submitted"


def test_the_periodic_job_opens_due_tenders_only(users, contractors, published_tender):
    due = published_tender()
    submit(users, due, "contractor", "900", "10")
    submit(users, due, "bidder2", "950", "0")
    assert services.tenders_open_due(at=OPENED) == 1
    due.refresh_from_db()
    assert (due.status, due.bids_opened_by) == ("bids_opened", None)
    assert sorted(Bid.objects.values_list("price", flat=True)) == [Decimal("900.00"), Decimal("950.00")]
    assert services.tenders_open_due(at=OPENED) == 0
