"""Chongqing's 38 county-level divisions (26 市辖区 + 12 县, of which 4 自治县). Pure Python, data only.

The rows live in ``districts.csv`` next to this module (UTF-8): ``adcode, name_zh, name_en, kind,
area_tags`` with ``kind`` in {district, county} and ``area_tags`` a ``|``-separated subset of the
plan's preferred origin areas (实施方案 四（二）1):

* ``THREE_GORGES`` — 渝东北三峡库区城镇群: 万州, 开州, 梁平, 城口, 丰都, 垫江, 忠县, 云阳, 奉节, 巫山, 巫溪;
* ``WULING`` — 渝东南武陵山区城镇群: 黔江, 武隆, 石柱, 秀山, 酉阳, 彭水.

(The remaining 21 form the 主城都市区 of the 2020 "一区两群" layout.)

Provenance: division codes as of 2024 (GB/T 2260 / MCA). Cross-checked against the adcodes table of
the MIT-licensed ``cpca`` 0.5.5 package: 36 of 38 codes agree; cpca still has 梁平县 500228 and
武隆县 500232, which became 梁平区 500155 and 武隆区 500156 in 2016 — those two are taken from
several public division datasets instead. The area lists match the 2020 一区两群 grouping
(secondary sources). English names are pinyin with the conventional suffixes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

AREA_THREE_GORGES = "THREE_GORGES"
AREA_WULING = "WULING"
AREA_TAGS = frozenset({AREA_THREE_GORGES, AREA_WULING})
KINDS = frozenset({"district", "county"})

_CSV_PATH = Path(__file__).with_name("districts.csv")
_COLUMNS = ["adcode", "name_zh", "name_en", "kind", "area_tags"]


class UnknownDistrict(LookupError):
    """No Chongqing district or county has this division code."""

    code = "unknown_district"

    def __init__(self, adcode: object) -> None:
        self.adcode = adcode
        self.message = f"未知的区县代码 / unknown Chongqing district or county code: {adcode!r}"
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class District:
    adcode: str
    name_zh: str
    name_en: str
    kind: str
    area_tags: frozenset[str]


def _parse_row(line: int, row: dict[str, str]) -> District:
    tags = frozenset(t for t in row["area_tags"].split("|") if t)
    adcode = row["adcode"]
    if len(adcode) != 6 or not adcode.isascii() or not adcode.isdigit() or not adcode.startswith("50"):
        raise ValueError(f"{_CSV_PATH.name}:{line}: bad adcode {adcode!r}")
    if row["kind"] not in KINDS:
        raise ValueError(f"{_CSV_PATH.name}:{line}: bad kind {row['kind']!r}")
    if not tags <= AREA_TAGS:
        raise ValueError(f"{_CSV_PATH.name}:{line}: unknown area tags {sorted(tags - AREA_TAGS)}")
    return District(adcode, row["name_zh"], row["name_en"], row["kind"], tags)


@cache
def all_districts() -> tuple[District, ...]:
    """All 38 divisions, sorted by adcode. Loaded once; raises ValueError if the CSV is malformed."""
    with _CSV_PATH.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != _COLUMNS:
            raise ValueError(f"{_CSV_PATH.name}: expected columns {_COLUMNS}, got {reader.fieldnames}")
        rows = tuple(_parse_row(n, row) for n, row in enumerate(reader, start=2))
    codes = [d.adcode for d in rows]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{_CSV_PATH.name}: duplicate adcodes")
    return tuple(sorted(rows, key=lambda d: d.adcode))


@cache
def _by_code() -> dict[str, District]:
    return {d.adcode: d for d in all_districts()}


def district_by_code(adcode: str) -> District:
    """The district or county with this six-digit code; raises ``UnknownDistrict``."""
    try:
        return _by_code()[adcode]
    except (KeyError, TypeError):  # TypeError: unhashable input
        raise UnknownDistrict(adcode) from None


def district_choices() -> list[tuple[str, str]]:
    """``(adcode, name_zh)`` pairs sorted by adcode, for form and model choices."""
    return [(d.adcode, d.name_zh) for d in all_districts()]


def districts_in_area(tag: str) -> tuple[District, ...]:
    """Districts carrying a preferred-origin area tag (``THREE_GORGES`` or ``WULING``), by adcode."""
    if tag not in AREA_TAGS:
        raise ValueError(f"unknown area tag {tag!r}; expected one of {sorted(AREA_TAGS)}")
    return tuple(d for d in all_districts() if tag in d.area_tags)
