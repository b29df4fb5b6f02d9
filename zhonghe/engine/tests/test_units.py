from decimal import Decimal, localcontext

import pytest

from zhonghe.engine.errors import EngineError, InvalidActivity, UnitMismatch
from zhonghe.engine.units import convert_quantity, normalize_unit, plain_decimal, quantize_kg

D = Decimal


@pytest.mark.parametrize(
    ("quantity", "from_unit", "to_unit", "expected"),
    [
        ("1000", "kWh", "MWh", "1"),
        ("1.5", "MWh", "kWh", "1500"),
        ("2.5", "t", "kg", "2500"),
        ("84", "kg", "t", "0.084"),
        ("25000", "Nm3", "wan_nm3", "2.5"),
        ("0.3", "wan_nm3", "Nm3", "3000"),
        ("2", "GJ", "MJ", "2000"),
        ("1000", "kWh", "GJ", "3.6"),  # 1 kWh = 3.6 MJ
        ("36", "GJ", "MWh", "10"),
        ("3", "m3", "L", "3000"),
        ("12", "room-night", "room-night", "12"),
    ],
)
def test_same_dimension_conversions_are_exact(quantity, from_unit, to_unit, expected):
    result = convert_quantity(D(quantity), from_unit, to_unit)
    assert isinstance(result, Decimal)
    assert result == D(expected)


def test_litres_of_diesel_become_tonnes_through_the_density():
    # 100 L × 0.84 kg/L = 84 kg = 0.084 t
    assert convert_quantity(D("100"), "L", "t", density_kg_per_l=D("0.84")) == D("0.084")
    assert convert_quantity(D("0.084"), "t", "L", density_kg_per_l=D("0.84")) == D("100")
    assert convert_quantity(D("2"), "m3", "t", density_kg_per_l=D("1")) == D("2")


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("度", "kWh"),
        ("kwh", "kWh"),
        ("吨", "t"),
        ("升", "L"),
        ("万Nm3", "wan_nm3"),
        ("m³", "m3"),
        ("pkm", "passenger-km"),
    ],
)
def test_aliases_map_to_canonical_units(alias, canonical):
    assert normalize_unit(alias) == canonical
    assert convert_quantity(D("7"), alias, canonical) == D("7")


@pytest.mark.parametrize(
    ("from_unit", "to_unit", "density", "fragment"),
    [
        ("L", "t", None, "needs a density"),
        ("L", "t", D("0"), "positive"),
        ("kWh", "t", None, "cannot convert"),
        ("Nm3", "m3", None, "cannot convert"),  # gas at standard conditions is not a liquid volume
        ("meal", "room-night", None, "cannot convert"),
        ("furlong", "km", None, "unknown unit 'furlong'"),
        ("kWh", "", None, "unknown unit ''"),
    ],
)
def test_inconvertible_units_raise_unit_mismatch(from_unit, to_unit, density, fragment):
    with pytest.raises(UnitMismatch, match=fragment) as caught:
        convert_quantity(D("1"), from_unit, to_unit, density_kg_per_l=density)
    assert caught.value.code == "unit_mismatch"
    assert isinstance(caught.value, EngineError) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize("quantity", [D("NaN"), D("Infinity"), 1.5, "3", True])
def test_non_finite_or_non_decimal_quantities_are_refused(quantity):
    with pytest.raises(InvalidActivity):
        convert_quantity(quantity, "kWh", "MWh")


def test_conversion_ignores_the_callers_decimal_context():
    with localcontext() as context:
        context.prec = 3
        assert convert_quantity(D("1234.5678"), "kWh", "MWh") == D("1.2345678")


def test_quantize_kg_rounds_half_up_to_grams():
    assert quantize_kg(D("0.0005")) == D("0.001")
    assert quantize_kg(D("0.00049")) == D("0.000")
    assert quantize_kg(D("2.0025")) == D("2.003")  # half-even would give 2.002
    assert str(quantize_kg(D("558.1"))) == "558.100"


def test_plain_decimal_drops_positive_exponents_only():
    assert str(plain_decimal(D("2.0E+2"))) == "200"
    assert str(plain_decimal(D("0.084"))) == "0.084"
