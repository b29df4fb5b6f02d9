"""Unit conversion into the unit an emission factor is expressed per.

Every quantity is converted into the factor's ``activity_unit`` before it is multiplied, so a factor
never silently meets a quantity in a different unit. Conversions are exact Decimal scalings inside
``DECIMAL_CONTEXT``: the caller's decimal context (which Django or a test may have changed) never
affects an inventory.
"""

from __future__ import annotations

from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)

from .errors import InvalidActivity, UnitMismatch

# 34 significant digits (IEEE decimal128) is far beyond any activity quantity (≤ 10^12 with a few
# decimals) times any factor, so products are exact and only division (L/occupancy) ever rounds.
DECIMAL_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])
KG_QUANTUM = Decimal("0.001")

# dimension and the size of one unit in the dimension's base unit (MJ, kg, L, Nm3 or the unit itself).
_UNITS: dict[str, tuple[str, Decimal]] = {
    "MJ": ("energy", Decimal("1")),
    "GJ": ("energy", Decimal("1000")),
    "kWh": ("energy", Decimal("3.6")),  # 1 kWh = 3.6 MJ exactly
    "MWh": ("energy", Decimal("3600")),
    "kg": ("mass", Decimal("1")),
    "t": ("mass", Decimal("1000")),
    "L": ("volume", Decimal("1")),
    "m3": ("volume", Decimal("1000")),
    # Normal cubic metres are gas at standard conditions: a separate dimension from m3 so that
    # a water or liquid volume can never be taken for a gas volume.
    "Nm3": ("gas_volume", Decimal("1")),
    "wan_nm3": ("gas_volume", Decimal("10000")),  # 10^4 Nm3, the unit of the national guides
    "km": ("distance", Decimal("1")),
    "passenger-km": ("passenger-km", Decimal("1")),
    "vehicle-km": ("vehicle-km", Decimal("1")),
    "room-night": ("room-night", Decimal("1")),
    "meal": ("meal", Decimal("1")),
    # zhonghe-method/2 additions: freight work, sheets of paper (to kg through a cited sheet mass),
    # bottles and printed copies (counted items with factors of their own).
    "tonne-km": ("tonne-km", Decimal("1")),
    "sheet": ("sheet", Decimal("1")),
    "bottle": ("bottle", Decimal("1")),
    "copy": ("copy", Decimal("1")),
}

# Spellings met in spreadsheets and Chinese documents, mapped onto the canonical names above.
_ALIASES: dict[str, str] = {
    "kwh": "kWh", "度": "kWh", "mwh": "MWh", "gj": "GJ", "mj": "MJ",
    "tonne": "t", "tonnes": "t", "吨": "t", "公斤": "kg", "千克": "kg",
    "l": "L", "litre": "L", "liter": "L", "升": "L",
    "m³": "m3", "立方米": "m3",
    "nm3": "Nm3", "Nm³": "Nm3", "标准立方米": "Nm3",
    "万nm3": "wan_nm3", "万Nm3": "wan_nm3", "万Nm³": "wan_nm3", "10^4 Nm3": "wan_nm3", "10^4Nm3": "wan_nm3",
    "pkm": "passenger-km", "vkm": "vehicle-km", "room_night": "room-night", "间夜": "room-night",
    "份": "meal", "餐": "meal",
    "千瓦时": "kWh", "千瓦·时": "kWh", "兆瓦时": "MWh", "tkm": "tonne-km", "t-km": "tonne-km", "t·km": "tonne-km",
    "吨公里": "tonne-km", "吨·公里": "tonne-km", "张": "sheet", "sheets": "sheet", "瓶": "bottle",
    "bottles": "bottle", "册": "copy", "本": "copy", "copies": "copy", "标方": "Nm3",
}  # fmt: skip

_MASS_PER_VOLUME_KG_PER_L = ("mass", "volume")


def normalize_unit(unit: str) -> str:
    """Return the canonical spelling of ``unit``; raise ``UnitMismatch`` naming the accepted ones."""
    stripped = unit.strip()
    canonical = _ALIASES.get(stripped, stripped)
    if canonical not in _UNITS:
        raise UnitMismatch(
            f"unknown unit {unit!r}; accepted units: {', '.join(sorted(_UNITS))} "
            f"(also written: {', '.join(sorted(_ALIASES))})"
        )
    return canonical


