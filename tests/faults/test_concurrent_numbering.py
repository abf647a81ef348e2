"""Concurrent writes found by the load run: two appeals registered at the same moment (PostgreSQL).

An appeal's number is the year's highest number plus one. Two registrations running at once used to read
the same highest number; the second then failed on the unique number (an error page for the operator). The
numbering now takes turns, so the second waits for the first to commit and takes the next number.
"""

from __future__ import annotations

import threading
import time

import pytest

from meks.core.testing.gates import require_postgres

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_registration_waits_for_one_in_progress_and_takes_the_next_number(appeal_desk):
    require_postgres()
    from django.db import connection, transaction

    from meks.appeals.models import Appeal, Category
    from meks.appeals.services import appeal_register
    from meks.territory.models import Region

    category, region = Category.objects.get(code=appeal_desk["category"]), Region.objects.get(kato="35")
    operator = appeal_desk["operator"]
    registered_first, in_progress, release = [], threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def register(label: str):
        return appeal_register(actor=operator, channel="phone", category=category, region=region, text=label,
                               applicant_name="Марат Омаров", applicant_phone="+77015551234")

    def first() -> None:
        try:
            with transaction.atomic():
                registered_first.append(register("first"))
                in_progress.set()
                release.wait(20)  # holds its transaction open, as a slow request would
        finally:
            connection.close()

    def second() -> None:
        try:
            outcomes["second"] = register("second")
        except Exception as error:  # the failure this test exists to rule out
            outcomes["second"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert in_progress.wait(20)
    threads[1].start()
    time.sleep(1.0)  # the second registration is now waiting for the first
    assert "second" not in outcomes
    release.set()
    for thread in threads:
        thread.join(30)
    [appeal_first] = registered_first
    appeal_second = outcomes["second"]
    assert isinstance(appeal_second, Appeal), appeal_second
    year, sequence = appeal_first.number.split("-")
    assert appeal_second.number == f"{year}-{int(sequence) + 1:06d}"
    assert Appeal.objects.filter(text__in=["first", "second"]).count() == 2
