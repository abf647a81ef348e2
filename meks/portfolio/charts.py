"""Figures for the portfolio's charts, drawn as inline SVG by the templates (no script, no inline style).

Each function returns plain numbers (bar lengths, colours) so templates stay free of arithmetic.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import Stage

FUNNEL_STAGES = (Stage.SELECTION, Stage.CONFIRMED, Stage.CONTRACTOR_DETERMINATION, Stage.IMPLEMENTATION,
                 Stage.COMMISSIONED)
BAR_WIDTH = 560
#: Index bins of the map and their colours, light to dark sky blue.
INDEX_BINS = ((Decimal("75"), "#006f88"), (Decimal("60"), "#1e9fc0"), (Decimal("45"), "#6cc6dc"),
              (Decimal("30"), "#b3e3ef"), (Decimal("0"), "#e6f6fa"))
NO_DATA_COLOUR = "#eef1f3"


def funnel_chart(funnel: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
    """One bar per stage of the funnel: its label, count, sum, bar length and the link to its projects."""
    rows = [row for row in funnel if row["stage"] in FUNNEL_STAGES]
    largest = max((row["total"] for row in rows), default=Decimal("0")) or Decimal("1")
    url = reverse("portfolio:project_list")
    bars = []
    for index, row in enumerate(rows):
        params = {key: value for key, value in query.items() if key != "stage"}
        params["stage"] = row["stage"]
        bars.append({
            **row,
            "y": index * 44,
            "length": max(int(BAR_WIDTH * row["total"] / largest), 2 if row["count"] else 0),
            "url": f"{url}?{urlencode(params)}",
        })
    return bars


def colour_for_index(index: Decimal | None) -> str:
    """The map colour of a readiness index."""
    if index is None:
        return NO_DATA_COLOUR
    for floor, colour in INDEX_BINS:
        if index >= floor:
            return colour
    return NO_DATA_COLOUR


def map_colours(scores: list[Any]) -> dict[str, dict[str, Any]]:
    """Per region KATO: its colour, index, rank and name, for the map."""
    return {
        score.region.kato: {"colour": colour_for_index(score.index if score.projects else None), "index": score.index,
                            "rank": score.rank, "name": score.region.name, "dark": score.index >= Decimal("60")}
        for score in scores
    }


def rating_legend() -> list[dict[str, Any]]:
    """The map legend: each bin's colour and its range."""
    legend = []
    upper = None
    for floor, colour in INDEX_BINS:
        label = f"{floor}–{upper}" if upper is not None else f"≥ {floor}"
        legend.append({"colour": colour, "label": label})
        upper = floor
    legend.append({"colour": NO_DATA_COLOUR, "label": _("no projects")})
    return legend
