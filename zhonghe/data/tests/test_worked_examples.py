"""Hand-worked zhonghe-method/2 examples on the shipped CQ-2025.2, each line's arithmetic written out.

Factor values are the release's published numbers typed here from their sources (MEE/NBS 2023,
CPCD, DESNZ 2025, IPCC 2006, GB 17930/19147), not read back from the engine; every expected kg is
the product written next to it, rounded half up to 1 g as footprint lines are.
"""

from decimal import ROUND_HALF_UP, Decimal

from zhonghe.data.factor_releases import load_release
from zhonghe.engine.activities import Activity, Cabin, Category, Phase, Place, Quality, TravelActivity, TravelMode
from zhonghe.engine.footprint import AccountingOptions, calculate_footprint

D = Decimal
RELEASE = load_release("CQ-2025.2")
CHENGDU = Place("510100", "成都市", D("30.572893"), D("104.066794"))
YUZHONG = Place("500103", "渝中区", D("29.552736"), D("106.568896"))


def g(value):
    """Round a hand-computed kg value to 1 g, half up."""
    return D(value).quantize(D("0.001"), rounding=ROUND_HALF_UP)


def kg_by_line(footprint):
    return {(line.ref, line.part): line.kg_co2e for line in footprint.lines}


def test_a_250_person_meeting():
    activities = [
        Activity("el", Category.ELECTRICITY, "electricity.grid", D("18000"), "度", quality=Quality.METERED),
        TravelActivity("fl", TravelMode.FLIGHT_DOMESTIC, 80, distance_km=D("1560"), round_trip=True),
        TravelActivity("hsr", TravelMode.HSR, 100, origin=CHENGDU, destination=YUZHONG, round_trip=True),
        TravelActivity("taxi", TravelMode.TAXI, 250, distance_km=D("18"), round_trip=True),
        Activity("hotel", Category.LODGING, "lodging.hotel_room_night", D("300"), "间夜"),
        Activity("lunch", Category.MEALS, "meals.standard", D("500"), "份"),
        Activity("veg", Category.MEALS, "meals.vegetarian", D("250"), "份"),
        Activity("paper", Category.MATERIALS, "materials.paper", D("10000"), "张", phase=Phase.PREPARATION),
        Activity("gas", Category.FUEL, "fuel.natural_gas", D("600"), "立方米"),
    ]
    expected = {
        ("el", ""): g(D("18000") * D("0.5581")),  # 重庆 table 3: 10,045.800
        ("fl", ""): g(80 * 2 * D("1560") * D("0.0829")),  # 249,600 pkm: 20,691.840
        ("hsr", ""): g(100 * 2 * D("308") * D("0.0204")),  # 成渝客专 308 km: 1,256.640
        ("taxi", ""): g(250 * 2 * D("18") * D("0.1001")),  # 9,000 pkm: 900.900
        ("hotel", ""): g(D("300") * D("66.52")),  # 19,956.000
        ("lunch", ""): g(D("500") * D("2.0286")),  # 1,014.300
        ("veg", ""): g(D("250") * D("1.27")),  # 317.500
        # 10,000 sheets × 0.0049896 kg (A4 80 g/m²) = 49.896 kg = 0.049896 t × 1,756.18 = 87.62635728
        ("paper", ""): g(D("0.049896") * D("1756.18")),
        # 600 m³ = 600 Nm³: CO2 600 × 2.162 = 1,297.2; energy 600 × 0.038931 GJ = 0.0233586 TJ;
        # CH4 0.0233586 × 5 = 0.116793 kg × 28; N2O 0.0233586 × 0.1 = 0.00233586 kg × 265
        ("gas", ""): g(D("1297.2") + D("0.116793") * 28 + D("0.00233586") * 265),  # 1,301.089
    }
    footprint = calculate_footprint(activities, RELEASE)
    assert kg_by_line(footprint) == expected
    assert footprint.total_kg_co2e == sum(expected.values())  # 55,571.695
    assert footprint.total_kg_co2e == D("55571.695")
    assert footprint.required_offset_t == 56
    assert footprint.by_phase_kg() == {"preparation": D("87.626"), "holding": D("55571.695") - D("87.626")}
    gas = next(line for line in footprint.lines if line.ref == "gas")
    assert (gas.kg_co2, gas.kg_ch4, gas.kg_n2o) == (D("1297.200000"), D("0.116793"), D("0.002336"))
    low, high = footprint.range_95_kg_co2e
    assert low < footprint.total_kg_co2e < high


