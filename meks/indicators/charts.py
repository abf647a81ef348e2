"""Figures for the indicator pages' charts, drawn as inline SVG by the templates (no script, no inline style).

Each function returns plain numbers (coordinates, lengths, colours) so templates stay free of arithmetic:
the radar of a monotown's domain sub-indices, the map of regions by wear zone, and bars of a ranking.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

#: Radar canvas: the width leaves room for the domains' names left and right of the circle.
RADAR_WIDTH = 640
RADAR_HEIGHT = 440
RADAR_RADIUS = 150
RADAR_RINGS = (20, 40, 60, 80, 100)
#: Axis labels are wrapped at this many characters, lines this far apart.
LABEL_WIDTH = 18
LABEL_LINE_HEIGHT = 14
#: Colours of the wear zones on the map (fill, and whether a label on it is drawn light).
ZONE_COLOURS = {"red": ("#d64541", True), "yellow": ("#f2c94c", False), "green": ("#5aa469", True)}
NO_DATA_COLOUR = "#eef1f3"


def wrap_label(text: str, width: int = LABEL_WIDTH) -> list[str]:
    """A label broken into lines of at most ``width`` characters at spaces (a long word keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def _point(angle: float, radius: float) -> tuple[float, float]:
    cx, cy = RADAR_WIDTH / 2, RADAR_HEIGHT / 2
    return round(cx + radius * math.cos(angle), 1), round(cy + radius * math.sin(angle), 1)


def _angle(index: int, count: int) -> float:
    return -math.pi / 2 + 2 * math.pi * index / count


def radar_chart(axes: Sequence[Any], series: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A radar (spider) chart on a 0–100 scale.

    ``axes`` are the spokes' labels, clockwise from the top; each of ``series`` is ``{"label", "values"}`` with one
    value (0–100, or ``None`` for no data, drawn at the centre) per axis. Returns the canvas size, the rings'
    polygons, the spokes with their label position and anchor, and per series its polygon and dots.
    """
    count = len(axes)
    if count < 3:
        return {"width": RADAR_WIDTH, "height": RADAR_HEIGHT, "axes": [], "rings": [], "series": [], "empty": True}
    cx, cy = RADAR_WIDTH / 2, RADAR_HEIGHT / 2
    rings = []
    for ring in RADAR_RINGS:
        radius = RADAR_RADIUS * ring / 100
        points = " ".join(f"{x},{y}" for x, y in (_point(_angle(i, count), radius) for i in range(count)))
        label_x, label_y = _point(_angle(0, count), radius)
        rings.append({"value": ring, "points": points, "label_x": label_x + 4, "label_y": label_y + 4})
    spokes = []
    for index, label in enumerate(axes):
        angle = _angle(index, count)
        x, y = _point(angle, RADAR_RADIUS)
        label_x, label_y = _point(angle, RADAR_RADIUS + 14)
        cosine = math.cos(angle)
        anchor = "start" if cosine > 0.2 else ("end" if cosine < -0.2 else "middle")
        sine = math.sin(angle)
        lines = wrap_label(str(label))
        extra = LABEL_LINE_HEIGHT * (len(lines) - 1)
        label_y += 12 if sine > 0.5 else (-extra if sine < -0.5 else 4 - extra / 2)
        spokes.append({"label": label, "lines": lines, "x": x, "y": y, "label_x": label_x,
                       "label_y": round(label_y, 1), "anchor": anchor})
    drawn = []
    for number, line in enumerate(series):
        dots = []
        for index, value in enumerate(line["values"]):
            shown = _number(value)
            radius = RADAR_RADIUS * max(0.0, min(shown or 0.0, 100.0)) / 100
            x, y = _point(_angle(index, count), radius)
            dots.append({"x": x, "y": y, "value": value, "axis": axes[index]})
        drawn.append({"label": line["label"], "number": number, "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
                      "dots": dots, "kind": line.get("kind", "town")})
    return {"width": RADAR_WIDTH, "height": RADAR_HEIGHT, "cx": cx, "cy": cy, "rings": rings, "axes": spokes,
            "series": drawn, "empty": False}


def zone_colour(zone: str | None) -> tuple[str, bool]:
    """The map colour of a wear zone and whether its label is drawn light."""
    return ZONE_COLOURS.get(zone or "", (NO_DATA_COLOUR, False))


def zone_map(shapes: Sequence[Any], regions: Mapping[str, Mapping[str, Any]]) -> list[tuple[Any, dict[str, Any]]]:
    """Each region shape with what the map shows on it: colour, label, title, link anchor.

    ``regions`` maps a region's KATO to ``{"name", "zone", "wear", "rank"}`` (any may be missing).
    """
    drawn = []
    for shape in shapes:
        info = dict(regions.get(shape.kato, {}))
        colour, dark = zone_colour(info.get("zone"))
        wear = info.get("wear")
        drawn.append((shape, {**info, "colour": colour, "dark": dark,
                              "label": "" if wear is None else f"{Decimal(wear):.0f}"}))
    return drawn


def zone_legend(thresholds: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The map legend: each zone's colour and its label (``thresholds`` as ``{"zone", "label"}``)."""
    legend = [{"colour": zone_colour(row["zone"])[0], "label": row["label"]} for row in thresholds]
    legend.append({"colour": NO_DATA_COLOUR, "label": _("no data")})
    return legend


def bar_lengths(rows: Sequence[Any], value: str, *, scale: float | None = None) -> list[float]:
    """Bar lengths 0–100 for ``rows`` by their ``value`` (an attribute or key), against ``scale`` or the largest."""
    def read(row: Any) -> float:
        raw = row.get(value) if isinstance(row, Mapping) else getattr(row, value, None)
        return abs(_number(raw) or 0.0)

    values = [read(row) for row in rows]
    largest = scale or max(values, default=0.0) or 1.0
    return [round(min(100.0, 100 * number / largest), 1) for number in values]
