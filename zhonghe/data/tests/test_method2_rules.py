"""zhonghe-method/2 rules on the shipped CQ-2025.2: grid choice, green split, gases, units, travel, refusals."""

from decimal import Decimal

import pytest

from zhonghe.data.factor_releases import load_release
from zhonghe.engine.activities import Activity, Cabin, Category, Place, TravelActivity, TravelMode, VehicleFuel
from zhonghe.engine.errors import InvalidActivity, UnitMismatch, UnknownFactor
from zhonghe.engine.footprint import AccountingOptions, calculate_footprint
from zhonghe.engine.hashing import inventory_hash

D = Decimal
RELEASE = load_release("CQ-2025.2")
CKG = Place("CKG", "Chongqing Jiangbei", D("29.7192"), D("106.642"), "CN")
PEK = Place("PEK", "Beijing Capital", D("40.0801"), D("116.585"), "CN")
SIN = Place("SIN", "Singapore Changi", D("1.35019"), D("103.994003"), "SG")
CHENGDU = Place("510100", "成都市", D("30.572893"), D("104.066794"))
YUZHONG = Place("500103", "渝中区", D("29.552736"), D("106.568896"))
XIAN = Place("610100", "西安市", D("34.341568"), D("108.940174"))


def one(activity, options=None):
    return calculate_footprint([activity], RELEASE, options).lines


def kwh(ref="el", quantity="1000", unit="kWh", **extra):
    return Activity(ref, Category.ELECTRICITY, "electricity.grid", D(quantity), unit, **extra)


@pytest.mark.parametrize(
    ("options", "factor_key", "kg"),
    [
        (AccountingOptions(), "electricity.grid_p50", "558.100"),  # 重庆 0.5581
        (AccountingOptions(venue_province="51"), "electricity.grid_p51", "156.400"),  # 四川 0.1564
        (AccountingOptions(grid="national"), "electricity.grid_national", "530.600"),
        (AccountingOptions(grid="regional"), "electricity.grid_region_xinan", "247.200"),  # 西南 0.2472
        (AccountingOptions(venue_province=""), "electricity.grid_national", "530.600"),
        (AccountingOptions(venue_province="54"), "electricity.grid_national", "530.600"),  # 西藏: no table-3 row
    ],
)
def test_the_grid_factor_follows_the_venue_and_the_option(options, factor_key, kg):
    (line,) = one(kwh(), options)
    assert (line.factor_key, line.kg_co2e) == (factor_key, D(kg))
    assert line.factor_source and line.factor_source_en


@pytest.mark.parametrize(
    ("options", "zh", "en"),
    [
        (AccountingOptions(grid="national"), "（按所选全国电网平均）", "(national average chosen)"),
        (AccountingOptions(grid="regional"), "（按所选区域电网）", "(regional grid chosen)"),
    ],
)
def test_a_chosen_grid_says_so_on_the_line(options, zh, en):
    (line,) = one(kwh(), options)
    assert line.factor_source.endswith(zh) and line.factor_source_en.endswith(en)
    (provincial,) = one(kwh())
    assert "所选" not in provincial.factor_source and "chosen" not in provincial.factor_source_en


def test_a_province_without_a_factor_says_it_fell_back_to_national():
    (line,) = one(kwh(), AccountingOptions(venue_province="54"))
    assert "national average" in line.factor_source_en and "全国平均" in line.factor_source


def test_regional_grid_outside_the_mapped_region_is_refused_by_ref_and_field():
    with pytest.raises(UnknownFactor, match=r"^el: factor_key: .*no regional grid for venue province 11"):
        one(kwh(), AccountingOptions(grid="regional", venue_province="11"))


@pytest.mark.parametrize(
    ("extra", "green_kwh"),
    [({"green_share": D("0.4")}, D("400")), ({"green_kwh": D("250")}, D("250")), ({"green_share": D("1")}, D("1000"))],
)
def test_green_power_splits_one_reading_into_green_and_residual(extra, green_kwh):
    green, residual = one(kwh(green_certificates=("GEC-1",), **extra))
    assert (green.part, residual.part) == ("green", "residual")
    assert (green.quantity, green.kg_co2e, green.evidence) == (green_kwh, D("0.000"), ("GEC-1",))
    assert residual.quantity == D("1000") - green_kwh
    assert residual.kg_co2e == ((D("1000") - green_kwh) * D("0.6096")).quantize(D("0.001"))  # table 4
    assert residual.factor_key == "electricity.grid_residual" and residual.evidence == ()


