"""Two submissions of the same contractor for the same lot at the same moment, on PostgreSQL: one bid, never two."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from meks.core.errors import ServiceError
from meks.core.testing.gates import require_postgres
from meks.procurement import services
from meks.procurement.models import Bid, Lot, Tender

from .conftest import BIDDING

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.postgres]


def test_two_submissions_at_once_make_one_bid(users, contractors, published_tender):
    require_postgres()
    tender = published_tender()
    lot = tender.lots.get()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(price: str) -> None:
        try:
            barrier.wait()
            services.bid_submit(actor=users["contractor"], tender=Tender.objects.get(pk=tender.pk),
                                lot=Lot.objects.get(pk=lot.pk), price=price, local_content_share="10", at=BIDDING)
            outcomes.append("submitted")
        except ServiceError as error:
            outcomes.append("refused" if error.code == "duplicate" else str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(price,)) for price in ("1000", "1100")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "submitted"]
    assert Bid.objects.filter(lot=lot, status="submitted").count() == 1