def test_a_12000_m2_expo_with_materials_and_freight():
    prep, close = Phase.PREPARATION, Phase.CLOSING
    activities = [
        Activity(
            "el",
            Category.ELECTRICITY,
            "electricity.grid",
            D("240"),
            "MWh",
            quality=Quality.METERED,
            green_share=D("0.25"),
            green_certificates=("GEC-2026-0001", "GEC-2026-0002"),
        ),
        Activity("gen", Category.FUEL, "fuel.diesel", D("2000"), "升"),
        Activity("steel", Category.MATERIALS, "materials.steel", D("18"), "吨", phase=prep),
        Activity("alu", Category.MATERIALS, "materials.aluminium", D("2500"), "千克", phase=prep),
        Activity("ply", Category.MATERIALS, "materials.plywood", D("45"), "m³", phase=prep),
        Activity("carpet", Category.MATERIALS, "materials.carpet", D("3600"), "kg", phase=prep),
        Activity("pvc", Category.MATERIALS, "materials.pvc", D("800"), "kg", phase=prep),
        Activity("print", Category.MATERIALS, "materials.printed_matter", D("20000"), "册", phase=prep),
        Activity("gift", Category.MATERIALS, "materials.giveaway", D("500"), "kg"),
        Activity("water-b", Category.MATERIALS, "materials.bottled_water", D("30000"), "瓶"),
        Activity("fr-road", Category.FREIGHT, "freight.road", D("102000"), "吨公里", phase=prep),
        Activity("fr-rail", Category.FREIGHT, "freight.rail", D("40000"), "tkm", phase=prep),
        Activity("fr-air", Category.FREIGHT, "freight.air", D("2000"), "t-km", phase=prep),
        Activity("fr-ship", Category.FREIGHT, "freight.waterway", D("15000"), "tonne-km", phase=prep),
        Activity("landfill", Category.WASTE, "waste.landfill", D("6"), "t", phase=close),
        Activity("burn", Category.WASTE, "waste.incineration", D("4000"), "kg", phase=close),
        Activity("tap", Category.WATER, "water.tap", D("900"), "立方米"),
    ]
    expected = {
        ("el", "green"): g(D("60000") * 0),  # 240 MWh × 25 % = 60,000 kWh certified green
        ("el", "residual"): g(D("180000") * D("0.6096")),  # the other 180,000 kWh at table 4: 109,728
        # 2,000 L × 0.830 kg/L = 1.66 t; CO2 1.66 × 3,096 = 5,139.36; 1.66 × 42.652 GJ = 0.07080232 TJ;
        # CH4 × 10 kg/TJ = 0.7080232 kg × 28; N2O × 0.6 = 0.042481392 kg × 265
        ("gen", ""): g(D("5139.36") + D("0.7080232") * 28 + D("0.042481392") * 265),  # 5,170.442
        ("steel", ""): g(18 * D("2050")),  # 36,900
        ("alu", ""): g(2500 * D("9.8")),  # 24,500
        ("ply", ""): g(45 * D("312.08")),  # 14,043.6
        ("carpet", ""): g(3600 * D("3.82")),  # 13,752
        ("pvc", ""): g(800 * D("3.41")),  # 2,728
        ("print", ""): g(20000 * D("0.72")),  # 14,400
        ("gift", ""): g(500 * D("3.102")),  # 1,551
        ("water-b", ""): g(30000 * D("0.09")),  # 2,700
        ("fr-road", ""): g(102000 * D("0.10163")),  # 85 t × 1,200 km: 10,366.26
        ("fr-rail", ""): g(40000 * D("0.006502")),  # 260.08
        ("fr-air", ""): g(2000 * D("0.921")),  # 1,842
        ("fr-ship", ""): g(15000 * D("0.02")),  # 300
        ("landfill", ""): g(6 * D("583.87")),  # 3,503.22
        ("burn", ""): g(4 * D("561")),  # 2,244
        ("tap", ""): g(900 * D("0.168")),  # 151.2
    }
    footprint = calculate_footprint(activities, RELEASE)
    assert kg_by_line(footprint) == expected
    assert footprint.total_kg_co2e == D("244139.802")
    green = next(line for line in footprint.lines if line.part == "green")
    assert green.evidence == ("GEC-2026-0001", "GEC-2026-0002") and green.quantity == D("60000")
    assert footprint.by_phase_kg() == {
        "preparation": g(
            36900 + 24500 + D("14043.6") + 13752 + 2728 + 14400 + D("10366.26") + D("260.08") + 1842 + 300
        ),
        "holding": g(109728 + D("5170.442") + 1551 + 2700 + D("151.2")),
        "closing": g(D("3503.22") + 2244),
    }
    assert footprint.by_category_kg()["freight"] == D("12768.340")