def accepted_units() -> dict[str, str]:
    """Every accepted spelling → its canonical unit (canonical names map to themselves)."""
    return {**{unit: unit for unit in _UNITS}, **_ALIASES}


def quantize_kg(kg: Decimal) -> Decimal:
    """Round a mass in kg to 0.001 kg, half up (the rounding every footprint line uses)."""
    with localcontext(DECIMAL_CONTEXT):
        return kg.quantize(KG_QUANTUM, rounding=ROUND_HALF_UP)


def plain_decimal(number: Decimal) -> Decimal:
    """``number`` without a positive exponent (2.0E+2 → 200), so stored and printed quantities read
    as plain numbers; the value is unchanged."""
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        with localcontext(DECIMAL_CONTEXT):
            return number.quantize(Decimal(1))
    return number


def require_finite_decimal(value: object, what: str) -> Decimal:
    """Return ``value`` as a finite Decimal; ints are exact and accepted, floats and bools are not.

    Raises ``InvalidActivity`` naming ``what``: a float has already lost the decimal digits the
    organiser typed, so the engine refuses it rather than guess.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InvalidActivity(f"{what} must be a Decimal, got {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise InvalidActivity(f"{what} must be finite, got {number}")
    return number


def convert_quantity(
    quantity: Decimal,
    from_unit: str,
    to_unit: str,
    *,
    density_kg_per_l: Decimal | None = None,
    kg_per_sheet: Decimal | None = None,
    gas_m3_as_nm3: bool = False,
) -> Decimal:
    """Convert ``quantity`` from ``from_unit`` into ``to_unit`` exactly.

    Invariants: same-dimension conversions are pure scalings (kWh/MWh/MJ/GJ, kg/t, L/m3,
    Nm3/wan_nm3); a volume becomes a mass (or back) only through an explicit density in kg/L, as a
    liquid fuel's factor supplies; sheets become kg only through ``kg_per_sheet``; with
    ``gas_m3_as_nm3`` (zhonghe-method/2, gas factors) m3 of gas is read as Nm3, i.e. the volume is
    taken to be stated at standard conditions, as gas bills and the national guides state it.
    Raises ``UnitMismatch`` for unknown units, incompatible dimensions or a missing/non-positive
    density or sheet mass, and ``InvalidActivity`` for a non-finite quantity.
    """
    number = require_finite_decimal(quantity, "quantity")
    source, target = normalize_unit(from_unit), normalize_unit(to_unit)
    if source == target:
        return number
    source_dim, source_scale = _UNITS[source]
    target_dim, target_scale = _UNITS[target]
    if gas_m3_as_nm3 and source == "m3" and target_dim == "gas_volume":
        source_dim, source_scale = _UNITS["Nm3"]
    if source == "sheet" and target_dim == "mass":
        if kg_per_sheet is None or not kg_per_sheet > 0:
            raise UnitMismatch(f"converting sheets into {target} needs a sheet mass (kg per sheet), none given")
        source_dim, source_scale = "mass", kg_per_sheet
    with localcontext(DECIMAL_CONTEXT):
        if source_dim == target_dim:
            return plain_decimal(number * source_scale / target_scale)
        if {source_dim, target_dim} == set(_MASS_PER_VOLUME_KG_PER_L):
            density = _require_density(density_kg_per_l, source, target)
            base = number * source_scale  # in kg or in L
            converted = base * density if source_dim == "volume" else base / density
            return plain_decimal(converted / target_scale)
    raise UnitMismatch(f"cannot convert {source} ({source_dim}) into {target} ({target_dim})")


def _require_density(density_kg_per_l: Decimal | None, source: str, target: str) -> Decimal:
    if density_kg_per_l is None:
        raise UnitMismatch(f"converting {source} into {target} needs a density (kg/L), none given")
    if not density_kg_per_l.is_finite() or density_kg_per_l <= 0:
        raise UnitMismatch(f"density must be a positive number of kg/L, got {density_kg_per_l}")
    return density_kg_per_l
