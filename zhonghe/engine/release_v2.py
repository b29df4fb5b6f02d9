"""The parts a zhonghe-method/2 release adds: GWP sets, grid table, travel conventions, quality tiers.

All of them are data in the release file, each value cited (see ``cited.py``); the engine holds no
number of its own. ``parse_method2`` validates them and returns the keyword arguments that
``FactorRelease`` takes for them; ``InvalidRelease`` names the offending field otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .activities import Cabin, Quality, TravelMode
from .cited import CitedValue, parse_cited
from .errors import InvalidRelease

if TYPE_CHECKING:
    from .factors import EmissionFactor

RELEASE_FIELDS_2 = {
    "notes_en", "gwp_sets", "grid", "occupancy_defaults", "cabin_multipliers", "radiative_forcing",
    "offset_basis_default", "quality_tiers", "rail_distances", "sheet_mass_kg",
}  # fmt: skip
GASES = ("CH4", "N2O")
HAULS = ("domestic", "international")


@dataclass(frozen=True)
class GridTable:
    """Which electricity factor key serves which venue: province (2-digit adcode) → key, etc."""

    national: str
    provinces: Mapping[str, str]
    regions: Mapping[str, str]
    residual: str
    green: str
    region_membership: CitedValue


@dataclass(frozen=True)
class RailDistance:
    """A published line length between two cities (each a set of adcode prefixes), for some modes."""

    modes: tuple[str, ...]
    a_name: str
    a_codes: tuple[str, ...]
    b_name: str
    b_codes: tuple[str, ...]
    length: CitedValue
    chain: str
    chain_en: str

    def matches(self, code_a: str, code_b: str) -> bool:
        in_a = any(code_a.startswith(prefix) for prefix in self.a_codes)
        in_b = any(code_b.startswith(prefix) for prefix in self.b_codes)
        if in_a and in_b:
            return True
        return any(code_b.startswith(p) for p in self.a_codes) and any(code_a.startswith(p) for p in self.b_codes)


@dataclass(frozen=True)
class Method2Parts:
    gwp_sets: Mapping[str, Mapping[str, CitedValue]]
    grid: GridTable
    occupancy_defaults: Mapping[str, CitedValue]
    cabin_multipliers: Mapping[str, Mapping[str, CitedValue]]
    rf_uplift: CitedValue
    rf_default: bool
    offset_basis_default: str
    quality_tiers: Mapping[str, CitedValue]
    rail_distances: tuple[RailDistance, ...]
    sheet_mass_kg: CitedValue


def _mapping(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    if not isinstance(value, Mapping) or not value:
        raise InvalidRelease(f"release: {name} must be a non-empty object")
    return value


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidRelease(f"{where}: must be a non-empty list of strings")
    return tuple(value)


def _key(value: object, factors: Mapping[str, EmissionFactor], where: str) -> str:
    if not isinstance(value, str) or value not in factors:
        raise InvalidRelease(f"{where}: {value!r} is not a factor of this release")
    return value


def _parse_grid(data: Mapping[str, Any], factors: Mapping[str, EmissionFactor]) -> GridTable:
    where = "release: grid"
    provinces = _mapping(data, "provinces")
    regions = _mapping(data, "regions")
    for code in [*provinces, *regions]:
        if not (isinstance(code, str) and len(code) == 2 and code.isdigit()):
            raise InvalidRelease(f"{where}: {code!r} is not a 2-digit province adcode")
    return GridTable(
        national=_key(data.get("national"), factors, f"{where}.national"),
        provinces={code: _key(key, factors, f"{where}.provinces.{code}") for code, key in provinces.items()},
        regions={code: _key(key, factors, f"{where}.regions.{code}") for code, key in regions.items()},
        residual=_key(data.get("residual"), factors, f"{where}.residual"),
        green=_key(data.get("green"), factors, f"{where}.green"),
        region_membership=parse_cited(data.get("region_membership"), f"{where}.region_membership"),
    )


def _parse_rail(items: object) -> tuple[RailDistance, ...]:
    if not isinstance(items, list):
        raise InvalidRelease("release: rail_distances must be a list")
    parsed = []
    for number, item in enumerate(items):
        where = f"release: rail_distances[{number}]"
        if not isinstance(item, Mapping):
            raise InvalidRelease(f"{where}: expected an object")
        modes = _strings(item.get("modes"), f"{where}.modes")
        if not set(modes) <= {TravelMode.HSR.value, TravelMode.RAIL.value}:
            raise InvalidRelease(f"{where}.modes: only hsr and rail have line lengths")
        texts = [item.get(name) for name in ("a_name", "b_name", "chain", "chain_en")]
        if not all(isinstance(text, str) and text.strip() for text in texts):
            raise InvalidRelease(f"{where}: a_name, b_name, chain and chain_en must be non-empty strings")
        length = parse_cited(item.get("length"), f"{where}.length", minimum=Decimal(1))
        if length.unit != "km":
            raise InvalidRelease(f"{where}.length: unit must be km")
        parsed.append(RailDistance(
            modes, str(texts[0]), _strings(item.get("a_codes"), f"{where}.a_codes"), str(texts[1]),
            _strings(item.get("b_codes"), f"{where}.b_codes"), length, str(texts[2]), str(texts[3]),
        ))  # fmt: skip
    return tuple(parsed)


def _cited_map(data: Mapping[str, Any], name: str, allowed: set[str], *, minimum: Decimal) -> dict[str, CitedValue]:
    section = _mapping(data, name)
    unknown = sorted(set(section) - allowed)
    if unknown:
        raise InvalidRelease(f"release: {name}: unknown key(s) {', '.join(unknown)}")
    return {key: parse_cited(value, f"release: {name}.{key}", minimum=minimum) for key, value in section.items()}


def parse_method2(data: Mapping[str, Any], factors: Mapping[str, EmissionFactor]) -> dict[str, Any]:
    """Validate the method/2 sections of a release file; keyword arguments for ``FactorRelease``."""
    notes_en = data.get("notes_en")
    notes = data.get("notes", [])
    if not isinstance(notes_en, list) or not all(isinstance(note, str) for note in notes_en) or not notes_en:
        raise InvalidRelease("release: notes_en must be a non-empty list of strings (release notes in English)")
    if not notes:
        raise InvalidRelease("release: notes must hold the release notes in Chinese")
    for key, factor in factors.items():
        if factor.uncertainty_pct is None or not factor.source_en.strip():
            raise InvalidRelease(f"factor {key!r}: a method/2 factor needs source_en and uncertainty_pct")
    gwp_data = _mapping(data, "gwp_sets")
    gwp_sets = {name: _cited_map(gwp_data, name, set(GASES), minimum=Decimal(1)) for name in gwp_data}
    if str(data.get("gwp_set")) not in gwp_sets or any(set(gases) != set(GASES) for gases in gwp_sets.values()):
        raise InvalidRelease("release: gwp_sets must give CH4 and N2O for every set, the default gwp_set included")
    cabins = _mapping(data, "cabin_multipliers")
    if set(cabins) != set(HAULS):
        raise InvalidRelease("release: cabin_multipliers must have exactly domestic and international")
    cabin_members = {member.value for member in Cabin}
    rf = _mapping(data, "radiative_forcing")
    if not isinstance(rf.get("default"), bool):
        raise InvalidRelease("release: radiative_forcing.default must be true or false")
    basis = data.get("offset_basis_default")
    if basis not in ("central", "upper"):
        raise InvalidRelease("release: offset_basis_default must be central or upper")
    tiers = _cited_map(data, "quality_tiers", {member.value for member in Quality}, minimum=Decimal(0))
    if set(tiers) != {member.value for member in Quality}:
        raise InvalidRelease("release: quality_tiers must give every tier: " + ", ".join(m.value for m in Quality))
    occupancy = _cited_map(data, "occupancy_defaults", {"car", "taxi", "coach"}, minimum=Decimal(1))
    parts = Method2Parts(
        gwp_sets=gwp_sets,
        grid=_parse_grid(_mapping(data, "grid"), factors),
        occupancy_defaults=occupancy,
        cabin_multipliers={haul: _cited_map(cabins, haul, cabin_members, minimum=Decimal(1)) for haul in HAULS},
        rf_uplift=parse_cited(rf.get("uplift"), "release: radiative_forcing.uplift"),
        rf_default=rf["default"],
        offset_basis_default=str(basis),
        quality_tiers=tiers,
        rail_distances=_parse_rail(data.get("rail_distances")),
        sheet_mass_kg=parse_cited(data.get("sheet_mass_kg"), "release: sheet_mass_kg", minimum=Decimal("0.000001")),
    )
    return {"notes_en": tuple(notes_en), "method2": parts}
