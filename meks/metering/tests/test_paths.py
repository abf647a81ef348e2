"""The ingestion paths: CSV/XLSX uploads (encodings, column order, bad headers), the API, MQTT; all agree."""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from meks.core.errors import ServiceError
from meks.metering import services
from meks.metering.models import Reading, ReadingBatch, RejectedReading

from .conftest import NOW, csv_bytes


@pytest.fixture
def token_client_for(demo):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(username):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=demo[username])[0].key}")
        return client

    return make

pytestmark = pytest.mark.django_db

#: One data set with anomalies of several kinds: a gap, a rollover, a decrease, an unknown meter, a duplicate,
#: a conflict, garbage, a meter of another utility.
DATA = [
    ("F-1", "2026-01-01T10:00:00+05:00", "10"),
    ("F-1", "2026-01-15T10:00:00+05:00", "11.25"),
    ("F-1", "2026-04-20T10:00:00+05:00", "20"),
    ("F-1", "2026-01-15T10:00:00+05:00", "11.25"),
    ("F-1", "2026-01-15T10:00:00+05:00", "12"),
    ("R-1", "2026-01-01T10:00:00+05:00", "990"),
    ("R-1", "2026-01-16T10:00:00+05:00", "2.5"),
    ("F-2", "2026-01-01T10:00:00+05:00", "50"),
    ("F-2", "2026-01-16T10:00:00+05:00", "40"),
    ("NOPE", "2026-01-16T10:00:00+05:00", "1"),
    ("X-1", "2026-01-16T10:00:00+05:00", "1"),
    ("F-2", "not a time", "1"),
]


def outcome():
    readings = sorted(Reading.objects.values_list("meter__serial", "taken_at", "value", "kind", "flags"))
    rejected = Counter(RejectedReading.objects.values_list("meter__serial", "taken_at", "value", "reasons"))
    return readings, rejected


def reset():
    Reading.objects.all().delete()
    RejectedReading.objects.all().delete()
    ReadingBatch.objects.all().delete()


def xlsx_bytes(rows, header=("value", "meter", "taken_at")):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for meter, taken_at, value in rows:
        record = {"meter": meter, "taken_at": taken_at, "value": value}
        sheet.append([record[name] for name in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_paths_produce_the_same_readings(world, demo, token_client_for):
    objects = [{"meter": m, "taken_at": t, "value": v} for m, t, v in DATA]
    results = {}
    workbook = xlsx_bytes(DATA)  # once: openpyxl stamps the save time, and the same file must be sent twice
    paths = {
        "csv": lambda: services.readings_upload(actor=demo["utility"], file=SimpleUploadedFile("r.csv", csv_bytes(DATA))),
        "xlsx": lambda: services.readings_upload(actor=demo["utility"], file=SimpleUploadedFile("r.xlsx", workbook)),
        "api_json": lambda: token_client_for("utility").post("/api/v1/metering/readings/", json.dumps(objects),
                                                           content_type="application/json"),
        "api_ndjson": lambda: token_client_for("utility").post(
            "/api/v1/metering/readings/", "\n".join(json.dumps(o) for o in objects), content_type="application/x-ndjson"),
        "mqtt": lambda: services.readings_ingest(actor=demo["utility"], source="mqtt",
                                                 stream=io.BytesIO(json.dumps(objects).encode())),
    }
    for name, send in paths.items():
        send()
        first = outcome()
        send()  # the same content again changes nothing
        assert outcome() == first, name
        results[name] = first
        reset()
    reference = results["csv"]
    assert len(reference[0]) == 2 + 1 + 2 + 2 + 1 + 1  # F-1 2 + 2 estimates + 1 after the gap; R-1 2; F-2 1 ...
    for name, result in results.items():
        assert result == reference, name


def test_reference_outcome_details(world, ingest):
    batch = ingest(DATA).batch
    assert (batch.received, batch.accepted, batch.estimated, batch.duplicates, batch.conflicts, batch.rejected) == (
        12, 6, 3, 1, 1, 4)


def test_cp1251_semicolons_russian_headers_decimal_comma_any_column_order(world, ingest):
    raw = csv_bytes([("12,5", "01.02.2026 10:00", "F-1")], header="Показание;Дата;Счетчик", encoding="cp1251",
                    delimiter=";")
    batch = ingest(None, raw=raw).batch
    assert batch.accepted == 1
    reading = Reading.objects.get(meter=world.flat1)
    assert str(reading.value) == "12.500" and reading.taken_at.isoformat() == "2026-02-01T05:00:00+00:00"


def test_utf8_with_byte_order_mark(world, ingest):
    raw = "\ufeffmeter,taken_at,value\nF-1,2026-02-01T10:00,1\n".encode()
    assert ingest(None, raw=raw).batch.accepted == 1


def test_bad_header_refuses_the_file_and_writes_nothing(world, ingest):
    with pytest.raises(ServiceError) as refusal:
        ingest(None, raw=b"a,b,c\n1,2,3\n")
    assert refusal.value.code == "bad_header"
    assert not ReadingBatch.objects.exists()


def test_upload_of_the_same_file_twice(world, demo):
    data = csv_bytes(DATA)
    first = services.readings_upload(actor=demo["utility"], file=SimpleUploadedFile("a.csv", data), now=NOW)
    second = services.readings_upload(actor=demo["utility"], file=SimpleUploadedFile("copy.csv", data), now=NOW)
    assert second.repeated and second.batch == first.batch and ReadingBatch.objects.count() == 1


def test_upload_refused_for_roles_that_may_not_submit(world, demo):
    with pytest.raises(ServiceError) as refusal:
        services.readings_upload(actor=demo["bank"], file=SimpleUploadedFile("a.csv", csv_bytes(DATA)))
    assert refusal.value.code == "forbidden" and not ReadingBatch.objects.exists()
    with pytest.raises(ServiceError):
        services.readings_upload(actor=demo["utility"], file=SimpleUploadedFile("a.pdf", b"%PDF"))


def test_management_command(world, demo, tmp_path):
    path = tmp_path / "readings.csv"
    path.write_bytes(csv_bytes(DATA))
    out = io.StringIO()
    call_command("ingest_readings", str(path), "--user", "utility", stdout=out)
    assert "accepted 6" in out.getvalue() and "unknown_meter: 1" in out.getvalue()
    call_command("ingest_readings", str(path), "--user", "utility", stdout=out)
    assert "nothing changed" in out.getvalue()
