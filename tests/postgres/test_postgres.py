"""Behaviour that only PostgreSQL shows for real: row locks between connections, the history trigger."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import DatabaseError, connection, transaction

from meks.core.errors import ConcurrentEditError
from meks.core.testing.gates import require_postgres

pytestmark = pytest.mark.postgres


def _wait_until_blocked(pids: list[int], timeout: float = 30.0) -> None:
    """Wait until every backend in ``pids`` waits for a lock (pg_locks is read live, not snapshotted)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid = ANY(%s)", [pids])
            if cursor.fetchone()[0] == len(pids):
                return
        time.sleep(0.05)
    pytest.fail(f"the editing connections {pids} never waited for the row lock")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_settlement_updates_one_wins_one_is_refused():
    """Two connections edit the same version of a settlement: the row lock lets one through, the other is told."""
    require_postgres()
    from django.db import connections

    from meks.accounts.models import User
    from meks.demo.builder import build_demo
    from meks.territory.models import Settlement
    from meks.territory.services import settlement_update

    build_demo()
    settlement = Settlement.objects.filter(region__kato="35", is_regional_centre=True).get()
    version = settlement.version
    history_before = Settlement.history.filter(id=settlement.pk).count()

    ready = threading.Barrier(3, timeout=30)
    pids: list[int] = []
    outcomes: dict[int, object] = {}

    def edit(population: int) -> None:
        try:
            actor = User.objects.get(username="office")
            own_copy = Settlement.objects.get(pk=settlement.pk)
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids.append(cursor.fetchone()[0])
            ready.wait()
            outcomes[population] = settlement_update(
                actor=actor, settlement=own_copy, expected_version=version, population=population,
                reason="concurrency test",
            )
        except Exception as error:
            outcomes[population] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(population,)) for population in (111_111, 222_222)]
    # The test holds the row lock until both editors are queued behind it, so they really run at once.
    with transaction.atomic():
        Settlement.objects.select_for_update().get(pk=settlement.pk)
        for thread in threads:
            thread.start()
        ready.wait()
        _wait_until_blocked(pids)
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    saved = [value for value in outcomes.values() if isinstance(value, Settlement)]
    refused = [value for value in outcomes.values() if isinstance(value, ConcurrentEditError)]
    assert len(saved) == 1, outcomes
    assert len(refused) == 1, outcomes

    settlement.refresh_from_db()
    assert settlement.version == version + 1
    assert settlement.population == saved[0].population
    history = Settlement.history.filter(id=settlement.pk)
    assert history.count() == history_before + 1
    newest = history.order_by("-history_id").first()
    assert (newest.population, newest.version, newest.history_change_reason) == (
        saved[0].population, version + 1, "concurrency test"
    )


@pytest.mark.django_db
def test_history_rows_cannot_be_updated():
    require_postgres()
    from meks.territory.models import Region, Settlement
    from meks.territory.services import settlement_create

    settlement = settlement_create(
        actor=None, region=Region.objects.get(kato="35"), kato="350000092", kind="village", name_ru="Тестовое",
        population=100, reason="test",
    )
    row = Settlement.history.filter(id=settlement.pk).get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "territory_historicalsettlement" SET "population" = 1 WHERE "history_id" = %s', [row.history_id]
        )
    row.refresh_from_db()
    assert row.population == 100
