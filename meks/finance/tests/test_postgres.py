"""Two reviewers deciding the same application at the same moment, on PostgreSQL: one wins, never two decisions."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from meks.core.errors import ConcurrentEditError
from meks.core.testing.gates import require_postgres
from meks.finance import services
from meks.finance.models import FinancingApplication, FinancingDecision

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.postgres]


def test_two_reviewers_at_once_make_one_decision(users, make_application):
    require_postgres()
    application = make_application()
    application = services.application_transition(actor=users["baiterek"], application=application, action="route",
                                                  lender=users["bank"].organization)
    seen = application.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(username: str) -> None:
        try:
            barrier.wait()
            services.decision_record(
                actor=users[username], application=FinancingApplication.objects.get(pk=application.pk),
                expected_version=seen, body=f"Комитет {username}", number=username, date=dt.date(2026, 11, 1),
                amount_approved=application.amount_requested, round=2,
            )
            outcomes[username] = "decided"
        except ConcurrentEditError:
            outcomes[username] = "told"
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(name,)) for name in ("bank", "baiterek")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["decided", "told"]
    assert FinancingDecision.objects.filter(application_id=application.pk).count() == 1
    winner = next(name for name, outcome in outcomes.items() if outcome == "decided")
    assert FinancingDecision.objects.get(application_id=application.pk).number == winner
    assert FinancingApplication.objects.get(pk=application.pk).status == "approved"
