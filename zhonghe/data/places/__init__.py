"""Places for travel distances: Chinese provinces, prefectures and counties, and airports.

No Django and no network: cities come from ``adcodes.csv`` (copied from the MIT-licensed cpca 0.5.5,
see LICENSE-cpca.txt) and airports from the pinned ``airportsdata`` package. Both tables are read
once per process. Lookups return ``zhonghe.engine.activities.Place`` values and raise
``UnknownPlace`` (a ``LookupError`` with code "unknown_place") naming the query.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import airportsdata

from zhonghe.engine.activities import Place

ADCODES_CSV = Path(__file__).resolve().with_name("adcodes.csv")

# Rows that name a grouping, not a place ("市辖区" = the districts of a city); reachable by adcode only.
_PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# Suffixes dropped so that "北京" finds 北京市 and "广西" finds 广西壮族自治区 (not for counties).
_SHORT_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
# cpca 0.5.5 predates the 2016 changes 梁平县 500228 → 梁平区 500155 and 武隆县 500232 → 武隆区 500156;
# the new codes and names are added with the old rows' coordinates (new code: (old code, new name)).
_RENAMED = {"500155": ("500228", "梁平区"), "500156": ("500232", "武隆区")}


class UnknownPlace(LookupError):
    """No place (or no single place) matches the query; ``code`` is stable, ``message`` names it."""

    code = "unknown_place"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class _City:
    level: int  # 0 province, 1 prefecture, 2 county: the lower, the preferred for an ambiguous name
    place: Place


def _level(adcode6: str) -> int:
    if adcode6.endswith("0000"):
        return 0
    return 1 if adcode6.endswith("00") else 2


def _short_name(name: str) -> str:
    for suffix in _SHORT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return ""


def _parent_code(code: str) -> str:
    return code[:2] + "0000" if code.endswith("00") else code[:4] + "00"


@cache
def _cities() -> tuple[dict[str, _City], dict[str, list[_City]], dict[str, list[_City]]]:
    """(by 6-digit adcode, by exact name, by name without suffix); rows without coordinates skipped."""
    with ADCODES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["longitude"] and row["latitude"]]
    names = {row["adcode"][:6]: row["name"] for row in rows}
    for new_code, (old_code, new_name) in _RENAMED.items():
        old = next(row for row in rows if row["adcode"].startswith(old_code))
        rows.append({**old, "adcode": new_code + "000000", "name": new_name})
    by_code: dict[str, _City] = {}
    by_name: dict[str, list[_City]] = {}
    by_short: dict[str, list[_City]] = {}
    for row in rows:
        code, name = row["adcode"][:6], row["name"]
        placeholder = name in _PLACEHOLDER_NAMES
        if placeholder:
            # Name it after its parent (北京市市辖区) so that a line never just says "市辖区".
            name = names.get(_parent_code(code), "") + name
        city = by_code[code] = _City(
            _level(code), Place(code, name, Decimal(row["latitude"]), Decimal(row["longitude"]))
        )
        if placeholder:
            continue
        by_name.setdefault(name, []).append(city)
        short = _short_name(name)
        if short and city.level < 2:
            by_short.setdefault(short, []).append(city)
    return by_code, by_name, by_short


def city_place(query: str) -> Place:
    """Resolve a 6-digit adcode (12 digits also accepted) or an exact Chinese name to a ``Place``.

    Exact names win over suffix-less ones ("北京" → 北京市); of several rows with one name the
    province, then the prefecture, is preferred (吉林 → 吉林省). Raises ``UnknownPlace`` when nothing
    matches, when the row has no coordinates, or when several counties share the name (朝阳区):
    the message then lists their adcodes so the caller can pick one.
    """
    text = query.strip() if isinstance(query, str) else ""
    by_code, by_name, by_short = _cities()
    if text.isdigit() and (len(text) == 6 or (len(text) == 12 and text.endswith("000000"))):
        city = by_code.get(text[:6])
        if city is None:
            raise UnknownPlace(f"no place with adcode {query!r} (or it has no coordinates)")
        return city.place
    candidates = by_name.get(text) or by_short.get(text) or []
    if not candidates:
        raise UnknownPlace(f"no province, city or county named {query!r}")
    best = min(city.level for city in candidates)
    preferred = [city for city in candidates if city.level == best]
    if len(preferred) > 1:
        codes = ", ".join(f"{city.place.code} {city.place.name}" for city in preferred)
        raise UnknownPlace(f"{query!r} is ambiguous ({codes}); give the adcode")
    return preferred[0].place


@cache
def _airports() -> dict[str, airportsdata.Airport]:
    return airportsdata.load("IATA")


def airport_place(iata: str) -> Place:
    """Resolve an IATA airport code (case-insensitive) to a ``Place`` coded by the IATA code.

    ``country`` is the airport's ISO 3166-1 alpha-2 country from airportsdata. Raises
    ``UnknownPlace`` naming the query when it is not a known 3-letter IATA code.
    """
    code = iata.strip().upper() if isinstance(iata, str) else ""
    airport = _airports().get(code) if len(code) == 3 else None
    if airport is None:
        raise UnknownPlace(f"no airport with IATA code {iata!r}")
    # str() of the float is its shortest repr: the digits airportsdata's CSV holds. The country
    # (ISO 3166-1 alpha-2) decides domestic vs international flights under zhonghe-method/2.
    country = str(airport.get("country") or "").upper()
    return Place(
        code,
        airport["name"],
        Decimal(str(airport["lat"])),
        Decimal(str(airport["lon"])),
        country if len(country) == 2 and country.isalpha() else "",
    )
