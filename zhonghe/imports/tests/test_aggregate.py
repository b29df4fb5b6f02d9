"""Aggregation: rows → lines keyed by route and modifiers, trips summed, names dropped; engine activities."""

from decimal import Decimal

import pytest

from zhonghe.data.factor_releases import available_release_codes, load_release
from zhonghe.data.places import airport_place, city_place
from zhonghe.engine.activities import TravelActivity, TravelMode
from zhonghe.engine.footprint import calculate_footprint
from zhonghe.imports.aggregate import (
    aggregate_attendees,
    takes_cabin_and_shared_occupancy,
    travel_activities,
)
from zhonghe.imports.parse import parse_file

from .spreadsheets import ZH, csv_bytes

D = Decimal
RELEASE = load_release("CQ-2025")
ROWS = [
    ZH,
    ["张三", "成都", "", "高铁", "是", "1", "", "", ""],
    ["李四", "成都市", "", "高铁", "是", "2", "", "", ""],  # same place written otherwise: same line
    ["王五", "Chengdu", "", "高铁", "是", "3", "", "", ""],
    ["赵六", "成都", "", "高铁", "否", "1", "", "", ""],  # one way: its own line
    ["", "PEK", "CKG", "飞机", "是", "1", "", "商务舱", ""],
    ["", "PEK", "CKG", "飞机", "是", "4", "", "", ""],  # no cabin: its own line
    ["", "HKG", "CKG", "飞机", "是", "1", "", "", ""],
    ["", "渝中区", "", "自驾", "是", "2", "", "", "2"],
    ["", "渝中区", "", "自驾", "是", "2", "35", "", "2"],  # declared distance: its own line
]


def lines():
    parsed = parse_file(csv_bytes(ROWS), "attendees", venue="重庆")
    assert parsed.ok, parsed.errors
    return parsed, aggregate_attendees(parsed.rows)


def test_trips_are_summed_per_key_and_nothing_is_lost():
    parsed, result = lines()
    assert sum(line.person_trips for line in result) == sum(row.trips for row in parsed.rows) == 17
    assert sum(line.rows for line in result) == len(parsed.rows) == 9
    by_ref = {
        line.ref: (line.origin.code, line.mode, line.round_trip, line.cabin, line.person_trips) for line in result
    }
    assert by_ref == {
        "travel-00001": ("510100", TravelMode.HSR, True, None, 6),
        "travel-00002": ("510100", TravelMode.HSR, False, None, 1),
        "travel-00003": ("PEK", TravelMode.FLIGHT_DOMESTIC, True, "business", 1),
        "travel-00004": ("PEK", TravelMode.FLIGHT_DOMESTIC, True, None, 4),
        "travel-00005": ("HKG", TravelMode.FLIGHT_INTERNATIONAL, True, None, 1),
        "travel-00006": ("500103", TravelMode.CAR, True, None, 2),
        "travel-00007": ("500103", TravelMode.CAR, True, None, 2),
    }


def test_names_never_reach_a_line_or_an_activity():
    _, result = lines()
    text = repr(result) + repr(travel_activities(result, RELEASE))
    for name in ("张三", "李四", "王五", "赵六"):
        assert name not in text
    assert "name" not in {field for field in type(result[0]).__dataclass_fields__}


def test_line_footprint_equals_the_engine_on_hand_built_activities():
    _, result = lines()
    chengdu, chongqing, yuzhong = city_place("510100"), city_place("500000"), city_place("500103")
    pek, ckg = airport_place("PEK"), airport_place("CKG")
    by_hand = [
        TravelActivity("a", TravelMode.HSR, 6, origin=chengdu, destination=chongqing, round_trip=True),
        TravelActivity("b", TravelMode.HSR, 1, origin=chengdu, destination=chongqing),
        TravelActivity("c", TravelMode.FLIGHT_DOMESTIC, 1, origin=pek, destination=ckg, round_trip=True),
        TravelActivity("d", TravelMode.FLIGHT_DOMESTIC, 4, origin=pek, destination=ckg, round_trip=True),
        TravelActivity("e", TravelMode.FLIGHT_INTERNATIONAL, 1, origin=airport_place("HKG"),
                       destination=airport_place("CKG"), round_trip=True),
        TravelActivity("f", TravelMode.CAR, 2, origin=yuzhong, destination=chongqing, round_trip=True, occupancy=D(2)),
        TravelActivity("g", TravelMode.CAR, 2, distance_km=D(35), round_trip=True, occupancy=D(2)),
    ]  # fmt: skip
    ours = calculate_footprint(travel_activities(result, RELEASE), RELEASE)
    expected = calculate_footprint(by_hand, RELEASE)
    assert [line.kg_co2e for line in ours.lines] == [line.kg_co2e for line in expected.lines]
    assert ours.total_kg_co2e == expected.total_kg_co2e > 0


def test_engine_activities_carry_route_distance_and_occupancy():
    _, result = lines()
    activities = travel_activities(result, RELEASE)
    declared = activities[6]
    assert (declared.distance_km, declared.origin, declared.occupancy) == (D(35), None, D(2))
    assert activities[0].description == "四川省成都市 → 重庆市"
    business = activities[2]
    assert result[2].cabin == "business"  # the line keeps it, whatever the release computes
    if takes_cabin_and_shared_occupancy(RELEASE):
        assert business.cabin == "business"
    else:  # CQ-2025 (method/1) has no cabin factors: the engine activity carries none
        assert getattr(business, "cabin", None) is None


def test_taxi_occupancy_is_kept_on_the_line_and_passed_only_to_an_engine_that_takes_it():
    parsed = parse_file(
        csv_bytes([ZH, ["", "渝北区", "", "出租车", "否", "1", "", "", "3"]]), "attendees", venue="重庆"
    )
    assert parsed.ok, parsed.errors
    (line,) = aggregate_attendees(parsed.rows)
    assert line.occupancy == D(3)
    (activity,) = travel_activities([line], RELEASE)
    assert activity.occupancy == (D(3) if takes_cabin_and_shared_occupancy(RELEASE) else None)


@pytest.mark.skipif("CQ-2025.2" not in available_release_codes(), reason="needs the method/2 release of issue 6")
def test_a_method2_release_gets_the_cabin_and_the_taxi_occupancy():
    release = load_release("CQ-2025.2")
    rows = [
        ZH,
        ["", "PEK", "CKG", "飞机", "是", "1", "", "商务舱", ""],
        ["", "PEK", "CKG", "飞机", "是", "1", "", "", ""],
        ["", "渝北区", "", "出租车", "否", "1", "", "", "3"],
    ]
    parsed = parse_file(csv_bytes(rows), "attendees", venue="重庆")
    business, economy, taxi = travel_activities(aggregate_attendees(parsed.rows), release)
    assert business.cabin == "business" and economy.cabin is None and taxi.occupancy == D(3)
    kg: dict[str, Decimal] = {}
    for line in calculate_footprint([business, economy, taxi], release).lines:
        kg[line.ref] = kg.get(line.ref, D(0)) + line.kg_co2e
    assert kg[business.ref] > kg[economy.ref] > 0
