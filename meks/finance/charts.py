"""Figures of the financing dashboard's charts, drawn as inline SVG by the templates (no script, no inline style).

Each function turns rows of ``selectors.finance_summary`` into plain numbers (bar positions and lengths)
and the link that lists the records behind each bar, so the templates hold no arithmetic.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from .choices import PIPELINE_ORDER

#: Width, in SVG units, of the longest bar.
BAR_WIDTH = 520
ROW_HEIGHT = 34


def drill_url(query: dict[str, str]) -> str:
    """The application list filtered by ``query`` (a summary row's ``filter``)."""
    url = reverse("finance:application_list")
    return f"{url}?{urlencode(query)}" if query else url


def _length(value: Decimal | int, largest: Decimal | int, width: int = BAR_WIDTH) -> int:
    if not largest or not value:
        return 0
    return max(int(Decimal(width) * Decimal(value) / Decimal(largest)), 2)


def pipeline_chart(pipeline: list[dict[str, Any]]) -> dict[str, Any]:
    """The funnel of the main line of the lifecycle: one bar per stage, its length the sum requested.

    Returns the bars (label, count, amount, y, length, url) and the chart's height; stages off the main
    line (returned, rejected, withdrawn) come apart as ``off_line`` rows with their links.
    """
    main = [row for row in pipeline if row["status"] in PIPELINE_ORDER]
    largest = max((row["amount"] for row in main), default=Decimal(0))
    bars = [
        {**row, "y": index * ROW_HEIGHT, "length": _length(row["amount"], largest), "url": drill_url(row["filter"])}
        for index, row in enumerate(main)
    ]
    off_line = [{**row, "url": drill_url(row["filter"])} for row in pipeline if row["status"] not in PIPELINE_ORDER]
    return {"bars": bars, "height": len(bars) * ROW_HEIGHT, "width": BAR_WIDTH, "off_line": off_line}


def rounds_chart(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Approvals per financing round as stacked bars: banks (DBK and second-tier), KHC, the other channels."""
    largest = max((row["amount"] for row in rounds), default=Decimal(0))
    bars = []
    for index, row in enumerate(rounds):
        offset = 0
        segments = []
        for group in row["groups"]:
            length = _length(group["amount"], largest) if group["count"] else 0
            segments.append({**group, "x": offset, "length": length, "url": drill_url(group["filter"])})
            offset += length
        bars.append({**row, "y": index * ROW_HEIGHT, "segments": segments, "url": drill_url(row["filter"])})
    return {"bars": bars, "height": max(len(bars), 1) * ROW_HEIGHT, "width": BAR_WIDTH}


def review_chart(review_time: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per stage: the average days spent (a bar) against the target (a mark), both on one scale."""
    largest = max([*(row["target_days"] for row in review_time),
                   *(row["average_days"] or 0 for row in review_time)], default=1) or 1
    scale = Decimal(100) / Decimal(largest) * Decimal("0.9")
    rows = []
    for row in review_time:
        average = row["average_days"] or Decimal(0)
        rows.append({
            **row,
            "bar": int(Decimal(average) * scale),
            "mark": int(Decimal(row["target_days"]) * scale),
            "over": row["average_days"] is not None and row["average_days"] > row["target_days"],
            "url": drill_url(row["filter"]),
            "over_url": drill_url(row["over_target_filter"]),
        })
    return rows