def test_a_15000_person_concert_with_radiative_forcing():
    activities = [
        TravelActivity("metro", TravelMode.METRO, 9000, distance_km=D("15"), round_trip=True),
        TravelActivity("bus", TravelMode.BUS, 3000, distance_km=D("12"), round_trip=True),
        TravelActivity("car", TravelMode.CAR, 3000, distance_km=D("25"), round_trip=True, occupancy=D("2.5")),
        TravelActivity("taxi", TravelMode.TAXI, 1000, distance_km=D("10"), round_trip=True, occupancy=D("2")),
        TravelActivity(
            "artists", TravelMode.FLIGHT_INTERNATIONAL, 30, distance_km=D("3247"), round_trip=True, cabin=Cabin.BUSINESS
        ),
        Activity("el", Category.ELECTRICITY, "electricity.grid", D("95000"), "kWh"),
        Activity("gen", Category.FUEL, "fuel.diesel", D("1200"), "L"),
        Activity("waste", Category.WASTE, "waste.incineration", D("12"), "t", phase=Phase.CLOSING),
        Activity("bottles", Category.MATERIALS, "materials.bottled_water", D("15000"), "bottle"),
    ]
    business = D("0.06449") * D("2.900")  # DESNZ international economy × business multiplier = 0.187021
    expected = {
        ("metro", ""): g(9000 * 2 * 15 * D("0.04314")),  # 270,000 pkm: 11,647.8
        ("bus", ""): g(3000 * 2 * 12 * D("0.053")),  # 72,000 pkm: 3,816
        ("car", ""): g(D("150000") / D("2.5") * D("0.19567")),  # 150,000 pkm ÷ 2.5 = 60,000 vkm: 11,740.2
        ("taxi", ""): g(D("20000") / 2 * D("0.20806")),  # declared occupancy → per vehicle-km: 2,080.6
        ("artists", ""): g(30 * 2 * 3247 * business),  # 194,820 pkm × 0.187021 = 36,435.431
        ("artists", "rf"): g(30 * 2 * 3247 * business * D("0.7")),  # RF line, never folded: 25,504.802
        ("el", ""): g(95000 * D("0.5581")),  # 53,019.5
        # 1,200 L × 0.830 = 0.996 t; CO2 3,083.616; 0.996 × 42.652 = 0.042481392 TJ; CH4 × 10, N2O × 0.6
        ("gen", ""): g(D("3083.616") + D("0.42481392") * 28 + D("0.0254888352") * 265),  # 3,102.265
        ("waste", ""): g(12 * D("561")),  # 6,732
        ("bottles", ""): g(15000 * D("0.09")),  # 1,350
    }
    footprint = calculate_footprint(activities, RELEASE, AccountingOptions(radiative_forcing=True))
    assert kg_by_line(footprint) == expected
    assert footprint.total_kg_co2e == D("155428.598")
    assert footprint.radiative_forcing is True
    without = calculate_footprint(activities, RELEASE)  # the release default: RF off
    assert ("artists", "rf") not in kg_by_line(without)
    assert footprint.total_kg_co2e - without.total_kg_co2e == expected[("artists", "rf")]


def test_the_uncertainty_of_a_two_line_inventory_by_hand():
    activities = [
        Activity("el", Category.ELECTRICITY, "electricity.grid", D("1000"), "kWh", quality=Quality.METERED),
        Activity("meals", Category.MEALS, "meals.standard", D("100"), "meal", quality=Quality.DEFAULT),
    ]
    footprint = calculate_footprint(activities, RELEASE)
    el, meals = footprint.lines
    # electricity: factor ±10 %, metered ±2 % → √(10² + 2²) = 10.198 %; meals: ±50 % and ±50 % → 70.711 %
    assert (el.uncertainty_pct, meals.uncertainty_pct) == (D("10.2"), D("70.7"))
    # Var = (558.1 × 0.10)² + (558.1 × 0.02)² + (202.86 × 0.50)² + (202.86 × 0.50)² = 23,815.436144 kg²
    # √Var = 154.3225069…; range 760.960 ∓ 154.323 → [606.637, 915.283] (low down, high up, to 1 g)
    assert footprint.total_kg_co2e == D("760.960")
    assert footprint.range_95_kg_co2e == (D("606.637"), D("915.283"))
    shares = dict(footprint.uncertainty_shares())
    assert shares == {"meals": D("0.8640"), "electricity": D("0.1360")}  # 20,576.0898 / 23,815.436144


def test_offsetting_the_upper_bound_is_an_option():
    activities = [Activity("meals", Category.MEALS, "meals.standard", D("1000"), "meal")]
    central = calculate_footprint(activities, RELEASE)
    upper = calculate_footprint(activities, RELEASE, AccountingOptions(offset_basis="upper"))
    # 2,028.6 kg; ±√(50² + 30²) = ±58.31 % → upper 3,211.5 kg
    assert central.required_offset_t == 3 and central.offset_basis == "central"
    assert upper.required_offset_t == 4 and upper.range_95_kg_co2e[1] > D("3000")
