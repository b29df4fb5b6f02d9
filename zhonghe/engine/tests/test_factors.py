from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from zhonghe.engine.activities import TravelMode
from zhonghe.engine.errors import InvalidRelease, UnknownFactor
from zhonghe.engine.factors import EmissionFactor, parse_release

from .factories import make_release, release_data

D = Decimal


def test_parse_release_keeps_values_exact_and_typed():
    release = make_release()
    grid = release.factor("electricity.grid")
    assert grid.value == D("0.5581") and isinstance(grid.value, Decimal)
    assert (grid.unit, grid.activity_unit, grid.gas_basis, grid.boundary) == (
        "kgCO2/kWh",
        "kWh",
        "CO2",
        "direct",
    )
    assert release.factor("fuel.diesel").density_kg_per_l == D("0.84")
    assert release.factor("travel.car").per_vehicle is True
    assert release.published == date(2026, 1, 15)
    assert release.default_car_occupancy == D("1.5")
    rule = release.distance_rules["flight_domestic"]
    assert (rule.mode, rule.multiplier, rule.add_km) == (TravelMode.FLIGHT_DOMESTIC, D("1"), D("95"))


def test_json_floats_are_read_through_their_text_not_binary():
    data = release_data()
    data["factors"]["electricity.grid"]["value"] = 0.1  # as json.load without parse_float gives it
    assert make_release(factors=data["factors"]).factor("electricity.grid").value == D("0.1")


def test_unknown_factor_names_the_key_and_release():
    with pytest.raises(UnknownFactor, match=r"TEST-1 has no factor 'electricity\.nuclear'") as caught:
        make_release().factor("electricity.nuclear")
    assert caught.value.code == "unknown_factor"


def test_release_cannot_be_changed_after_construction():
    data = release_data()
    release = parse_release(data)
    with pytest.raises(TypeError):
        release.factors["electricity.grid"] = release.factors["heat.purchased"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        release.code = "other"  # type: ignore[misc]


def test_content_hash_is_stable_and_tracks_every_value():
    base = make_release().content_hash()
    assert base == make_release().content_hash()
    assert len(base) == 64 and int(base, 16) >= 0
    changed = release_data()
    changed["factors"]["electricity.grid"]["value"] = "0.5582"
    assert parse_release(changed).content_hash() != base
    assert make_release(method_version="zhonghe-method/1b").content_hash() != base
    rules = release_data()["distance_rules"]
    rules["flight_domestic"]["add_km"] = "96"
    assert make_release(distance_rules=rules).content_hash() != base
    # The same number written with another scale is the same release.
    same = release_data()
    same["factors"]["electricity.grid"]["value"] = "0.55810"
    assert parse_release(same).content_hash() == base


def _break(path: tuple[str, ...], value: object) -> dict:
    data = release_data()
    target = data
    for part in path[:-1]:
        target = target[part]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


_DELETE = object()
_GRID = ("factors", "electricity.grid")


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        ((*_GRID, "source"), _DELETE, "missing field.*source"),
        ((*_GRID, "sorce"), "x", "unknown field.*sorce"),
        ((*_GRID, "value"), "abc", "value is not a number"),
        ((*_GRID, "value"), True, "value must be a number"),
        ((*_GRID, "value"), "NaN", "value must be finite"),
        ((*_GRID, "value"), "-1", "finite Decimal ≥ 0"),
        ((*_GRID, "unit"), "tCO2/kWh", "must read kgCO2/kWh"),
        ((*_GRID, "gas_basis"), "CH4", "gas_basis must be one of"),
        ((*_GRID, "boundary"), "cradle", "boundary must be one of"),
        ((*_GRID, "reliability"), "sure", "reliability must be one of"),
        ((*_GRID, "year"), 1800, "year must be"),
        ((*_GRID, "year"), "2023", "year must be"),
        ((*_GRID, "doc_no"), "", "doc_no must be a non-empty string"),
        ((*_GRID, "activity_unit"), "kwh", "must be spelled 'kWh'"),
        ((*_GRID, "activity_unit"), "parsec", "unknown unit"),
        ((*_GRID, "url"), "", "without a url needs a note"),
        (("factors", "food.apple"), release_data()["factors"]["meals.standard"], "not a category"),
        (("factors", "travel.rocket"), release_data()["factors"]["travel.bus"], "not a travel mode"),
        (("factors", "travel.bus", "per_vehicle"), True, "per vehicle-km"),
        (("factors", "travel.bus", "per_vehicle"), "yes", "per_vehicle must be true or false"),
        (("factors", "fuel.diesel", "density_kg_per_l"), "0", "density_kg_per_l must be a positive"),
        (("distance_rules", "bus"), _DELETE, "without a distance rule: travel.bus"),
        (("distance_rules", "bus", "multiplier"), "0.9", "multiplier must be ≥ 1"),
        (("distance_rules", "warp"), {"multiplier": "1", "add_km": "0", "source": "x"}, "not a travel mode"),
        (("default_car_occupancy",), "0.5", "at least 1 person"),
        (("published",), "15/01/2026", "ISO date"),
        (("notes",), "one note", "notes must be a list"),
        (("factors",), {}, "factors must be a non-empty object"),
        (("code",), _DELETE, "missing field.*code"),
        (("extra",), 1, "unknown field.*extra"),
    ],
)
def test_malformed_release_data_is_refused_with_the_field_named(path, value, fragment):
    with pytest.raises(InvalidRelease, match=fragment) as caught:
        parse_release(_break(path, value))
    assert caught.value.code == "invalid_release"


def test_factors_built_in_code_are_checked_too():
    with pytest.raises(InvalidRelease, match="must read kgCO2e/GJ"):
        EmissionFactor(
            key="heat.purchased", value=D("0.11"), unit="tCO2e/GJ", activity_unit="GJ", gas_basis="CO2e",
            year=2015, source="s", doc_no="d", url="u", boundary="direct", reliability="secondary",
        )  # fmt: skip


def test_a_factor_filed_under_another_key_is_refused():
    release = make_release()
    with pytest.raises(InvalidRelease, match="filed under 'heat.purchased'"):
        replace(release, factors={**release.factors, "heat.purchased": release.factor("electricity.grid")})
