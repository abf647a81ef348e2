"""The append-only guard on history tables, on whichever database the suite runs against."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from meks.territory.models import Region, Settlement
from meks.territory.services import settlement_create

HISTORY_TABLE = "territory_historicalsettlement"


@pytest.fixture
def settlement(db):
    region = Region.objects.get(kato="35")
    return settlement_create(
        actor=None, region=region, kato="350000091", kind="village", name_ru="Тестовое",
        population=100, reason="test",
    )


def test_update_of_a_history_row_is_refused(settlement):
    row = Settlement.history.filter(id=settlement.pk).get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{HISTORY_TABLE}" SET "name_ru" = %s WHERE "history_id" = %s', ["Подделка", row.history_id]
        )
    row.refresh_from_db()
    assert row.name_ru == "Тестовое"


def test_a_normal_save_still_appends_history(settlement):
    assert Settlement.history.filter(id=settlement.pk).count() == 1
    settlement.population = 150
    settlement._change_reason = "census"
    settlement.save()
    records = list(Settlement.history.filter(id=settlement.pk).order_by("history_id"))
    assert [record.history_type for record in records] == ["+", "~"]
    assert records[-1].population == 150
    assert records[-1].history_change_reason == "census"
    assert records[0].population == 100