def test_green_power_of_a_reading_in_mwh_or_du():
    green, residual = one(kwh(quantity="2", unit="MWh", green_kwh=D("500")))
    assert (green.quantity, residual.quantity) == (D("500"), D("1500"))


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"green_kwh": D("1001")}, "green_kwh"),
        ({"green_share": D("1.1")}, "green_share"),
        ({"green_share": D("0.5"), "green_kwh": D("1")}, "green_kwh or green_share"),
        ({"green_certificates": ("GEC-1",)}, "green_certificates"),
    ],
)
def test_inconsistent_green_power_is_refused_by_ref_and_field(extra, field):
    with pytest.raises(InvalidActivity, match=f"^el: .*{field}"):
        kwh(**extra)


def test_green_power_only_on_electricity():
    with pytest.raises(InvalidActivity, match="^h: green_kwh / green_share apply to electricity only"):
        Activity("h", Category.HEAT, "heat.purchased", D("1"), "GJ", green_share=D("0.5"))


def test_gwp_sets_do_real_arithmetic():
    gas = Activity("gas", Category.FUEL, "fuel.natural_gas", D("10000"), "Nm3")
    (ar5,) = one(gas)
    (ar6,) = one(gas, AccountingOptions(gwp_set="AR6"))
    # 10^4 Nm3 × 0.038931 GJ = 0.38931 TJ; CH4 0.38931 × 5 = 1.94655 kg; N2O × 0.1 = 0.038931 kg; CO2 21,620
    assert (ar5.kg_co2, ar5.kg_ch4, ar5.kg_n2o) == (D("21620.000000"), D("1.946550"), D("0.038931"))
    assert ar5.kg_co2e == (D("21620") + D("1.94655") * 28 + D("0.038931") * 265).quantize(D("0.001"))
    assert ar6.kg_co2e == (D("21620") + D("1.94655") * D("29.8") + D("0.038931") * 273).quantize(D("0.001"))
    with pytest.raises(InvalidActivity, match="options: gwp_set 'AR2'"):
        one(gas, AccountingOptions(gwp_set="AR2"))


def test_stationary_and_mobile_diesel_differ_only_in_ch4_and_n2o():
    (stationary,) = one(Activity("d", Category.FUEL, "fuel.diesel", D("1"), "t"))
    (road,) = one(Activity("d", Category.FUEL, "fuel.diesel_mobile", D("1"), "t"))
    (offroad,) = one(Activity("d", Category.FUEL, "fuel.diesel_offroad", D("1"), "t"))
    assert stationary.kg_co2 == road.kg_co2 == offroad.kg_co2 == D("3096.000000")
    # 42.652 GJ = 0.042652 TJ × (10 | 3.9 | 4.15) kg CH4 and × (0.6 | 3.9 | 28.6) kg N2O
    assert (stationary.kg_ch4, road.kg_n2o, offroad.kg_n2o) == (D("0.426520"), D("0.166343"), D("1.219847"))
    assert stationary.kg_co2e < road.kg_co2e < offroad.kg_co2e


@pytest.mark.parametrize(
    ("key", "quantity", "unit", "factor_quantity"),
    [
        ("electricity.grid", "1000", "度", "1000"),
        ("electricity.grid", "1.5", "MWh", "1500"),
        ("electricity.grid", "1000", "千瓦时", "1000"),
        ("fuel.natural_gas", "100", "立方米", "100"),  # gas m³ read as standard m³
        ("fuel.natural_gas", "100", "m³", "100"),
        ("fuel.natural_gas", "100", "Nm³", "100"),
        ("fuel.diesel", "1000", "升", "0.83"),  # × 0.830 kg/L (GB 19147)
        ("fuel.gasoline", "1000", "L", "0.7475"),  # × 0.7475 kg/L (GB 17930)
        ("fuel.diesel", "2", "吨", "2"),
        ("materials.paper", "500", "千克", "0.5"),
        ("materials.paper", "1000", "张", "0.0049896"),  # × 0.0049896 kg per A4 sheet
        ("water.tap", "3", "立方米", "3"),
    ],
)
def test_units_people_write(key, quantity, unit, factor_quantity):
    category = Category(key.split(".")[0])
    (line,) = one(Activity("a", category, key, D(quantity), unit))
    assert line.quantity == D(factor_quantity)


