from decimal import Decimal, localcontext

import pytest

from zhonghe.engine.activities import Activity, Category, TravelActivity, TravelMode
from zhonghe.engine.distance import great_circle_km
from zhonghe.engine.errors import EngineError, InvalidActivity, UnitMismatch, UnknownFactor
from zhonghe.engine.footprint import Footprint, calculate_footprint

from .factories import CKG, PEK, make_release

D = Decimal
RELEASE = make_release()


def electricity(quantity: str, unit: str = "kWh", ref: str = "e1") -> Activity:
    return Activity(ref, Category.ELECTRICITY, "electricity.grid", D(quantity), unit)


def total_of(*activities) -> Decimal:
    return calculate_footprint(list(activities), RELEASE).total_kg_co2e


def test_grid_electricity_1000_kwh():
    footprint = calculate_footprint([electricity("1000")], RELEASE)
    (line,) = footprint.lines
    assert line.kg_co2e == D("558.100")  # 1000 × 0.5581
    assert str(line.kg_co2e) == "558.100"
    assert footprint.total_kg_co2e == D("558.100")
    assert footprint.total_t_co2e == D("0.558")
    assert footprint.required_offset_t == 1


def test_quantity_is_converted_into_the_factor_unit_first():
    assert total_of(electricity("1", "MWh")) == D("558.100")
    # 100 L diesel × 0.84 kg/L = 0.084 t × 3096 kg/t = 260.064 kg
    line = calculate_footprint([Activity("f", Category.FUEL, "fuel.diesel", D("100"), "L")], RELEASE).lines[0]
    assert (line.quantity, line.unit, line.kg_co2e) == (D("0.084"), "t", D("260.064"))
    # 2.5 × 10^4 Nm3 natural gas × 2.162 kg/Nm3 = 54,050 kg
    assert total_of(Activity("g", Category.FUEL, "fuel.natural_gas", D("2.5"), "wan_nm3")) == D("54050.000")
    # 1 MWh of heat = 3.6 GJ × 110 kg/GJ = 396 kg
    assert total_of(Activity("h", Category.HEAT, "heat.purchased", D("1"), "MWh")) == D("396.000")


def test_meeting_of_200_flying_1200_km_each_way_and_staying_two_nights():
    # emission-factors.md §13: 200 × 2 × 1,200 km × 0.0829 = 39,792 kg; 200 × 2 nights × 66.52 = 26,608 kg
    flights = TravelActivity("fl", TravelMode.FLIGHT_DOMESTIC, 200, distance_km=D("1200"), round_trip=True)
    hotel = Activity("ho", Category.LODGING, "lodging.hotel_room_night", D("400"), "room-night")
    footprint = calculate_footprint([flights, hotel], RELEASE)
    flight_line, hotel_line = footprint.lines
    assert (flight_line.quantity, flight_line.unit) == (D("480000"), "passenger-km")
    assert flight_line.kg_co2e == D("39792.000")
    assert hotel_line.kg_co2e == D("26608.000")
    assert footprint.total_kg_co2e == D("66400.000")
    assert footprint.total_t_co2e == D("66.400")
    assert footprint.required_offset_t == 67  # 66.4 t needs 67 whole tonnes
    assert footprint.by_category_kg() == {"travel": D("39792.000"), "lodging": D("26608.000")}


def test_flight_between_airports_uses_great_circle_plus_95_km():
    trip = TravelActivity("fl", TravelMode.FLIGHT_DOMESTIC, 10, origin=CKG, destination=PEK, round_trip=True)
    (line,) = calculate_footprint([trip], RELEASE).lines
    one_way_km = great_circle_km(CKG, PEK) + 95
    assert line.distance_km == one_way_km
    assert line.quantity == one_way_km * 2 * 10
    assert line.kg_co2e == (one_way_km * 20 * D("0.0829")).quantize(D("0.001"))
    assert line.distance_method.startswith("great-circle ") and "round trip × 2" in line.distance_method
    assert line.description == "Chongqing Jiangbei → Beijing Capital"


