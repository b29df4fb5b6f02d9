"""Emission factors and factor releases: immutable, versioned, cited.

A ``FactorRelease`` is the only source of numbers for a footprint: the engine receives it as an
argument and never looks anything up by itself. Each factor carries its citation (source, doc_no,
url, year), boundary and reliability so that every footprint line can print where its number came
from. ``parse_release`` turns a data file into a release and refuses anything malformed with an
``InvalidRelease`` naming the offending field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast, get_args

from .activities import Category, TravelMode
from .cited import CitedValue, parse_cited, parse_percent
from .errors import InvalidRelease, UnitMismatch, UnknownFactor
from .hashing import canonical_json, sha256_hex
from .parsing import check_fields, choice, decimal, text
from .units import normalize_unit

if TYPE_CHECKING:
    from .release_v2 import Method2Parts

GasBasis = Literal["CO2", "CO2e"]
Boundary = Literal["direct", "life-cycle", "not stated"]
Reliability = Literal["verified", "secondary", "unconfirmed"]

_KEY_PATTERN = re.compile(r"^[a-z]+\.[a-z0-9_]+$")


@dataclass(frozen=True)
class EmissionFactor:
    """kg of ``gas_basis`` per one ``activity_unit``, with its citation.

    Invariant (checked): ``unit == f"kg{gas_basis}/{activity_unit}"``, so a factor published per
    tonne of CO2 must be restated in kg before it enters a release; ``value`` is a finite Decimal
    ≥ 0. Raises ``InvalidRelease`` otherwise.
    """

    key: str
    value: Decimal
    unit: str
    activity_unit: str
    gas_basis: GasBasis
    year: int
    source: str
    doc_no: str
    url: str
    boundary: Boundary
    reliability: Reliability
    note: str = ""
    density_kg_per_l: Decimal | None = None
    per_vehicle: bool = False
    # zhonghe-method/2: English citation, 95 % uncertainty and cited parameters (density, NCV, CH4 and
    # N2O per TJ, sheet mass...) of the factor. Left out of the release hash while at their defaults.
    source_en: str = ""
    uncertainty_pct: Decimal | None = None
    params: Mapping[str, CitedValue] = field(default_factory=dict, hash=False)

    HASH_OMIT_DEFAULTS: ClassVar[dict[str, object]] = {"source_en": "", "uncertainty_pct": None, "params": {}}

    def __post_init__(self) -> None:
        where = f"factor {self.key!r}"
        if not isinstance(self.value, Decimal) or not self.value.is_finite() or self.value < 0:
            raise InvalidRelease(f"{where}: value must be a finite Decimal ≥ 0, got {self.value!r}")
        if self.unit != f"kg{self.gas_basis}/{self.activity_unit}":
            raise InvalidRelease(f"{where}: unit {self.unit!r} must read kg{self.gas_basis}/{self.activity_unit}")
        if self.per_vehicle != (self.activity_unit == "vehicle-km"):
            # Car factors are per vehicle-km and get divided by occupancy; any other factor must
            # not be, or a passenger-km would be divided by the number of people in a car.
            raise InvalidRelease(f"{where}: per_vehicle factors, and only they, are per vehicle-km")
        density = self.density_kg_per_l
        if density is not None and (not isinstance(density, Decimal) or not density > 0):
            raise InvalidRelease(f"{where}: density_kg_per_l must be a positive Decimal")


@dataclass(frozen=True)
class DistanceRule:
    """One-way travel distance = great-circle km × ``multiplier`` + ``add_km`` (cited by ``source``)."""

    mode: TravelMode
    multiplier: Decimal
    add_km: Decimal
    source: str
    source_en: str = ""
    doc_no: str = ""
    year: int | None = None

    HASH_OMIT_DEFAULTS: ClassVar[dict[str, object]] = {"source_en": "", "doc_no": "", "year": None}


@dataclass(frozen=True)
class FactorRelease:
    """An immutable, versioned set of factors and distance rules; a footprint names its code and hash.

    ``factors`` and ``distance_rules`` are frozen into read-only mappings at construction, so a
    release cannot change under a footprint that cites its hash. Each mapping key must equal its
    factor's ``key`` (rule's ``mode``); ``InvalidRelease`` otherwise.
    """

    code: str
    title: str
    published: date
    method_version: str
    gwp_set: str
    factors: Mapping[str, EmissionFactor] = field(hash=False)
    distance_rules: Mapping[str, DistanceRule] = field(hash=False)
    default_car_occupancy: Decimal
    title_en: str = ""
    notes: tuple[str, ...] = ()
    # zhonghe-method/2 parts (see release_v2.py); empty for method/1 releases and then left out of
    # the content hash, so CQ-2025 keeps its hash.
    notes_en: tuple[str, ...] = ()
    method2: Method2Parts | None = field(default=None, hash=False)

    HASH_OMIT_DEFAULTS: ClassVar[dict[str, object]] = {"notes_en": (), "method2": None}

    def __post_init__(self) -> None:
        object.__setattr__(self, "factors", MappingProxyType(dict(self.factors)))
        object.__setattr__(self, "distance_rules", MappingProxyType(dict(self.distance_rules)))
        object.__setattr__(self, "notes", tuple(self.notes))
        for key, factor in self.factors.items():
            if factor.key != key:
                raise InvalidRelease(f"release {self.code}: factor {factor.key!r} filed under {key!r}")
        for mode, rule in self.distance_rules.items():
            if rule.mode != mode:
                raise InvalidRelease(f"release {self.code}: rule for {rule.mode!r} filed under {mode!r}")

    def factor(self, key: str) -> EmissionFactor:
        """Return the factor for ``key``; raise ``UnknownFactor`` naming the key and the release."""
        try:
            return self.factors[key]
        except KeyError:
            raise UnknownFactor(f"release {self.code} has no factor {key!r}") from None

    def content_hash(self) -> str:
        """sha256 hex of the canonical JSON of the whole release (sorted keys, Decimals as strings).

        Computed once per release object: the release is immutable, so the hash cannot go stale.
        """
        cached = self.__dict__.get("_content_hash")
        if cached is None:
            cached = sha256_hex(canonical_json(self))
            object.__setattr__(self, "_content_hash", cached)
        return cast(str, cached)


METHOD_1 = "zhonghe-method/1"
METHOD_2 = "zhonghe-method/2"
_RELEASE_FIELDS = {
    "code", "title", "title_en", "published", "method_version", "gwp_set", "default_car_occupancy",
    "notes", "factors", "distance_rules",
}  # fmt: skip
_FACTOR_FIELDS = {
    "value", "unit", "activity_unit", "gas_basis", "year", "source", "doc_no", "url", "boundary",
    "reliability", "note", "density_kg_per_l", "per_vehicle",
}  # fmt: skip
_FACTOR_FIELDS_2 = {"source_en", "uncertainty_pct", "params"}
_RULE_FIELDS = {"multiplier", "add_km", "source"}
_RULE_FIELDS_2 = {"source_en", "doc_no", "year"}
_TRAVEL_MODES = {member.value for member in TravelMode}


def _check_key(key: str, where: str) -> None:
    if not _KEY_PATTERN.match(key):
        raise InvalidRelease(f"{where}: key must look like 'category.name' in lower case")
    category = key.split(".", 1)[0]
    if category not in {member.value for member in Category}:
        raise InvalidRelease(f"{where}: {category!r} is not a category")
    if category == Category.TRAVEL and travel_mode_of(key) is None:
        raise InvalidRelease(f"{where}: {key.split('.', 1)[1]!r} is not a travel mode (or mode_variant)")


def travel_mode_of(key: str) -> str | None:
    """The travel mode of ``travel.<mode>`` or ``travel.<mode>_<variant>`` (``travel.car_petrol``)."""
    name = key.split(".", 1)[1] if "." in key else key
    candidates = [mode for mode in _TRAVEL_MODES if name == mode or name.startswith(mode + "_")]
    return max(candidates, key=len) if candidates else None


def _parse_year(item: Mapping[str, Any], where: str) -> int:
    year = item["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        raise InvalidRelease(f"{where}: year must be a whole year between 1990 and 2100, got {year!r}")
    return year


def _parse_activity_unit(item: Mapping[str, Any], where: str) -> str:
    activity_unit = text(item, "activity_unit", where)
    try:
        canonical = normalize_unit(activity_unit)
    except UnitMismatch as exc:
        raise InvalidRelease(f"{where}: {exc.message}") from None
    if canonical != activity_unit:
        # The canonical spelling is what footprint lines print; aliases belong to user input only.
        raise InvalidRelease(f"{where}: activity_unit must be spelled {canonical!r}")
    return activity_unit


def _parse_factor(key: str, data: object, method: str) -> EmissionFactor:
    where = f"factor {key!r}"
    _check_key(key, where)
    if method == METHOD_2:
        item = check_fields(
            data, _FACTOR_FIELDS | _FACTOR_FIELDS_2, {"note", "density_kg_per_l", "per_vehicle", "params"}, where
        )
    else:
        item = check_fields(data, _FACTOR_FIELDS, {"note", "density_kg_per_l", "per_vehicle"}, where)
    per_vehicle = item.get("per_vehicle", False)
    if not isinstance(per_vehicle, bool):
        raise InvalidRelease(f"{where}: per_vehicle must be true or false")
    url, note = text(item, "url", where, blank_ok=True), text(item, "note", where, blank_ok=True)
    if not url and not note:
        raise InvalidRelease(f"{where}: a factor without a url needs a note saying where it comes from")
    has_density = item.get("density_kg_per_l") is not None
    return EmissionFactor(
        key=key,
        value=decimal(item, "value", where),
        unit=text(item, "unit", where),
        activity_unit=_parse_activity_unit(item, where),
        gas_basis=cast(GasBasis, choice(item, "gas_basis", where, get_args(GasBasis))),
        year=_parse_year(item, where),
        source=text(item, "source", where),
        doc_no=text(item, "doc_no", where),
        url=url,
        boundary=cast(Boundary, choice(item, "boundary", where, get_args(Boundary))),
        reliability=cast(Reliability, choice(item, "reliability", where, get_args(Reliability))),
        note=note,
        density_kg_per_l=decimal(item, "density_kg_per_l", where) if has_density else None,
        per_vehicle=per_vehicle,
        **(_factor_extras(item, where) if method == METHOD_2 else {}),
    )


def _factor_extras(item: Mapping[str, Any], where: str) -> dict[str, Any]:
    params = item.get("params", {})
    if not isinstance(params, Mapping):
        raise InvalidRelease(f"{where}: params must be an object of cited values")
    return {
        "source_en": text(item, "source_en", where),
        "uncertainty_pct": parse_percent(item.get("uncertainty_pct"), f"{where}: uncertainty_pct"),
        "params": {name: parse_cited(value, f"{where}: params.{name}") for name, value in params.items()},
    }


def _parse_rule(mode: str, data: object, method: str) -> DistanceRule:
    where = f"distance rule {mode!r}"
    if mode not in _TRAVEL_MODES:
        raise InvalidRelease(f"{where}: not a travel mode")
    two = method == METHOD_2
    item = check_fields(data, _RULE_FIELDS | (_RULE_FIELDS_2 if two else set()), set(), where)
    multiplier, add_km = decimal(item, "multiplier", where), decimal(item, "add_km", where)
    if multiplier < 1 or add_km < 0:
        # A detour convention only ever lengthens the great-circle distance.
        raise InvalidRelease(f"{where}: multiplier must be ≥ 1 and add_km ≥ 0")
    rule = DistanceRule(TravelMode(mode), multiplier, add_km, text(item, "source", where))
    if not two:
        return rule
    year = item["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not 1950 <= year <= 2100:
        raise InvalidRelease(f"{where}: year must be a whole year, got {year!r}")
    return DistanceRule(rule.mode, multiplier, add_km, rule.source, text(item, "source_en", where),
                        text(item, "doc_no", where), year)  # fmt: skip


def _parse_mapping(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data[name]
    if not isinstance(value, Mapping) or not value:
        raise InvalidRelease(f"release: {name} must be a non-empty object keyed by {name[:-1]} key")
    return value


def parse_release(data: Mapping[str, Any]) -> FactorRelease:
    """Build a ``FactorRelease`` from parsed JSON, validating every field.

    Unknown or missing fields, non-numeric values, bad choices (gas basis, boundary, reliability),
    units that are not ``kg<gas>/<activity unit>``, keys outside the categories/travel modes, travel
    factors without a distance rule and a car occupancy below 1 all raise ``InvalidRelease``.
    Numbers are parsed with ``Decimal(str(x))``, never through float arithmetic.
    """
    where = "release"
    method = data.get("method_version") if isinstance(data, Mapping) else None
    if method == METHOD_2:
        from .release_v2 import RELEASE_FIELDS_2, parse_method2

        item = check_fields(data, _RELEASE_FIELDS | RELEASE_FIELDS_2, {"title_en", "notes"}, where)
    else:
        item = check_fields(data, _RELEASE_FIELDS, {"title_en", "notes"}, where)
    code = text(item, "code", where)
    try:
        published = date.fromisoformat(text(item, "published", where))
    except ValueError:
        raise InvalidRelease(f"{where}: published must be an ISO date (YYYY-MM-DD)") from None
    notes = item.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(note, str) for note in notes):
        raise InvalidRelease(f"{where}: notes must be a list of strings")
    occupancy = decimal(item, "default_car_occupancy", where)
    if occupancy < 1:
        raise InvalidRelease(f"{where}: default_car_occupancy must be at least 1 person")
    factors = {key: _parse_factor(key, value, str(method)) for key, value in _parse_mapping(item, "factors").items()}
    rules = {mode: _parse_rule(mode, v, str(method)) for mode, v in _parse_mapping(item, "distance_rules").items()}
    unruled = sorted(key for key in factors if key.startswith("travel.") and travel_mode_of(key) not in rules)
    if unruled:
        raise InvalidRelease(f"{where}: travel factor(s) without a distance rule: {', '.join(unruled)}")
    return FactorRelease(
        code=code,
        title=text(item, "title", where),
        title_en=text(item, "title_en", where, blank_ok=True),
        published=published,
        method_version=text(item, "method_version", where),
        gwp_set=text(item, "gwp_set", where),
        factors=factors,
        distance_rules=rules,
        default_car_occupancy=occupancy,
        notes=tuple(notes),
        **(parse_method2(item, factors) if method == METHOD_2 else {}),
    )
