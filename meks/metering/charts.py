"""Figures for the metering pages' charts, drawn as inline SVG by the templates (no script, no inline style).

Each function turns rows the selectors return into plain numbers (coordinates, lengths) so the templates
hold no arithmetic; the templates print them with ``{% localize off %}`` so that a decimal comma never
reaches an SVG attribute.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format

#: Drawing area of the readings chart, in SVG user units.
READINGS_WIDTH = 860
READINGS_HEIGHT = 240
#: Room left of, above and under the drawing area (axis labels).
LEFT, TOP, BOTTOM, RIGHT = 64, 12, 34, 12
#: Drawing area of the monthly column charts.
MONTH_WIDTH = 860
MONTH_HEIGHT = 180


def _number(value: Any) -> float:
    return float(value) if value is not None else 0.0


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round axis ticks covering ``low``–``high`` (1, 2 or 5 times a power of ten apart)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(factor * magnitude for factor in (1, 2, 5, 10) if factor * magnitude >= raw)
    value = math.floor(low / step) * step
    ticks = [round(value, 6)]
    while ticks[-1] < high and len(ticks) < 12:
        value += step
        ticks.append(round(value, 6))
    return ticks


def _tick_label(tick: float, ticks: list[float]) -> str:
    """A tick's value in the active language's number format, with as many decimals as the step needs."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = max(0, -math.floor(math.log10(step))) if step > 0 else 0
    return number_format(round(tick, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


def readings_chart(points: Sequence[dict[str, Any]], *, month_labels: bool = True) -> dict[str, Any] | None:
    """A meter's register value over time: the line, a marker per estimated or flagged reading, and the axes.

    ``points`` are dicts with ``taken_at`` (a datetime), ``value`` (the register value) and ``kind``
    ("valid", "estimated", "flagged" or "conflict"); any other keys (``label``) are passed on to the
    markers. Points marked ``off_line`` (rows not accepted) get a marker only: they are not joined by the
    line, do not stretch the axes, and are left out when they fall outside them. Returns ``None`` when
    there is nothing to draw.
    """
    on_line = sorted((point for point in points if not point.get("off_line")), key=lambda point: point["taken_at"])
    if not on_line:
        return None
    first, last = on_line[0]["taken_at"], on_line[-1]["taken_at"]
    span = max((last - first).total_seconds(), 86400.0)
    values = [_number(point["value"]) for point in on_line]
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1] if ticks[-1] > ticks[0] else ticks[0] + 1

    def x_of(moment: dt.datetime) -> float:
        return round(LEFT + READINGS_WIDTH * (moment - first).total_seconds() / span, 1)

    def y_of(value: float) -> float:
        return round(TOP + READINGS_HEIGHT * (1 - (value - low) / (high - low)), 1)

    drawn = [{**point, "x": x_of(point["taken_at"]), "y": y_of(_number(point["value"]))} for point in on_line]
    markers = [point for point in drawn if point.get("kind", "valid") != "valid"]
    for point in points:
        if (point.get("off_line") and point.get("taken_at") and point.get("value") is not None
                and first <= point["taken_at"] <= last and low <= _number(point["value"]) <= high):
            markers.append({**point, "x": x_of(point["taken_at"]), "y": y_of(_number(point["value"]))})
    months = []
    if month_labels:
        month = dt.date(first.year, first.month, 1)
        while True:
            month = (month + dt.timedelta(days=32)).replace(day=1)
            moment = dt.datetime(month.year, month.month, 1, tzinfo=first.tzinfo)
            if moment > last:
                break
            months.append({"month": month, "x": x_of(moment), "show_year": month.month == 1})
    return {
        "width": LEFT + READINGS_WIDTH + RIGHT,
        "height": TOP + READINGS_HEIGHT + BOTTOM,
        "left": LEFT, "right": LEFT + READINGS_WIDTH, "top": TOP, "bottom": TOP + READINGS_HEIGHT,
        "tick_bottom": TOP + READINGS_HEIGHT + 4,
        "line": " ".join(f"{point['x']},{point['y']}" for point in drawn),
        "markers": markers,
        "points": drawn,
        "y_ticks": [{"value": tick, "y": y_of(tick), "label": _tick_label(tick, ticks)} for tick in ticks],
        "months": months,
        "label_x": LEFT - 6,
        "month_y": TOP + READINGS_HEIGHT + 16,
        "year_y": TOP + READINGS_HEIGHT + 30,
    }


def month_columns(rows: Sequence[dict[str, Any]], *, keys: Iterable[str], month_key: str = "month") -> dict[str, Any]:
    """Side-by-side columns per month for one or two series (``keys``), scaled to the largest value."""
    keys = tuple(keys)
    largest = max((_number(row.get(key)) for row in rows for key in keys), default=0.0) or 1.0
    step = MONTH_WIDTH / max(len(rows), 1)
    bar = round(min(step * 0.8 / len(keys), 30), 1)
    top = 18
    columns = []
    for index, row in enumerate(rows):
        middle = round(step * index + step / 2, 1)
        bars = []
        for position, key in enumerate(keys):
            height = round(MONTH_HEIGHT * max(_number(row.get(key)), 0.0) / largest, 1)
            bars.append({"key": key, "series": position, "value": row.get(key),
                         "x": round(middle - bar * len(keys) / 2 + bar * position, 1),
                         "y": round(top + MONTH_HEIGHT - height, 1), "height": height,
                         "label_y": round(top + MONTH_HEIGHT - height - 5, 1)})
        month = row[month_key]
        columns.append({"row": row, "month": month, "x_mid": middle, "bars": bars,
                        "show_year": index == 0 or getattr(month, "month", 0) == 1})
    return {"columns": columns, "width": MONTH_WIDTH, "height": top + MONTH_HEIGHT + 40, "bar": bar,
            "axis_y": top + MONTH_HEIGHT, "month_y": top + MONTH_HEIGHT + 17, "year_y": top + MONTH_HEIGHT + 34}


def with_bars(rows: Sequence[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Rows of a table with a bar column: each row gets ``bar``, its value's length on 0–100 of the largest."""
    largest = max((abs(_number(row.get(key))) for row in rows), default=0.0) or 1.0
    result = []
    for row in rows:
        value = abs(_number(row.get(key)))
        result.append({**row, "bar": round(100 * value / largest, 1) if value else 0})
    return result


def percent(part: Any, whole: Any) -> Decimal | None:
    """``part`` as a percentage of ``whole`` (one decimal), or ``None`` when ``whole`` is zero or missing."""
    if not whole:
        return None
    return (Decimal(str(part or 0)) * 100 / Decimal(str(whole))).quantize(Decimal("0.1"))
