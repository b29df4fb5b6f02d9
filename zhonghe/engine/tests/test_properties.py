"""Properties of the footprint and the inventory hash over generated activity data (hypothesis)."""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from zhonghe.engine.activities import Activity, Category, TravelActivity, TravelMode
from zhonghe.engine.footprint import calculate_footprint
from zhonghe.engine.hashing import inventory_hash
from zhonghe.engine.units import convert_quantity

from .factories import make_release

D = Decimal
RELEASE = make_release()
PROFILE = settings(max_examples=150, deadline=None)

quantities = st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False, allow_infinity=False)
distances_km = st.decimals(min_value=0, max_value=20_000, places=3, allow_nan=False, allow_infinity=False)

_PLAIN_KINDS = [
    (Category.ELECTRICITY, "electricity.grid", "kWh"),
    (Category.ELECTRICITY, "electricity.grid", "MWh"),
    (Category.FUEL, "fuel.diesel", "L"),
    (Category.FUEL, "fuel.natural_gas", "Nm3"),
    (Category.LODGING, "lodging.hotel_room_night", "room-night"),
    (Category.MEALS, "meals.standard", "meal"),
    (Category.MATERIALS, "materials.tiny", "kg"),
]


@st.composite
def activity(draw, ref):
    if draw(st.booleans()):
        category, key, unit = draw(st.sampled_from(_PLAIN_KINDS))
        return Activity(ref, category, key, draw(quantities), unit)
    mode = draw(st.sampled_from([TravelMode.FLIGHT_DOMESTIC, TravelMode.HSR, TravelMode.BUS, TravelMode.CAR]))
    occupancy = draw(st.sampled_from([None, D("1"), D("2.5"), D("4")])) if mode is TravelMode.CAR else None
    return TravelActivity(
        ref, mode, draw(st.integers(1, 5000)), distance_km=draw(distances_km),
        round_trip=draw(st.booleans()), occupancy=occupancy,
    )  # fmt: skip


@st.composite
def inventories(draw):
    refs = draw(st.lists(st.text("abcdefgh0123", min_size=1, max_size=6), unique=True, max_size=25))
    return [draw(activity(ref)) for ref in refs]


@PROFILE
@given(inventories())
def test_lines_add_up_exactly_to_the_total(activities):
    footprint = calculate_footprint(activities, RELEASE)
    assert sum((line.kg_co2e for line in footprint.lines), D(0)) == footprint.total_kg_co2e
    assert all(line.kg_co2e.as_tuple().exponent == -3 and line.kg_co2e >= 0 for line in footprint.lines)
    assert sum(footprint.by_category_kg().values(), D(0)) == footprint.total_kg_co2e


@PROFILE
@given(inventories())
def test_required_offset_covers_the_total_by_less_than_one_tonne(activities):
    footprint = calculate_footprint(activities, RELEASE)
    exact_t = footprint.total_kg_co2e / 1000
    assert isinstance(footprint.required_offset_t, int)
    assert exact_t <= footprint.required_offset_t < exact_t + 1
    assert footprint.required_offset_t >= footprint.total_t_co2e
    assert abs(footprint.total_t_co2e - exact_t) <= D("0.0005")


@PROFILE
@given(inventories(), st.randoms(use_true_random=False))
def test_hash_and_total_are_independent_of_order(activities, random):
    shuffled = list(activities)
    random.shuffle(shuffled)
    assert inventory_hash(shuffled, RELEASE) == inventory_hash(activities, RELEASE)
    assert (
        calculate_footprint(shuffled, RELEASE).total_kg_co2e == calculate_footprint(activities, RELEASE).total_kg_co2e
    )


def _doubled(item):
    if isinstance(item, Activity):
        return replace(item, quantity=item.quantity * 2)
    return replace(item, person_trips=item.person_trips * 2)


@PROFILE
@given(inventories())
def test_doubling_every_quantity_doubles_the_total_within_rounding(activities):
    single = calculate_footprint(activities, RELEASE)
    double = calculate_footprint([_doubled(item) for item in activities], RELEASE)
    # Each line is off its exact value by ≤ 0.0005 kg, so |q(2x) − 2·q(x)| ≤ 0.0015 kg per line.
    assert abs(double.total_kg_co2e - 2 * single.total_kg_co2e) <= D("0.0015") * len(activities)
    if activities and single.total_kg_co2e > 0:
        assert inventory_hash([_doubled(item) for item in activities], RELEASE) != inventory_hash(activities, RELEASE)


@PROFILE
@given(quantities, st.sampled_from([("kWh", "MWh"), ("kWh", "GJ"), ("kg", "t"), ("Nm3", "wan_nm3")]))
def test_conversions_round_trip_exactly(quantity, units):
    there = convert_quantity(quantity, units[0], units[1])
    assert convert_quantity(there, units[1], units[0]) == quantity