def test_a_litre_quantity_cites_the_density_it_used():
    (line,) = one(Activity("a", Category.FUEL, "fuel.diesel", D("1000"), "L"))
    assert "GB 19147-2013" in line.factor_source and "GB 19147-2013" in line.factor_source_en
    (sheets,) = one(Activity("p", Category.MATERIALS, "materials.paper", D("1000"), "张"))
    assert "ISO 216:2007" in sheets.factor_source_en


@pytest.mark.parametrize(
    ("key", "unit", "message"),
    [
        ("electricity.grid", "furlong", "^a: unit: unknown unit 'furlong'; accepted units: .*kWh.*度"),
        ("fuel.lpg", "L", "^a: unit: converting L into t needs a density"),
        ("water.tap", "Nm3", "^a: unit: cannot convert Nm3"),
    ],
)
def test_unknown_or_inconvertible_units_are_refused_by_ref_and_field(key, unit, message):
    with pytest.raises(UnitMismatch, match=message):
        one(Activity("a", Category(key.split(".")[0]), key, D("1"), unit))


def test_an_unknown_factor_is_refused_by_ref_and_field():
    with pytest.raises(UnknownFactor, match="^m: factor_key: release CQ-2025.2 has no factor 'materials.unobtainium'"):
        one(Activity("m", Category.MATERIALS, "materials.unobtainium", D("1"), "kg"))


def test_flights_add_95_km_to_the_geodesic_and_say_so_in_both_languages():
    (line,) = one(TravelActivity("f", TravelMode.FLIGHT_DOMESTIC, 1, origin=PEK, destination=CKG))
    assert line.distance_km == D("1463.168") + 95  # GeographicLib WGS84 PEK–CKG + EN 16258 uplift
    assert "WGS84 geodesic 1,463.168 km + 95 km" in line.distance_method
    assert "WGS84大地线距离 1,463.168 公里 + 95 公里" in line.distance_method_zh


def test_domestic_or_international_comes_from_the_airports_countries():
    (typed_domestic,) = one(TravelActivity("f", TravelMode.FLIGHT_DOMESTIC, 1, origin=SIN, destination=CKG))
    assert typed_domestic.factor_key == "travel.flight_international" and "SG–CN" in typed_domestic.distance_method
    (typed_international,) = one(TravelActivity("f", TravelMode.FLIGHT_INTERNATIONAL, 1, origin=PEK, destination=CKG))
    assert typed_international.factor_key == "travel.flight_domestic"


@pytest.mark.parametrize(
    ("cabin", "kg"),
    [
        (Cabin.ECONOMY, D("1000") * D("0.06449")),
        (Cabin.PREMIUM_ECONOMY, D("1000") * D("0.06449") * D("1.6")),
        (Cabin.BUSINESS, D("1000") * D("0.06449") * D("2.9")),
        (Cabin.FIRST, D("1000") * D("0.06449") * D("4")),
    ],
)
def test_cabin_classes_multiply_the_economy_factor(cabin, kg):
    trip = TravelActivity("f", TravelMode.FLIGHT_INTERNATIONAL, 1, distance_km=D("1000"), cabin=cabin)
    (line,) = one(trip)
    assert line.kg_co2e == kg.quantize(D("0.001")) and line.factor_key == "travel.flight_international_economy"


def test_without_a_cabin_the_average_passenger_factor_applies():
    (line,) = one(TravelActivity("f", TravelMode.FLIGHT_INTERNATIONAL, 1, distance_km=D("1000")))
    assert line.kg_co2e == D("84.200")  # 1,000 × 0.08420


