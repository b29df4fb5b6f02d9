"""What a place text may mean, labelled for a person: ``PlaceOption`` for an adcode or an airport."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import airportsdata

from zhonghe.data.places import _cities, airport_place
from zhonghe.data.places.aliases import airport_names
from zhonghe.engine.activities import Place

# Regions with their own ISO 3166 code: a flight to them is not a domestic flight in CAAC statistics.
_REGION_COUNTRIES = {"71": "TW", "81": "HK", "82": "MO"}


@dataclass(frozen=True)
class PlaceOption:
    """A place a text may mean: the engine ``Place``, its ISO country and a label to show a person."""

    place: Place
    country: str
    label: str

    @property
    def code(self) -> str:
        return self.place.code


def _country(adcode: str) -> str:
    return _REGION_COUNTRIES.get(adcode[:2], "CN")


@cache
def city_option(adcode: str) -> PlaceOption:
    """The option for a 6-digit adcode, labelled with its province and city (吉林省长春市朝阳区)."""
    by_code = _cities()[0]
    city = by_code[adcode]
    parts: list[str] = []
    for code in (adcode[:2] + "0000", adcode[:4] + "00"):
        parent = by_code.get(code)
        if code != adcode and parent is not None and "市辖区" not in parent.place.name:
            if not parent.place.name.endswith(("县", "直辖县级行政区划")) or parent.level == 0:
                parts.append(parent.place.name)
    parts.append(city.place.name)
    label = "".join(dict.fromkeys(parts))  # 北京市 + 北京市 (a municipality's own row) once
    return PlaceOption(city.place, _country(adcode), label)


@cache
def airport_option(iata: str) -> PlaceOption:
    place = airport_place(iata)
    zh = next((a.name_zh for names in airport_names().values() for a in names if a.iata == place.code), "")
    label = f"{zh or place.name} ({place.code})"
    return PlaceOption(place, _airport_countries()[place.code], label)


@cache
def _airport_countries() -> dict[str, str]:
    return {code: row["country"] for code, row in airportsdata.load("IATA").items()}


@cache
def icao_to_iata() -> dict[str, str]:
    return {code: row["iata"] for code, row in airportsdata.load("ICAO").items() if row["iata"]}
