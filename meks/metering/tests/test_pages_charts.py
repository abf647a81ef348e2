"""The server-side charts of the metering pages: axes that cover the data, markers where the points are."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import translation

from meks.metering import charts


def test_ticks_cover_the_values_in_round_steps():
    assert charts.nice_ticks(100, 437) == [100, 200, 300, 400, 500]
    assert charts.nice_ticks(1234.5, 1390.2) == [1200, 1250, 1300, 1350, 1400]
    assert charts.nice_ticks(5, 5) == [5.0, 5.5, 6.0]
    assert charts.nice_ticks(-3, 7) == [-5, 0, 5, 10]


def _at(day: int) -> dt.datetime:
    return dt.datetime(2026, 5, day, 10, tzinfo=dt.UTC)


def test_readings_chart_scales_the_line_and_marks_estimates_flags_and_rejected_rows():
    points = [
        {"taken_at": _at(1), "value": Decimal("10"), "kind": "valid"},
        {"taken_at": _at(11), "value": Decimal("15"), "kind": "estimated"},
        {"taken_at": _at(21), "value": Decimal("20"), "kind": "flagged"},
        {"taken_at": _at(16), "value": Decimal("12"), "kind": "conflict", "off_line": True},
        {"taken_at": _at(17), "value": Decimal("900"), "kind": "conflict", "off_line": True},  # off the axes
    ]
    chart = charts.readings_chart(points)
    assert chart["line"] == "64.0,252.0 494.0,132.0 924.0,12.0"
    assert [(marker["kind"], marker["x"], marker["y"]) for marker in chart["markers"]] == [
        ("estimated", 494.0, 132.0), ("flagged", 924.0, 12.0), ("conflict", 709.0, 204.0)]
    assert [tick["value"] for tick in chart["y_ticks"]] == [10, 15, 20]
    with translation.override("ru"):
        labels = [tick["label"] for tick in charts.readings_chart(
            [{"taken_at": _at(1), "value": Decimal("0.25")}, {"taken_at": _at(2), "value": Decimal("1.7")}])["y_ticks"]]
    assert labels == ["0,0", "0,5", "1,0", "1,5", "2,0"]
    assert charts.readings_chart([{"taken_at": _at(1), "value": 1, "off_line": True}]) is None


def test_month_columns_scale_to_the_largest_value():
    rows = [{"month": dt.date(2026, 1, 1), "a": Decimal(50), "b": Decimal(25)},
            {"month": dt.date(2026, 2, 1), "a": Decimal(100), "b": None}]
    chart = charts.month_columns(rows, keys=("a", "b"))
    heights = [[bar["height"] for bar in column["bars"]] for column in chart["columns"]]
    assert heights == [[90.0, 45.0], [180.0, 0.0]]
    assert [column["show_year"] for column in chart["columns"]] == [True, False]
    assert charts.percent(1, 3) == Decimal("33.3") and charts.percent(1, 0) is None