def test_car_is_per_vehicle_and_shared_by_the_occupancy():
    # 3 people × 100 km = 300 passenger-km ÷ 1.5 default occupancy = 200 vehicle-km × 0.19567
    default = calculate_footprint([TravelActivity("c", TravelMode.CAR, 3, distance_km=D("100"))], RELEASE)
    assert (default.lines[0].quantity, default.lines[0].unit) == (D("200"), "vehicle-km")
    assert default.total_kg_co2e == D("39.134")
    assert "÷ occupancy 1.5" in default.lines[0].distance_method
    # the same three in one car: 100 vehicle-km
    shared = TravelActivity("c", TravelMode.CAR, 3, distance_km=D("100"), occupancy=D("3"))
    assert total_of(shared) == D("19.567")


def test_bus_is_per_passenger_and_ignores_occupancy_rules():
    assert total_of(TravelActivity("b", TravelMode.BUS, 40, distance_km=D("25"))) == D("53.000")  # 1000 pkm × 0.053
    with pytest.raises(InvalidActivity, match="b: occupancy applies to car, taxi and coach only"):
        TravelActivity("b", TravelMode.BUS, 40, distance_km=D("25"), occupancy=D("2"))


def test_lines_are_rounded_half_up_and_the_total_is_their_sum():
    # 1 kg × 0.0005 = 0.0005 kg → 0.001 per line; three lines make 0.003, not round(0.0015) = 0.002
    tiny = [Activity(f"m{i}", Category.MATERIALS, "materials.tiny", D("1"), "kg") for i in range(3)]
    footprint = calculate_footprint(tiny, RELEASE)
    assert [line.kg_co2e for line in footprint.lines] == [D("0.001")] * 3
    assert footprint.total_kg_co2e == D("0.003")


def test_each_line_carries_the_provenance_of_its_factor():
    meal = Activity("meal", Category.MEALS, "meals.standard", D("600"), "meal", "lunches")
    (line,) = calculate_footprint([meal], RELEASE).lines
    assert line.kg_co2e == D("1200.000")
    assert (line.factor_key, line.factor_value, line.factor_unit) == (
        "meals.standard",
        D("2.0"),
        "kgCO2e/meal",
    )
    assert (line.factor_source, line.factor_doc_no, line.factor_year) == ("test source", "TEST-1", 2024)
    assert (line.factor_boundary, line.factor_reliability) == ("not stated", "unconfirmed")
    assert (line.category, line.description, line.distance_km, line.distance_method) == (
        Category.MEALS, "lunches", None, "",
    )  # fmt: skip


def test_footprint_names_the_release_and_method():
    footprint = calculate_footprint([], RELEASE)
    assert (footprint.release_code, footprint.method_version) == ("TEST-1", "zhonghe-method/1")
    assert footprint.release_hash == RELEASE.content_hash()
    assert (footprint.total_kg_co2e, footprint.total_t_co2e, footprint.required_offset_t) == (0, 0, 0)
    assert footprint.by_category_kg() == {}


@pytest.mark.parametrize(
    ("total_kg", "total_t", "offset_t"),
    [("1000.000", "1.000", 1), ("1000.001", "1.000", 2), ("1234.500", "1.235", 2), ("0.001", "0.000", 1)],
)
def test_tonnes_round_half_up_for_display_and_up_for_offsets(total_kg, total_t, offset_t):
    footprint = Footprint("R", "h", "m", (), D("0.000"))
    object.__setattr__(footprint, "total_kg_co2e", D(total_kg))  # bypass the line-sum check on purpose
    assert footprint.total_t_co2e == D(total_t)
    assert footprint.required_offset_t == offset_t


def test_footprint_refuses_a_total_that_is_not_the_sum_of_its_lines():
    line = calculate_footprint([electricity("1000")], RELEASE).lines[0]
    with pytest.raises(EngineError, match="does not equal the sum"):
        Footprint("TEST-1", "h", "m", (line,), D("558.101"))


