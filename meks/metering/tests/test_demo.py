"""The demo metering data: built through the services, with anomalies of every kind."""

from __future__ import annotations

import pytest

from meks.metering.models import Meter, Reading, ReadingBatch, RejectedReading

pytestmark = pytest.mark.django_db


def test_demo_has_anomalies_of_every_kind(metering_demo):
    assert Meter.objects.count() > 2500
    assert set(ReadingBatch.objects.values_list("source", flat=True)) == {"csv", "xlsx", "api_json", "api_ndjson",
                                                                          "mqtt"}
    reasons = set()
    for codes in RejectedReading.objects.values_list("reasons", flat=True).distinct():
        reasons |= set(codes.split())
    assert reasons >= {"garbage", "unknown_meter", "other_utility", "future", "before_installation", "decrease",
                       "conflict"}
    flags = set()
    for value in Reading.objects.exclude(flags="").values_list("flags", flat=True).distinct():
        flags |= set(value.split())
    assert flags >= {"rollover", "suspicious_high", "stuck", "after_gap"}
    assert Reading.objects.filter(kind="estimated").exists()
    assert ReadingBatch.objects.filter(duplicates__gt=0).exists()
    assert Meter.objects.filter(replaced_by__isnull=False).count() == 2
