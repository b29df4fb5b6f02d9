"""Free text from a spreadsheet → one place, confirmed by a person (pure: no Django, no database).

``PlaceResolver.resolve(text)`` answers with a ``Resolution``: the place (or the candidates when the
text is ambiguous, such as 朝阳区 or 鼓楼区) and *how* it matched, so that a page can show
"成都 → 四川省成都市 (short name)" for confirmation. Recognised, in this order:

1. a correction the person made (text → adcode or IATA code), applied to every row with that text;
2. an adcode (6 or 12 digits);
3. IATA (CKG) and ICAO (ZUCK) codes of airportsdata; pinyin (Chengdu, chongqing shi);
4. a cpca name, exact (成都市) or without its suffix (成都), or qualified by its province and city
   (四川省成都市, 重庆市渝中区, 四川成都);
5. a Chinese airport name (双流机场, 成都天府国际机场) or a main railway station (成都东站 → the city).

Each distinct text is resolved once per resolver (a file has few distinct places).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from zhonghe.data.places import _RENAMED, UnknownPlace, _cities, _City, city_place
from zhonghe.data.places.aliases import airport_names, pinyin_index, station_adcodes

from .place_options import PlaceOption, airport_option, city_option, icao_to_iata


class MatchKind(StrEnum):
    CORRECTION = "correction"
    ADCODE = "adcode"
    EXACT = "exact"
    SHORT_NAME = "short_name"
    FULL_NAME = "full_name"
    PINYIN = "pinyin"
    IATA = "iata"
    ICAO = "icao"
    AIRPORT_NAME = "airport_name"
    STATION = "station"


_ICAO = re.compile(r"^[A-Z]{4}$")
_IATA = re.compile(r"^[A-Z]{3}$")
_PINYIN_NOISE = re.compile(r"[\s'’\-·.]+")
_ENGLISH_SUFFIXES = ("city", "province", "district", "county", "municipality")
# Suffixes a county-level name is written without (武隆 for 武隆区, 巫山 for 巫山县), at least two left.
_COUNTY_SUFFIXES = ("自治县", "区", "县", "市", "旗")
# Rows replaced by a renamed code (武隆县 500232 → 武隆区 500156): names and pinyin lead to the new code.
_SUCCESSOR = {old: new for new, (old, _) in _RENAMED.items()}


@dataclass(frozen=True)
class Resolution:
    """How ``text`` resolved: ``place`` when exactly one matched, else the ``candidates`` (maybe none)."""

    text: str
    place: PlaceOption | None
    match: MatchKind | None
    candidates: tuple[PlaceOption, ...] = field(default=())

    @property
    def status(self) -> str:
        if self.place is not None:
            return "resolved"
        return "ambiguous" if self.candidates else "unknown"

    def confirmation(self) -> str:
        """ "成都 → 四川省成都市", or the candidates joined with " / " for an ambiguous text."""
        if self.place is not None:
            return f"{self.text} → {self.place.label}"
        if not self.candidates:
            return f"{self.text} → ?"
        return f"{self.text} → ? ({' / '.join(option.label for option in self.candidates)})"


def normalize_text(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII) and no surrounding or inner white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@cache
def _county_short_names() -> dict[str, list[_City]]:
    _, by_name, _ = _cities()
    index: dict[str, list[_City]] = {}
    for name, cities in by_name.items():
        for suffix in _COUNTY_SUFFIXES:
            if name.endswith(suffix) and len(name) >= len(suffix) + 2:
                index.setdefault(name[: -len(suffix)], []).extend(city for city in cities if city.level == 2)
                break
    return index


def _preferred(cities: Iterable[_City]) -> list[_City]:
    """Of several rows with one name keep the highest level (province over city over county)."""
    by_code = _cities()[0]
    unique: dict[str, _City] = {}
    for city in cities:
        code = _SUCCESSOR.get(city.place.code, city.place.code)
        unique[code] = by_code[code]
    if not unique:
        return []
    best = min(city.level for city in unique.values())
    return sorted((city for city in unique.values() if city.level == best), key=lambda city: city.place.code)


def _named(text: str, prefix: str) -> tuple[list[_City], MatchKind | None]:
    """Rows named ``text`` (exactly, then without suffix) whose adcode starts with ``prefix``."""
    _, by_name, by_short = _cities()
    indexes = (
        (by_name, MatchKind.EXACT),
        (by_short, MatchKind.SHORT_NAME),
        (_county_short_names(), MatchKind.SHORT_NAME),
    )
    for index, kind in indexes:
        found = [city for city in index.get(text, []) if city.place.code.startswith(prefix)]
        if found:
            return found, kind
    return [], None


def _qualified(text: str, prefix: str = "", depth: int = 0) -> list[_City]:
    """四川省成都市武侯区: peel a province or city name off the front and look for the rest inside it."""
    if depth > 2:
        return []
    found: list[_City] = []
    _, by_name, by_short = _cities()
    for cut in range(2, len(text) - 1):
        head, rest = text[:cut], text[cut:]
        parents = [
            city
            for city in by_name.get(head, []) + by_short.get(head, [])
            if city.level < 2 and city.place.code.startswith(prefix)
        ]
        for parent in parents:
            inner = parent.place.code[:2] if parent.level == 0 else parent.place.code[:4]
            children, _ = _named(rest, inner)
            found.extend(child for child in children if child.place.code != parent.place.code)
            if not children:
                found.extend(_qualified(rest, inner, depth + 1))
    return found


class PlaceResolver:
    """Resolve texts with a person's ``corrections`` (text → adcode or IATA code) applied first.

    Raises ``UnknownPlace`` at construction when a correction names a code that does not exist.
    """

    def __init__(self, corrections: Mapping[str, str] | None = None) -> None:
        self._corrections = {normalize_text(text): _option_for_code(code) for text, code in (corrections or {}).items()}
        self._cache: dict[str, Resolution] = {}

    def resolve(self, text: str) -> Resolution:
        cached = self._cache.get(text)
        if cached is None:
            cached = self._cache[text] = self._resolve(text)
        return cached

    def _resolve(self, text: str) -> Resolution:
        key = normalize_text(text)
        if key in self._corrections:
            return Resolution(text, self._corrections[key], MatchKind.CORRECTION)
        if not key:
            return Resolution(text, None, None)
        if key.isdigit():
            return _one(text, _adcode(key), MatchKind.ADCODE)
        if key.isascii():
            return _ascii(text, key)
        cities, kind = _named(key, "")
        if cities:
            return _choose(text, cities, kind)
        qualified = _qualified(key)
        if qualified:
            return _choose(text, qualified, MatchKind.FULL_NAME)
        airports = airport_names().get(key) or airport_names().get(key.replace("国际机场", "机场"), ())
        if airports:
            options = tuple(dict.fromkeys(airport_option(airport.iata) for airport in airports))
            return _many(text, options, MatchKind.AIRPORT_NAME)
        station = station_adcodes().get(key) or station_adcodes().get(key + "站")
        if station:
            return Resolution(text, city_option(station), MatchKind.STATION)
        return Resolution(text, None, None)


def _one(text: str, option: PlaceOption | None, kind: MatchKind) -> Resolution:
    return Resolution(text, option, kind if option else None)


def _many(text: str, options: tuple[PlaceOption, ...], kind: MatchKind) -> Resolution:
    if len(options) == 1:
        return Resolution(text, options[0], kind)
    return Resolution(text, None, kind, options)


def _choose(text: str, cities: Iterable[_City], kind: MatchKind | None) -> Resolution:
    preferred = _preferred(cities)
    return _many(text, tuple(city_option(city.place.code) for city in preferred), kind or MatchKind.EXACT)


def _adcode(key: str) -> PlaceOption | None:
    try:
        return city_option(city_place(key).code)
    except UnknownPlace:
        return None


def _iata(code: str) -> PlaceOption | None:
    try:
        return airport_option(code)
    except UnknownPlace:
        return None


def _icao(code: str) -> PlaceOption | None:
    iata = icao_to_iata().get(code)
    return _iata(iata) if iata else None


def _pinyin(text: str) -> tuple[PlaceOption, ...]:
    key = _PINYIN_NOISE.sub("", text.lower())
    for suffix in _ENGLISH_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key[: -len(suffix)]
    by_code = _cities()[0]
    codes = pinyin_index().get(key, ())
    return tuple(city_option(city.place.code) for city in _preferred(by_code[code] for code in codes))


def _ascii(text: str, key: str) -> Resolution:
    """Upper-case three or four letters are airport codes first; anything else is pinyin first."""
    upper = key.upper()
    if key == upper and _IATA.match(key) and (option := _iata(key)):
        return Resolution(text, option, MatchKind.IATA)
    if key == upper and _ICAO.match(key) and (option := _icao(key)):
        return Resolution(text, option, MatchKind.ICAO)
    options = _pinyin(text)
    if options:
        return _many(text, options, MatchKind.PINYIN)
    if _IATA.match(upper) and (option := _iata(upper)):
        return Resolution(text, option, MatchKind.IATA)
    if _ICAO.match(upper) and (option := _icao(upper)):
        return Resolution(text, option, MatchKind.ICAO)
    return Resolution(text, None, None)


def _option_for_code(code: str) -> PlaceOption:
    """A correction's target: an adcode or an IATA code; raises ``UnknownPlace`` otherwise."""
    text = normalize_text(code)
    if text.isdigit():
        return city_option(city_place(text).code)
    return airport_option(text.upper())
