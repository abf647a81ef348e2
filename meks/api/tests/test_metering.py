"""The metering API: bulk readings (JSON, NDJSON) with the batch report, scoped reads, balance, refusals."""

from __future__ import annotations

import json

import pytest

from meks.metering.models import Reading, ReadingBatch, RejectedReading
from meks.metering.tests import conftest as metering_fixtures

pytestmark = pytest.mark.django_db
# the fixtures of the metering tests: a small world of types, buildings and meters, English messages
world = metering_fixtures.world
english_messages = metering_fixtures.english_messages
API = "/api/v1/metering"

METERING_OPERATIONS = {
    (f"{API}/meter-types/", "get"), (f"{API}/meter-types/{{id}}/", "get"),
    (f"{API}/buildings/", "get"), (f"{API}/buildings/{{id}}/", "get"), (f"{API}/buildings/{{id}}/balance/", "get"),
    (f"{API}/meters/", "get"), (f"{API}/meters/{{id}}/", "get"), (f"{API}/meters/{{id}}/readings/", "get"),
    (f"{API}/batches/", "get"), (f"{API}/batches/{{id}}/", "get"), (f"{API}/batches/{{id}}/rejected/", "get"),
    (f"{API}/readings/", "post"), (f"{API}/consumption/", "get"), (f"{API}/compliance/", "get"),
}

ROWS = [
    {"meter": "F-1", "taken_at": "2026-01-01T10:00:00+05:00", "value": 10},
    {"meter": "F-1", "taken_at": "2026-01-16T10:00:00+05:00", "value": "11.5"},
    {"meter": "X-1", "taken_at": "2026-01-16T10:00:00+05:00", "value": 1},
    {"meter": "NOPE", "taken_at": "2026-01-16T10:00:00+05:00", "value": 1},
]


def snapshot():
    return (Reading.objects.count(), RejectedReading.objects.count(), ReadingBatch.objects.count())


def test_bulk_json_returns_the_batch_report_and_twice_changes_nothing(world, token_client_for):
    client = token_client_for("utility")
    response = client.post(f"{API}/readings/", json.dumps(ROWS), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["received"], body["accepted"], body["rejected"], body["repeated"]) == (4, 2, 2, False)
    assert body["reasons"] == {"other_utility": 1, "unknown_meter": 1}
    before = snapshot()
    again = client.post(f"{API}/readings/", json.dumps(ROWS), content_type="application/json")
    assert again.status_code == 200 and again.json()["repeated"] and again.json()["id"] == body["id"]
    assert snapshot() == before
    detail = client.get(f"{API}/batches/{body['id']}/").json()
    assert [row["reason_codes"] for row in detail["rejected_rows"]] == [["other_utility"], ["unknown_meter"]]


def test_bulk_ndjson_and_garbage(world, token_client_for):
    body = "\n".join(json.dumps(row) for row in ROWS[:2]) + "\nnot json\n[1, 2]\n"
    response = token_client_for("utility").post(f"{API}/readings/?mode=accept_good", body,
                                                content_type="application/x-ndjson")
    assert response.status_code == 201
    assert (response.json()["accepted"], response.json()["reasons"]) == (2, {"garbage": 2})


def test_bulk_refusals(world, token_client_for, client):
    before = snapshot()
    assert client.post(f"{API}/readings/", "[]", content_type="application/json").status_code == 401
    assert token_client_for("bank").post(f"{API}/readings/", json.dumps(ROWS),
                                         content_type="application/json").status_code == 403
    assert token_client_for("utility").post(f"{API}/readings/", '{"meter": 1}',
                                            content_type="application/json").status_code == 400
    assert token_client_for("utility").post(f"{API}/readings/", "a,b", content_type="text/csv").status_code == 415
    assert snapshot() == before


def test_reads_are_scoped(world, token_client_for):
    utility = token_client_for("utility")
    assert utility.get(f"{API}/meters/{world.flat1.pk}/").status_code == 200
    assert utility.get(f"{API}/meters/{world.foreign.pk}/").status_code == 404
    assert token_client_for("akimat.mangystau").get(f"{API}/buildings/{world.building.pk}/").status_code == 404
    serials = {row["serial"] for row in token_client_for("akimat.mangystau").get(f"{API}/meters/").json()["results"]}
    assert serials == {"X-1"}
    flags = utility.get(f"{API}/meters/{world.flat2.pk}/").json()
    assert flags["type_not_approved"] is True and flags["verification_overdue"] is True


def test_readings_balance_consumption_and_compliance(world, token_client_for):
    client = token_client_for("utility")
    client.post(f"{API}/readings/", json.dumps(ROWS[:2]), content_type="application/json")
    readings = client.get(f"{API}/meters/{world.flat1.pk}/readings/").json()
    assert [row["consumption"] for row in readings] == [None, "1.500"]
    balance = client.get(f"{API}/buildings/{world.building.pk}/balance/?month=2026-01-01&months=1").json()
    assert balance[0]["flats"] == "1.500"
    area = client.get(f"{API}/consumption/?month=2026-01-01&months=1&level=region").json()
    assert area[0]["flats"] == "1.500"
    compliance = client.get(f"{API}/compliance/?month=2026-01-01&months=1&level=meter").json()
    assert {row["name"]: row["compliant"] for row in compliance}["F-1"] == 1
    assert client.get(f"{API}/compliance/?level=nope").status_code == 400
