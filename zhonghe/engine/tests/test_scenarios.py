"""Reduction scenarios (engine/scenarios.py): worked examples from the shipped releases' factor values,
the unavailable case, and properties over generated estimates (hypothesis)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhonghe.engine.activities import Activity, Category, Place, TravelActivity, TravelMode
from zhonghe.engine.footprint import calculate_footprint
from zhonghe.engine.scenarios import InvalidScenario, ScenarioKey, evaluate_scenario

D = Decimal
RELEASES = Path(__file__).resolve().parents[2] / "data" / "factor_releases"
PROFILE = settings(max_examples=60, deadline=None)


def _release(code: str):
    from zhonghe.engine.factors import parse_release

    return parse_release(json.loads((RELEASES / f"{code}.json").read_text(encoding="utf-8")))


V2, V1 = _release("CQ-2025.2"), _release("CQ-2025")
PEK = Place("PEK", "Beijing", D("40.0801"), D("116.5846"), "CN")
CTU = Place("CTU", "Chengdu", D("30.5785"), D("103.9471"), "CN")
CKG = Place("CKG", "Chongqing", D("29.7192"), D("106.6417"), "CN")


def f(release, key: str) -> Decimal:
    return release.factor(key).value


def test_fewer_prints_halves_the_paper_line():
    paper = Activity("p", Category.MATERIALS, "materials.paper", D("0.2"), "t")
    meals = Activity("m", Category.MEALS, "meals.standard", D("100"), "meal")
    result = evaluate_scenario("fewer_prints", [paper, meals], V2, parameter=D("0.5"))
    assert result.available
    assert result.saving_kg_co2e == D("0.1") * f(V2, "materials.paper")  # 0.1 t fewer
    assert result.new_kg_co2e == result.baseline_kg_co2e - result.saving_kg_co2e
    expected_pct = (result.saving_kg_co2e * 100 / result.baseline_kg_co2e).quantize(D("0.01"))
    assert result.saving_pct == expected_pct


def test_vegetarian_share_swaps_meal_for_meal():
    meals = Activity("m", Category.MEALS, "meals.standard", D("900"), "meal")
    result = evaluate_scenario(ScenarioKey.VEGETARIAN_MEALS, [meals], V2, parameter=D("0.5"))
    assert result.saving_kg_co2e == D(450) * (f(V2, "meals.standard") - f(V2, "meals.vegetarian"))
    assert [factor.key for factor in result.factors] == ["meals.vegetarian"]
    assert result.factors[0].source  # the cited source is handed on for the page


def test_vegetarian_is_unavailable_when_the_release_lacks_the_factor():
    assert "meals.vegetarian" not in V1.factors
    meals = Activity("m", Category.MEALS, "meals.standard", D("900"), "meal")
    result = evaluate_scenario("vegetarian_meals", [meals], V1, parameter=D("0.5"))
    assert not result.available and result.missing_factor == "meals.vegetarian"
    assert result.new_kg_co2e == result.baseline_kg_co2e and result.saving_kg_co2e == 0
    assert result.footprint is None


def test_shuttle_buses_move_half_the_taxi_trips_to_coaches():
    taxi = TravelActivity("t", TravelMode.TAXI, 200, distance_km=D("15"), round_trip=True)
    result = evaluate_scenario("shuttle_buses", [taxi], V2, parameter=D("0.5"))
    passenger_km = D(100) * 15 * 2
    assert result.saving_kg_co2e == passenger_km * (f(V2, "travel.taxi") - f(V2, "travel.coach"))


def test_rail_replaces_only_flights_under_the_threshold():
    near = TravelActivity("near", TravelMode.FLIGHT_DOMESTIC, 30, origin=CTU, destination=CKG, round_trip=True)
    far = TravelActivity("far", TravelMode.FLIGHT_DOMESTIC, 80, origin=PEK, destination=CKG, round_trip=True)
    result = evaluate_scenario("rail_for_short_flights", [near, far], V2, parameter=D("800"))
    assert [change.ref for change in result.changes] == ["near"]
    expected = (
        calculate_footprint([near], V2).total_kg_co2e
        - calculate_footprint(
            [TravelActivity("near", TravelMode.HSR, 30, origin=CTU, destination=CKG, round_trip=True)], V2
        ).total_kg_co2e
    )
    assert result.saving_kg_co2e == expected > 0
    nothing = evaluate_scenario("rail_for_short_flights", [near, far], V2, parameter=D("100"))
    assert nothing.saving_kg_co2e == 0 and nothing.changes == ()


def test_green_power_under_method_1_counts_the_share_as_certified():
    grid = Activity("e", Category.ELECTRICITY, "electricity.grid", D("20000"), "kWh")
    result = evaluate_scenario("green_power", [grid], V1, parameter=D("0.3"))
    green = f(V1, "electricity.green_certified")
    assert result.saving_kg_co2e == D(6000) * (f(V1, "electricity.grid") - green)


def test_green_power_under_method_2_uses_the_residual_mix_and_never_raises_the_estimate():
    grid = Activity("e", Category.ELECTRICITY, "electricity.grid", D("20000"), "kWh")
    share = D("0.3")
    result = evaluate_scenario("green_power", [grid], V2, parameter=share)
    residual = f(V2, "electricity.grid_residual")
    new = D(14000) * residual  # the green 6,000 kWh at 0, the rest at the residual factor
    assert result.new_kg_co2e == new.quantize(D("0.001"))
    # A small share: the residual factor is above Chongqing's grid factor, so the reading is left as it is.
    small = evaluate_scenario("green_power", [grid], V2, parameter=D("0.05"))
    assert small.saving_kg_co2e == 0 and small.kept_count == 1 and small.applied_count == 0


@pytest.mark.parametrize("share", [D("-0.1"), D("1.01"), D("NaN")])
def test_share_out_of_range_is_refused(share):
    with pytest.raises(InvalidScenario):
        evaluate_scenario("fewer_prints", [], V2, parameter=share)


def test_unknown_scenario_and_negative_threshold_are_refused():
    with pytest.raises(InvalidScenario):
        evaluate_scenario("teleport", [], V2, parameter=D("0.5"))
    with pytest.raises(InvalidScenario):
        evaluate_scenario("rail_for_short_flights", [], V2, parameter=D("-1"))


# Properties -----------------------------------------------------------------------------------------------

quantities = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
trips = st.integers(min_value=1, max_value=5000)
kms = st.decimals(min_value=1, max_value=3000, places=1, allow_nan=False, allow_infinity=False)
shares = st.decimals(min_value=0, max_value=1, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def estimates(draw):
    items = []
    for i in range(draw(st.integers(min_value=1, max_value=6))):
        kind = draw(st.sampled_from(["grid", "meals", "paper", "prints", "taxi", "car", "flight", "hsr"]))
        ref = f"a{i}"
        if kind == "grid":
            items.append(Activity(ref, Category.ELECTRICITY, "electricity.grid", draw(quantities), "kWh"))
        elif kind == "meals":
            items.append(Activity(ref, Category.MEALS, "meals.standard", draw(quantities), "meal"))
        elif kind == "paper":
            items.append(Activity(ref, Category.MATERIALS, "materials.paper", draw(quantities) / 1000, "t"))
        elif kind == "prints":
            items.append(Activity(ref, Category.MATERIALS, "materials.printed_matter", draw(quantities), "copy"))
        else:
            mode = {"taxi": TravelMode.TAXI, "car": TravelMode.CAR, "flight": TravelMode.FLIGHT_DOMESTIC}.get(
                kind, TravelMode.HSR
            )
            items.append(TravelActivity(ref, mode, draw(trips), distance_km=draw(kms), round_trip=draw(st.booleans())))
    return items


def _for(release, activities):
    """The generated activities whose factor `release` has (CQ-2025 has no printed-matter factor)."""
    return [a for a in activities if a.factor_key in release.factors]


SHARE_SCENARIOS = ["green_power", "vegetarian_meals", "fewer_prints", "shuttle_buses"]
release_choice = st.sampled_from([V1, V2])


@PROFILE
@given(estimates(), st.sampled_from(SHARE_SCENARIOS), shares, release_choice)
def test_saving_is_never_negative_and_adds_up(activities, key, share, release):
    activities = _for(release, activities)
    result = evaluate_scenario(key, activities, release, parameter=share)
    assert result.saving_kg_co2e >= 0
    assert result.new_kg_co2e == result.baseline_kg_co2e - result.saving_kg_co2e
    assert result.baseline_kg_co2e == calculate_footprint(activities, release).total_kg_co2e
    assert 0 <= result.saving_pct <= 100


@PROFILE
@given(estimates(), kms, release_choice)
def test_rail_saving_is_never_negative_and_grows_with_the_threshold(activities, threshold_km, release):
    activities = _for(release, activities)
    low = evaluate_scenario("rail_for_short_flights", activities, release, parameter=threshold_km)
    high = evaluate_scenario("rail_for_short_flights", activities, release, parameter=threshold_km * 2)
    assert 0 <= low.saving_kg_co2e <= high.saving_kg_co2e


@PROFILE
@given(estimates(), st.sampled_from(SHARE_SCENARIOS), release_choice)
def test_a_zero_share_changes_nothing(activities, key, release):
    activities = _for(release, activities)
    result = evaluate_scenario(key, activities, release, parameter=D(0))
    assert result.new_kg_co2e == result.baseline_kg_co2e and result.saving_kg_co2e == 0 and result.changes == ()


@PROFILE
@given(estimates(), st.sampled_from(["vegetarian_meals", "fewer_prints"]), shares)
def test_saving_scales_with_the_share(activities, key, share):
    """Quantity-share scenarios are linear in the share, up to the 0.001 kg rounding of each line."""
    full = evaluate_scenario(key, activities, V2, parameter=D(1))
    part = evaluate_scenario(key, activities, V2, parameter=share)
    tolerance = D("0.001") * 2 * len(activities)
    assert abs(part.saving_kg_co2e - share * full.saving_kg_co2e) <= tolerance


@PROFILE
@given(estimates(), st.sampled_from(SHARE_SCENARIOS), shares, shares)
def test_a_larger_share_never_saves_less(activities, key, a, b):
    low, high = sorted([a, b])
    activities = _for(V1, activities)
    small = evaluate_scenario(key, activities, V1, parameter=low)
    large = evaluate_scenario(key, activities, V1, parameter=high)
    assert small.saving_kg_co2e <= large.saving_kg_co2e + D("0.001") * 2 * len(activities)


@PROFILE
@given(estimates(), st.integers(min_value=2, max_value=5), st.sampled_from(["vegetarian_meals", "fewer_prints"]))
def test_saving_scales_with_the_quantities(activities, k, key):
    """k times every quantity gives k times the saving, up to the 0.001 kg rounding of each line."""
    from dataclasses import replace

    scaled = [replace(a, quantity=a.quantity * k) if isinstance(a, Activity) else a for a in activities]
    one = evaluate_scenario(key, activities, V2, parameter=D("0.5"))
    many = evaluate_scenario(key, scaled, V2, parameter=D("0.5"))
    assert abs(many.saving_kg_co2e - k * one.saving_kg_co2e) <= D("0.001") * 2 * (k + 1) * len(activities)