def test_duplicate_refs_are_refused():
    with pytest.raises(InvalidActivity, match="duplicate activity ref 'e1'"):
        calculate_footprint([electricity("1"), electricity("2")], RELEASE)


def test_unknown_factor_and_unit_mismatch_surface_as_engine_errors():
    with pytest.raises(UnknownFactor):
        calculate_footprint([Activity("x", Category.WATER, "water.tap", D("1"), "m3")], RELEASE)
    with pytest.raises(UnknownFactor, match="no factor .travel.metro."):
        calculate_footprint([TravelActivity("t", TravelMode.METRO, 1, origin=CKG, destination=PEK)], RELEASE)
    with pytest.raises(UnitMismatch):
        calculate_footprint([Activity("f", Category.FUEL, "fuel.diesel", D("1"), "kWh")], RELEASE)
    with pytest.raises(UnitMismatch, match="needs a density"):  # LPG carries no density: litres are refused
        calculate_footprint([Activity("f", Category.FUEL, "fuel.lpg", D("1"), "L")], RELEASE)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"quantity": D("-1")}, "must not be negative"),
        ({"quantity": D("NaN")}, "must be finite"),
        ({"quantity": D("Infinity")}, "must be finite"),
        ({"quantity": D("1E+12") + 1}, "plausible maximum"),
        ({"quantity": 1.5}, "must be a Decimal"),
        ({"ref": " "}, "non-empty ref"),
        ({"category": Category.TRAVEL, "factor_key": "travel.bus"}, "TravelActivity"),
        ({"category": "food"}, "unknown category"),
        ({"factor_key": "fuel.diesel"}, "does not belong to category 'electricity'"),
        ({"unit": ""}, "unit must be given"),
    ],
)
def test_invalid_activities_are_refused_when_built(kwargs, fragment):
    fields = {"ref": "e1", "category": Category.ELECTRICITY, "factor_key": "electricity.grid",
              "quantity": D("1"), "unit": "kWh", **kwargs}  # fmt: skip
    with pytest.raises(InvalidActivity, match=fragment) as caught:
        Activity(**fields)
    assert caught.value.code == "invalid_activity"


@pytest.mark.parametrize("trips", [0, -3, True, 1.0, 10**9 + 1])
def test_person_trips_must_be_a_positive_whole_number(trips):
    with pytest.raises(InvalidActivity, match="person_trips"):
        TravelActivity("t", TravelMode.BUS, trips, distance_km=D("1"))


def test_a_quantity_at_the_ceiling_is_still_accepted_and_exact():
    ceiling = Activity("e", Category.ELECTRICITY, "electricity.grid", D("1E+12"), "kWh")
    assert total_of(ceiling) == D("558100000000.000")


def test_results_do_not_depend_on_the_callers_decimal_context():
    activities = [electricity("1234.567"), TravelActivity("c", TravelMode.CAR, 7, distance_km=D("33.3"))]
    expected = calculate_footprint(activities, RELEASE)
    with localcontext() as context:
        context.prec = 4
        assert calculate_footprint(activities, RELEASE) == expected


def test_the_fast_line_constructor_equals_the_dataclass_one():
    from dataclasses import fields

    from zhonghe.engine.footprint import FootprintLine, new_line

    line = calculate_footprint([Activity("e", Category.ELECTRICITY, "electricity.grid", D("2"), "kWh")], RELEASE).lines[
        0
    ]
    values = {item.name: getattr(line, item.name) for item in fields(FootprintLine)}
    assert new_line(values) == FootprintLine(**values) == line
    assert hash(new_line(values)) == hash(line) and repr(new_line(values)) == repr(line)
    required = {name: value for name, value in values.items() if name not in ("phase", "part", "evidence")}
    assert new_line(required) == FootprintLine(**required)
