"""Properties of zhonghe-method/2 footprints over generated inventories (hypothesis), on CQ-2025.2."""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from zhonghe.data.factor_releases import load_release
from zhonghe.engine.activities import Activity, Category, Phase, Quality, TravelActivity, TravelMode
from zhonghe.engine.footprint import AccountingOptions, calculate_footprint
from zhonghe.engine.units import convert_quantity

D = Decimal
RELEASE = load_release("CQ-2025.2")
PROFILE = settings(max_examples=100, deadline=None)

quantities = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False)
distances = st.decimals(min_value=0, max_value=20_000, places=3, allow_nan=False, allow_infinity=False)
KINDS = [
    (Category.ELECTRICITY, "electricity.grid", "度"), (Category.ELECTRICITY, "electricity.grid", "MWh"),
    (Category.FUEL, "fuel.diesel", "升"), (Category.FUEL, "fuel.natural_gas", "立方米"),
    (Category.FUEL, "fuel.gasoline_mobile", "t"), (Category.MATERIALS, "materials.paper", "张"),
    (Category.MATERIALS, "materials.steel", "吨"), (Category.FREIGHT, "freight.road", "吨公里"),
    (Category.MEALS, "meals.vegetarian", "份"), (Category.WASTE, "waste.landfill", "kg"),
]  # fmt: skip
MODES = [TravelMode.FLIGHT_DOMESTIC, TravelMode.FLIGHT_INTERNATIONAL, TravelMode.HSR, TravelMode.COACH, TravelMode.CAR]


@st.composite
def activity(draw, ref):
    phase, quality = draw(st.sampled_from(list(Phase))), draw(st.sampled_from(list(Quality)))
    if draw(st.booleans()):
        category, key, unit = draw(st.sampled_from(KINDS))
        green = {}
        if category is Category.ELECTRICITY and draw(st.booleans()):
            green = {"green_share": draw(st.decimals(min_value=0, max_value=1, places=2))}
        return Activity(ref, category, key, draw(quantities), unit, phase=phase, quality=quality, **green)
    mode = draw(st.sampled_from(MODES))
    occupancy = draw(st.sampled_from([None, D("1"), D("3")])) if mode in (TravelMode.CAR, TravelMode.COACH) else None
    return TravelActivity(
        ref, mode, draw(st.integers(1, 3000)), distance_km=draw(distances), round_trip=draw(st.booleans()),
        occupancy=occupancy, phase=phase, quality=quality,
    )  # fmt: skip


@st.composite
def inventories(draw):
    refs = draw(st.lists(st.text("abcdef0123", min_size=1, max_size=5), unique=True, max_size=15))
    return [draw(activity(ref)) for ref in refs]


options = st.builds(
    AccountingOptions,
    venue_province=st.sampled_from(["50", "51", "11", ""]),
    grid=st.sampled_from(["provincial", "national"]),
    radiative_forcing=st.sampled_from([None, True, False]),
)


@PROFILE
@given(inventories(), options)
def test_totals_are_never_negative_and_the_range_contains_them(activities, chosen):
    footprint = calculate_footprint(activities, RELEASE, chosen)
    low, high = footprint.range_95_kg_co2e
    assert D(0) <= low <= footprint.total_kg_co2e <= high
    assert all(line.kg_co2e >= 0 for line in footprint.lines)
    assert sum(footprint.by_phase_kg().values(), D(0)) == footprint.total_kg_co2e
    assert sum(footprint.by_category_kg().values(), D(0)) == footprint.total_kg_co2e
    shares = footprint.uncertainty_shares()
    assert all(D(0) <= share <= 1 for _, share in shares)
    assert footprint.required_offset_t >= footprint.total_kg_co2e / 1000


@PROFILE
@given(inventories(), inventories())
def test_footprints_are_additive(first, second):
    second = [replace(item, ref=f"b-{item.ref}") for item in second]
    both = calculate_footprint(first + second, RELEASE)
    assert (
        both.total_kg_co2e
        == calculate_footprint(first, RELEASE).total_kg_co2e + calculate_footprint(second, RELEASE).total_kg_co2e
    )
    low, high = both.range_95_kg_co2e
    assert low <= both.total_kg_co2e <= high


def _doubled(item):
    if isinstance(item, Activity):
        green = {"green_kwh": item.green_kwh * 2} if item.green_kwh is not None else {}
        return replace(item, quantity=item.quantity * 2, **green)
    return replace(item, person_trips=item.person_trips * 2)


@PROFILE
@given(inventories())
def test_doubling_every_amount_doubles_the_total_within_rounding(activities):
    single = calculate_footprint(activities, RELEASE)
    double = calculate_footprint([_doubled(item) for item in activities], RELEASE)
    # each line is within 0.0005 kg of its exact value; a green reading makes two lines
    assert abs(double.total_kg_co2e - 2 * single.total_kg_co2e) <= D("0.0015") * 2 * max(len(activities), 1)


@PROFILE
@given(st.sampled_from(MODES), st.integers(1, 500), distances)
def test_a_round_trip_is_twice_one_way(mode, trips, distance_km):
    one_way = calculate_footprint([TravelActivity("t", mode, trips, distance_km=distance_km)], RELEASE)
    both = calculate_footprint([TravelActivity("t", mode, trips, distance_km=distance_km, round_trip=True)], RELEASE)
    assert both.lines[0].quantity == 2 * one_way.lines[0].quantity
    assert abs(both.total_kg_co2e - 2 * one_way.total_kg_co2e) <= D("0.001")


@PROFILE
@given(
    quantities,
    st.sampled_from([("度", "kWh"), ("kWh", "MWh"), ("千克", "吨"), ("吨公里", "tkm"), ("立方米", "L"), ("升", "m³")]),
)
def test_units_round_trip_exactly(quantity, units):
    there = convert_quantity(quantity, units[0], units[1])
    assert convert_quantity(there, units[1], units[0]) == quantity
