"""The shipped CQ-2025 release: loads, is fully cited, and carries the values of emission-factors.md §12.1."""

import json
from decimal import Decimal

import pytest

from zhonghe.data.factor_releases import RELEASES_DIR, available_release_codes, load_release
from zhonghe.engine.activities import Activity, Category, TravelActivity, TravelMode
from zhonghe.engine.errors import UnknownFactor, UnknownRelease
from zhonghe.engine.footprint import calculate_footprint

D = Decimal
RELEASE = load_release("CQ-2025")

# key → (value, unit) as §12.1 of shared/reference/emission-factors.md prescribes.
EXPECTED = {
    "electricity.grid": ("0.5581", "kgCO2/kWh"),
    "electricity.green_certified": ("0", "kgCO2/kWh"),
    "electricity.grid_residual": ("0.6096", "kgCO2/kWh"),
    "heat.purchased": ("110", "kgCO2/GJ"),
    "fuel.gasoline": ("2925", "kgCO2/t"),
    "fuel.diesel": ("3096", "kgCO2/t"),
    "fuel.lpg": ("3101", "kgCO2/t"),
    "fuel.natural_gas": ("2.162", "kgCO2/Nm3"),
    "travel.flight_domestic": ("0.0829", "kgCO2e/passenger-km"),
    "travel.flight_international": ("0.08420", "kgCO2e/passenger-km"),
    "travel.hsr": ("0.0204", "kgCO2e/passenger-km"),
    "travel.rail": ("0.027", "kgCO2e/passenger-km"),
    "travel.metro": ("0.04314", "kgCO2e/passenger-km"),
    "travel.bus": ("0.053", "kgCO2e/passenger-km"),
    "travel.coach": ("0.053", "kgCO2e/passenger-km"),
    "travel.taxi": ("0.1001", "kgCO2e/passenger-km"),
    "travel.car": ("0.19567", "kgCO2e/vehicle-km"),
    "lodging.hotel_room_night": ("66.52", "kgCO2e/room-night"),
    "meals.standard": ("2.0", "kgCO2e/meal"),
    "materials.paper": ("1756.18", "kgCO2e/t"),
    "waste.landfill": ("583.87", "kgCO2e/t"),
    "waste.incineration": ("561", "kgCO2e/t"),
    "water.tap": ("0.168", "kgCO2e/m3"),
}


def test_release_metadata():
    assert "CQ-2025" in available_release_codes()
    assert (RELEASE.code, RELEASE.method_version, RELEASE.gwp_set) == ("CQ-2025", "zhonghe-method/1", "AR5")
    assert RELEASE.published.isoformat() == "2026-01-15"
    assert RELEASE.title and RELEASE.title_en
    assert RELEASE.default_car_occupancy == D("1.5")
    assert any("occupancy" in note and "assumption" in note for note in RELEASE.notes)


def test_the_shipped_keys_are_exactly_the_expected_ones():
    assert set(RELEASE.factors) == set(EXPECTED)


@pytest.mark.parametrize(("key", "expected"), EXPECTED.items(), ids=list(EXPECTED))
def test_each_factor_value_and_unit(key, expected):
    factor = RELEASE.factor(key)
    assert (factor.value, factor.unit) == (D(expected[0]), expected[1])


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_every_factor_is_cited(key):
    factor = RELEASE.factor(key)
    assert factor.source.strip() and factor.doc_no.strip()
    assert 2010 <= factor.year <= 2025
    assert factor.boundary in ("direct", "life-cycle", "not stated")
    assert factor.reliability in ("verified", "secondary", "unconfirmed")
    assert factor.url.startswith("https://") or factor.note.strip()


def test_grid_is_the_chongqing_provincial_2023_factor_not_the_regional_one():
    grid = RELEASE.factor("electricity.grid")
    assert grid.value == Decimal("0.5581")
    assert (grid.year, grid.doc_no, grid.boundary, grid.reliability) == (
        2023,
        "公告2025年第47号",
        "direct",
        "secondary",
    )
    assert grid.url == "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202512/t20251231_1139517.html"
    # The 西南 regional grid (0.2472, §1.3) is not the default: no factor uses its value or name.
    for factor in RELEASE.factors.values():
        assert factor.value != D("0.2472")
        assert "西南" not in factor.source + factor.doc_no + factor.note


