"""The indicator pages' chart geometry: radar spokes and points, zone colours, bar lengths."""

from decimal import Decimal
from types import SimpleNamespace

from meks.indicators import charts


def test_radar_places_values_on_their_spokes():
    radar = charts.radar_chart(["A", "B", "C", "D"], [{"label": "Town", "values": [100, 50, 0, None]}])
    cx, cy, r = charts.RADAR_WIDTH / 2, charts.RADAR_HEIGHT / 2, charts.RADAR_RADIUS
    dots = radar["series"][0]["dots"]
    # Clockwise from the top: 100 at the top end of the first spoke, 50 halfway along the second (to the right).
    assert (dots[0]["x"], dots[0]["y"]) == (cx, cy - r)
    assert (dots[1]["x"], dots[1]["y"]) == (cx + r / 2, cy)
    # 0 and "no data" both sit at the centre.
    assert (dots[2]["x"], dots[2]["y"]) == (cx, cy)
    assert (dots[3]["x"], dots[3]["y"]) == (cx, cy)
    assert [axis["anchor"] for axis in radar["axes"]] == ["middle", "start", "middle", "end"]
    assert [ring["value"] for ring in radar["rings"]] == [20, 40, 60, 80, 100]
    assert radar["series"][0]["points"].startswith(f"{cx},{cy - r} {cx + r / 2},{cy}")


def test_radar_clamps_out_of_scale_values_and_needs_three_axes():
    radar = charts.radar_chart(["A", "B", "C"], [{"label": "x", "values": [Decimal("130"), Decimal("-5"), 20]}])
    dots = radar["series"][0]["dots"]
    assert dots[0]["y"] == charts.RADAR_HEIGHT / 2 - charts.RADAR_RADIUS
    assert (dots[1]["x"], dots[1]["y"]) == (charts.RADAR_WIDTH / 2, charts.RADAR_HEIGHT / 2)
    assert charts.radar_chart(["A", "B"], [])["empty"] is True


def test_zone_map_colours_and_labels():
    shapes = [SimpleNamespace(kato="55"), SimpleNamespace(kato="47"), SimpleNamespace(kato="71")]
    drawn = {shape.kato: info for shape, info in charts.zone_map(shapes, {
        "55": {"name": "Pavlodar", "zone": "red", "wear": Decimal("66.0")},
        "47": {"name": "Mangystau", "zone": "green", "wear": Decimal("44.6")},
    })}
    assert drawn["55"]["colour"] == charts.ZONE_COLOURS["red"][0] and drawn["55"]["label"] == "66"
    assert drawn["47"]["label"] == "45"
    assert drawn["71"]["colour"] == charts.NO_DATA_COLOUR and drawn["71"]["label"] == ""


def test_bar_lengths_scale_to_the_largest():
    assert charts.bar_lengths([{"v": 10}, {"v": Decimal("5")}, {"v": None}], "v") == [100.0, 50.0, 0.0]
    assert charts.bar_lengths([SimpleNamespace(v=30)], "v", scale=60) == [50.0]


def test_long_axis_labels_wrap_at_spaces():
    assert charts.wrap_label("Utilities and infrastructure", 18) == ["Utilities and", "infrastructure"]
    assert charts.wrap_label("Demography", 18) == ["Demography"]
