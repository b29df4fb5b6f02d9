import math
from decimal import Decimal

import pytest

from zhonghe.engine.activities import Place, TravelActivity, TravelMode
from zhonghe.engine.distance import great_circle_km, travel_distance_km
from zhonghe.engine.errors import InvalidActivity, UnknownFactor

from .factories import CHENGDU, CKG, PEK, YUZHONG, make_release

D = Decimal
ORIGIN = Place("O", "origin", D("0"), D("0"))


def test_quarter_meridian_is_a_quarter_of_the_circumference():
    # 6371 km × π/2 = 10,007.543 km (to the metre)
    north_pole = Place("N", "pole", D("90"), D("0"))
    assert great_circle_km(ORIGIN, north_pole) == D("10007.543")


def test_one_degree_along_the_equator():
    # 6371 km × π/180 = 111.195 km
    assert great_circle_km(ORIGIN, Place("E", "1°E", D("0"), D("1"))) == D("111.195")


def test_antipodes_are_half_the_circumference():
    antipode = Place("A", "antipode", D("0"), D("180"))
    assert great_circle_km(ORIGIN, antipode) == D(repr(6371 * math.pi)).quantize(D("0.001"))


def test_chongqing_to_beijing_airports_is_about_1450_km():
    distance_km = great_circle_km(CKG, PEK)
    # Published CKG–PEK great-circle distances are ≈1,450–1,465 km.
    assert abs(distance_km - D("1455")) < D("20")
    assert distance_km.as_tuple().exponent == -3  # quantized to the metre
    assert great_circle_km(PEK, CKG) == distance_km


def test_yuzhong_to_chengdu_is_about_267_km():
    assert abs(great_circle_km(YUZHONG, CHENGDU) - D("267")) < D("5")


def _flight(**route):
    return TravelActivity("t1", TravelMode.FLIGHT_DOMESTIC, person_trips=1, **route)


def test_declared_distance_is_used_as_is():
    release = make_release()
    assert travel_distance_km(_flight(distance_km=D("1200.5")), release) == (
        D("1200.5"),
        "declared 1,200.5 km",
    )


def test_flight_adds_the_detour_constant_and_says_so():
    release = make_release()
    great_circle = great_circle_km(CKG, PEK)
    distance_km, method = travel_distance_km(_flight(origin=CKG, destination=PEK), release)
    assert distance_km == great_circle + 95
    assert method == f"great-circle {great_circle:,} km + 95 km (EN 16258 via co2calculator)"


def test_rail_multiplies_the_great_circle_distance():
    release = make_release()
    trip = TravelActivity("t1", TravelMode.HSR, 1, origin=YUZHONG, destination=CHENGDU)
    distance_km, method = travel_distance_km(trip, release)
    assert distance_km == (great_circle_km(YUZHONG, CHENGDU) * D("1.2")).quantize(D("0.001"))
    assert "× 1.2" in method and "+" not in method and "co2calculator rail" in method


def test_mode_without_distance_rule_is_an_unknown_factor():
    trip = TravelActivity("t1", TravelMode.METRO, 1, origin=YUZHONG, destination=CHENGDU)
    with pytest.raises(UnknownFactor, match="no distance rule for metro"):
        travel_distance_km(trip, make_release())


@pytest.mark.parametrize(
    ("route", "fragment"),
    [
        ({}, "give distance_km or both origin and destination"),
        ({"origin": CKG}, "give distance_km or both origin and destination"),
        ({"distance_km": D("10"), "origin": CKG, "destination": PEK}, "not both"),
        ({"origin": CKG, "destination": CKG}, "same point"),
        ({"distance_km": D("-1")}, "must not be negative"),
        ({"distance_km": D("100001")}, "plausible maximum"),
        ({"distance_km": 12.5}, "must be a Decimal"),
    ],
)
def test_travel_route_must_be_one_of_distance_or_places(route, fragment):
    with pytest.raises(InvalidActivity, match=fragment):
        _flight(**route)


@pytest.mark.parametrize(
    ("lat", "lon"), [(D("91"), D("0")), (D("0"), D("-180.5")), (D("NaN"), D("0")), (29.5, D("106"))]
)
def test_places_outside_the_globe_are_refused(lat, lon):
    with pytest.raises(InvalidActivity):
        Place("X", "nowhere", lat, lon)