def test_flight_factors_carry_no_radiative_forcing_and_cite_their_ids():
    domestic = RELEASE.factor("travel.flight_domestic")
    assert domestic.doc_no == "64250X0012024C" and "no radiative forcing" in domestic.note
    assert "without RF" in RELEASE.factor("travel.flight_international").source
    assert RELEASE.factor("lodging.hotel_room_night").doc_no == "63290X0012024C"


def test_fuel_parameters_are_marked_unconfirmed_and_litres_have_densities():
    for key in ("fuel.gasoline", "fuel.diesel", "fuel.lpg", "fuel.natural_gas"):
        assert RELEASE.factor(key).reliability == "unconfirmed"
    assert RELEASE.factor("fuel.gasoline").density_kg_per_l == D("0.737")
    assert RELEASE.factor("fuel.diesel").density_kg_per_l == D("0.84")
    meals = RELEASE.factor("meals.standard")
    assert meals.reliability == "unconfirmed" and "GAP" in meals.note


def test_only_the_car_is_per_vehicle():
    assert [key for key, factor in RELEASE.factors.items() if factor.per_vehicle] == ["travel.car"]


@pytest.mark.parametrize(
    ("mode", "multiplier", "add_km"),
    [
        ("flight_domestic", "1", "95"),
        ("flight_international", "1", "95"),
        ("hsr", "1.2", "0"),
        ("rail", "1.2", "0"),
        ("metro", "1.2", "0"),
        ("bus", "1.5", "0"),
        ("coach", "1.5", "0"),
        ("car", "1.3", "0"),
        ("taxi", "1.3", "0"),
    ],
)
def test_distance_rules(mode, multiplier, add_km):
    rule = RELEASE.distance_rules[mode]
    assert (rule.multiplier, rule.add_km) == (D(multiplier), D(add_km)) and rule.source


def test_every_travel_mode_has_a_factor_and_a_rule():
    for mode in TravelMode:
        assert RELEASE.factor(f"travel.{mode.value}") and mode.value in RELEASE.distance_rules


def test_the_file_stores_numbers_as_text():
    # Numbers as JSON strings never pass through a binary float, whatever parser reads the file.
    data = json.loads((RELEASES_DIR / "CQ-2025.json").read_text(encoding="utf-8"))
    assert all(isinstance(item["value"], str) for item in data["factors"].values())


def test_sanity_scale_meeting_of_emission_factors_section_13():
    # 200 participants × 2 × 1,200 km × 0.0829 = 39,792 kg; 200 × 2 nights × 66.52 = 26,608 kg;
    # 1,000 kWh × 0.5581 = 558.1 kg; 100 L diesel = 0.084 t × 3,096 = 260.064 kg.
    activities = [
        TravelActivity("fl", TravelMode.FLIGHT_DOMESTIC, 200, distance_km=D("1200"), round_trip=True),
        Activity("ho", Category.LODGING, "lodging.hotel_room_night", D("400"), "room-night"),
        Activity("el", Category.ELECTRICITY, "electricity.grid", D("1000"), "kWh"),
        Activity("di", Category.FUEL, "fuel.diesel", D("100"), "L"),
    ]
    footprint = calculate_footprint(activities, RELEASE)
    assert [line.kg_co2e for line in footprint.lines] == [
        D("39792.000"),
        D("26608.000"),
        D("558.100"),
        D("260.064"),
    ]
    assert footprint.total_kg_co2e == D("67218.164")
    assert (footprint.total_t_co2e, footprint.required_offset_t) == (D("67.218"), 68)
    assert footprint.release_hash == RELEASE.content_hash()


def test_loading_is_repeatable_and_hash_stable():
    assert load_release("CQ-2025") is RELEASE
    assert load_release.__wrapped__("CQ-2025").content_hash() == RELEASE.content_hash()


@pytest.mark.parametrize("code", ["CQ-2099", "../factor_releases/CQ-2025", "", "cq-2025/.."])
def test_unknown_release_codes_are_refused_by_name(code):
    with pytest.raises(UnknownRelease, match="no factor release") as caught:
        load_release(code)
    assert caught.value.code == "unknown_release"
    assert isinstance(caught.value, UnknownFactor)