def test_rf_is_its_own_line_never_folded():
    trip = TravelActivity("f", TravelMode.FLIGHT_DOMESTIC, 2, distance_km=D("1000"))
    flight, rf = one(trip, AccountingOptions(radiative_forcing=True))
    assert (flight.part, rf.part) == ("", "rf")
    assert flight.kg_co2e == D("165.800")  # 2,000 pkm × 0.0829, unchanged by RF
    assert rf.kg_co2e == D("116.060")  # 165.8 × 0.7
    assert "DESNZ" in rf.factor_source_en


def test_rail_uses_the_published_line_length_else_an_estimated_distance():
    (table,) = one(TravelActivity("t", TravelMode.HSR, 1, origin=YUZHONG, destination=CHENGDU))
    assert table.distance_km == D("308") and "published line length 308 km" in table.distance_method
    assert "公布线路长度 308 公里" in table.distance_method_zh
    (estimated,) = one(TravelActivity("t", TravelMode.HSR, 1, origin=YUZHONG, destination=XIAN))
    assert estimated.distance_method.startswith("estimated distance")
    assert estimated.distance_method_zh.startswith("估算距离") and "× 1.18" in estimated.distance_method
    (conventional,) = one(TravelActivity("t", TravelMode.RAIL, 1, origin=CHENGDU, destination=YUZHONG))
    assert conventional.distance_km == D("505")


def test_round_trip_is_twice_one_way():
    one_way = one(TravelActivity("t", TravelMode.HSR, 3, origin=CHENGDU, destination=YUZHONG))[0]
    both = one(TravelActivity("t", TravelMode.HSR, 3, origin=CHENGDU, destination=YUZHONG, round_trip=True))[0]
    assert both.quantity == 2 * one_way.quantity and both.distance_km == one_way.distance_km


def test_occupancy_for_car_taxi_and_coach():
    (car,) = one(TravelActivity("c", TravelMode.CAR, 4, distance_km=D("50")))
    assert car.quantity == D("200") and "default" in car.distance_method  # no declared occupancy: 1 (ISO 14064-2)
    (shared,) = one(TravelActivity("c", TravelMode.CAR, 4, distance_km=D("50"), occupancy=D("4")))
    assert shared.quantity == D("50") and shared.kg_co2e == D("9.784")  # 50 vkm × 0.19567 = 9.7835
    (coach,) = one(TravelActivity("b", TravelMode.COACH, 30, distance_km=D("100")))
    assert (coach.factor_key, coach.kg_co2e) == ("travel.coach", D("159.000"))  # 3,000 pkm × 0.053
    (full,) = one(TravelActivity("b", TravelMode.COACH, 30, distance_km=D("100"), occupancy=D("30")))
    assert (full.factor_key, full.unit, full.kg_co2e) == ("travel.coach_vehicle", "vehicle-km", D("20.950"))


def test_vehicle_fuel_selects_its_factor_or_is_refused_by_ref_and_field():
    (electric,) = one(TravelActivity("t", TravelMode.TAXI, 1, distance_km=D("10"), fuel=VehicleFuel.ELECTRIC))
    assert (electric.factor_key, electric.kg_co2e) == ("travel.taxi_electric", D("0.911"))
    (petrol,) = one(TravelActivity("c", TravelMode.CAR, 1, distance_km=D("10"), fuel=VehicleFuel.PETROL))
    assert petrol.factor_key == "travel.car_petrol"
    with pytest.raises(UnknownFactor, match="^c: fuel: release CQ-2025.2 has no factor 'travel.car_diesel'") as diesel:
        one(TravelActivity("c", TravelMode.CAR, 1, distance_km=D("10"), fuel=VehicleFuel.DIESEL))
    assert diesel.value.advice == "diesel_as_fuel" and "fuel.diesel_mobile" in diesel.value.message
    with pytest.raises(
        UnknownFactor, match="^c: fuel: .*'travel.car_electric'.*charging kWh as an electricity activity"
    ) as electric:
        one(TravelActivity("c", TravelMode.CAR, 1, distance_km=D("10"), fuel=VehicleFuel.ELECTRIC))
    assert electric.value.advice == "charging_kwh_as_electricity"
    with pytest.raises(UnknownFactor, match="^t: fuel: .*'travel.taxi_diesel'") as taxi:
        one(TravelActivity("t", TravelMode.TAXI, 1, distance_km=D("10"), fuel=VehicleFuel.DIESEL))
    assert taxi.value.advice == "diesel_as_fuel"


