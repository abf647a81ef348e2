"""An SVG map of Kazakhstan's 20 regions drawn from the boundaries shipped with the platform.

No outside tiles or scripts: the boundaries (geokz by A. Rodionov, CC BY 4.0; see FACTS) are projected once
into SVG paths, and pages colour each region by a figure.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

GEOJSON = Path(__file__).resolve().parent / "data" / "regions.geojson"
MAP_WIDTH = 1000
#: Cities of republican significance: too small to colour, so they are drawn as markers.
CITY_KATO = frozenset({"71", "75", "79"})
MAP_CREDIT = _("Boundaries: geokz (A. Rodionov), CC BY 4.0")


@dataclass(frozen=True)
class RegionShape:
    """One region's outline as an SVG path, and the point where its label goes."""

    kato: str
    path: str
    label_x: float
    label_y: float
    is_city: bool = False


@lru_cache(maxsize=1)
def region_shapes() -> tuple[tuple[RegionShape, ...], int, int]:
    """The regions' outlines projected to a ``MAP_WIDTH``-wide canvas, and the canvas's width and height."""
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    rings_by_region: dict[str, list[list[tuple[float, float]]]] = {}
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings_by_region[str(feature["properties"]["kato"])] = [ring for polygon in polygons for ring in polygon[:1]]
    points = [point for rings in rings_by_region.values() for ring in rings for point in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    stretch = math.cos(math.radians((north + south) / 2))
    scale = MAP_WIDTH / ((east - west) * stretch)
    height = round((north - south) * scale)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * stretch * scale, (north - lat) * scale

    shapes = []
    for kato, rings in sorted(rings_by_region.items()):
        parts = []
        largest: list[tuple[float, float]] = []
        for ring in rings:
            projected = [project(lon, lat) for lon, lat in ring]
            largest = max(largest, projected, key=len)
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in projected) + "Z")
        label_x = sum(x for x, _y in largest) / len(largest)
        label_y = sum(y for _x, y in largest) / len(largest)
        shapes.append(RegionShape(kato, "".join(parts), round(label_x, 1), round(label_y, 1), kato in CITY_KATO))
    return tuple(shapes), MAP_WIDTH, height
