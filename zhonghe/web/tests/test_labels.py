"""Engine units and distance statements are shown in Chinese on Chinese pages and unchanged in English."""

from __future__ import annotations

import pytest
from django.utils import translation

from zhonghe.web.labels import method_text, unit_text


@pytest.mark.parametrize(
    ("unit", "zh"),
    [
        ("room-night", "间夜"),
        ("kgCO2e/room-night", "kgCO₂e/间夜"),
        ("passenger-km", "人·公里"),
        ("kgCO2e/vehicle-km", "kgCO₂e/车·公里"),
        ("kgCO2e/tonne-km", "kgCO₂e/吨·公里"),
        ("m3", "m³"),
        ("kgCO2e/m2", "kgCO₂e/m²"),
        ("meal", "份"),
        ("kgCO2e/meal", "kgCO₂e/份"),
        ("kWh", "kWh"),
        ("Nm3", "Nm³"),
        ("meals", "meals"),  # only whole units are replaced
        ("", ""),
    ],
)
def test_unit_text(unit, zh):
    with translation.override("zh-hans"):
        assert unit_text(unit) == zh
    with translation.override("en"):
        assert unit_text(unit) == unit


def test_method_text_for_each_statement_the_engine_makes():
    declared = "declared 1,460,000 km; round trip × 2; × 80 person-trips"
    rule = "great-circle 1,456.123 km × 1.09 + 95 km (ICAO); × 3 person-trips; ÷ occupancy 1.5"
    with translation.override("zh-hans"):
        assert method_text(declared) == "申报单程 1,460,000 公里; 往返 × 2; × 80 人次"
        assert method_text(rule) == "大圆距离 1,456.123 公里 × 1.09 + 95 公里 (ICAO); × 3 人次; ÷ 每车 1.5 人"
    with translation.override("en"):
        assert method_text(declared) == declared


def test_no_english_words_left_in_real_engine_statements():
    from decimal import Decimal

    from zhonghe.data.factor_releases import load_release
    from zhonghe.data.places import airport_place, city_place
    from zhonghe.engine.activities import TravelActivity, TravelMode
    from zhonghe.engine.footprint import calculate_footprint

    activities = [
        TravelActivity(ref="a", mode=TravelMode("flight_domestic"), person_trips=3, distance_km=None,
                       origin=airport_place("PEK"), destination=airport_place("CKG"), round_trip=True),
        TravelActivity(ref="b", mode=TravelMode("car"), person_trips=4, distance_km=Decimal("12.5")),
        TravelActivity(ref="c", mode=TravelMode("hsr"), person_trips=9, distance_km=None,
                       origin=city_place("成都市"), destination=city_place("渝中区")),
    ]  # fmt: skip
    lines = calculate_footprint(activities, load_release("CQ-2025")).lines
    with translation.override("zh-hans"):
        for line in lines:
            text = method_text(line.distance_method) + unit_text(line.unit) + unit_text(line.factor_unit)
            for word in ("declared", "great-circle", "round trip", "person-trips", "occupancy", " km", "-km"):
                assert word not in text, (word, text)