def test_the_release_cites_no_energy_per_km_for_electric_or_diesel_cars():
    """The refusal above is the honest answer: CQ-2025.2 holds no kWh/km and no diesel-car factor to use."""
    assert not {"travel.car_electric", "travel.car_diesel", "travel.taxi_diesel"} & set(RELEASE.factors)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: TravelActivity("x", TravelMode.HSR, 1, distance_km=D("1"), cabin=Cabin.FIRST),
            "^x: cabin applies to flights",
        ),
        (
            lambda: TravelActivity("x", TravelMode.BUS, 1, distance_km=D("1"), fuel="petrol"),
            "^x: fuel applies to car and taxi",
        ),
        (
            lambda: TravelActivity("x", TravelMode.CAR, 1, distance_km=D("1"), fuel="hydrogen"),
            "^x: fuel must be one of",
        ),
        (
            lambda: TravelActivity("x", TravelMode.METRO, 1, distance_km=D("1"), occupancy=D("2")),
            "^x: occupancy applies",
        ),
        (
            lambda: TravelActivity("x", TravelMode.TAXI, 1, distance_km=D("1"), occupancy=D("0.5")),
            "^x: occupancy must be",
        ),
        (
            lambda: Activity("x", Category.MEALS, "meals.standard", D("1"), "meal", phase="during"),
            "^x: phase must be one of",
        ),
        (
            lambda: Activity("x", Category.MEALS, "meals.standard", D("1"), "meal", quality="good"),
            "^x: quality must be one of",
        ),
        (lambda: Place("ZZZ", "z", D("1"), D("1"), "china"), "country of 'ZZZ'"),
    ],
)
def test_bad_inputs_are_refused_naming_the_ref_and_field(build, message):
    with pytest.raises(InvalidActivity, match=message):
        build()


def test_every_line_names_phase_quality_and_an_uncertainty():
    lines = calculate_footprint([kwh(), TravelActivity("t", TravelMode.BUS, 2, distance_km=D("5"))], RELEASE).lines
    assert all(line.phase == "holding" and line.quality == "estimated" and line.uncertainty_pct > 0 for line in lines)


def test_method_2_hashes_the_new_fields():
    base = [kwh(green_share=D("0.5"))]
    assert inventory_hash(base, RELEASE) != inventory_hash([kwh(green_share=D("0.6"))], RELEASE)
    flights = [TravelActivity("f", TravelMode.FLIGHT_DOMESTIC, 1, origin=SIN, destination=CKG)]
    moved = [
        TravelActivity(
            "f",
            TravelMode.FLIGHT_DOMESTIC,
            1,
            origin=Place("SIN", "Singapore Changi", SIN.lat, SIN.lon, "CN"),
            destination=CKG,
        )
    ]
    assert inventory_hash(flights, RELEASE) != inventory_hash(moved, RELEASE)


def test_method_1_refuses_what_it_cannot_honour():
    old = load_release("CQ-2025")
    with pytest.raises(InvalidActivity, match="^el: green_kwh: release CQ-2025 does not split green power"):
        calculate_footprint([kwh(green_share=D("0.5"))], old)
    with pytest.raises(InvalidActivity, match="^f: cabin: release CQ-2025 has no factors by cabin"):
        calculate_footprint(
            [TravelActivity("f", TravelMode.FLIGHT_DOMESTIC, 1, distance_km=D("1"), cabin="business")], old
        )
    with pytest.raises(InvalidActivity, match="^options: grid: release CQ-2025"):
        calculate_footprint([kwh()], old, AccountingOptions(grid="national"))
    with pytest.raises(InvalidActivity, match="^options: radiative_forcing: release CQ-2025"):
        calculate_footprint([kwh()], old, AccountingOptions(radiative_forcing=True))
    # The venue province is accepted: CQ-2025 has its one (Chongqing) grid factor.
    assert calculate_footprint([kwh()], old, AccountingOptions(venue_province="51")).total_kg_co2e == D("558.100")
    with pytest.raises(InvalidActivity, match="^t: occupancy: release CQ-2025"):
        calculate_footprint([TravelActivity("t", TravelMode.TAXI, 1, distance_km=D("1"), occupancy=D("2"))], old)
