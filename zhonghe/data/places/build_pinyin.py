"""Regenerate ``pinyin.csv`` (toneless pinyin of every place name) from ``adcodes.csv``.

Run ``python -m zhonghe.data.places.build_pinyin`` after changing adcodes.csv; a test checks that the
shipped file equals what this produces. pypinyin (a development dependency) is only needed here: at run
time the table is read like any other data file, so the application does not load pypinyin's
dictionaries (≈0.7 s) in every process.

Each row is ``adcode,pinyin``: one for the full name (chengdushi) and one without the administrative
suffix (chengdu) when at least two characters remain. ``_PHRASES`` corrects readings where pypinyin's
default is not the place name's reading (朝阳 is Cháoyáng) or where the official romanization differs
(陕西 is Shaanxi, to tell it from 山西 Shanxi: GB/T 17693 and the province's own usage).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from . import _cities

PINYIN_CSV = Path(__file__).resolve().with_name("pinyin.csv")
SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "地区",
            "省", "市", "区", "县")  # fmt: skip
# Place-name readings pypinyin gets wrong, replaced before conversion (text → pinyin syllables).
_PHRASES = {"陕西": "shaanxi", "朝阳": "chaoyang", "单县": "shanxian", "长寿": "changshou", "蚌埠": "bengbu"}


def stripped(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) >= len(suffix) + 2:
            return name[: -len(suffix)]
    return ""


def to_pinyin(name: str) -> str:
    from pypinyin import lazy_pinyin  # development dependency, see the module docstring

    for phrase, reading in _PHRASES.items():
        if phrase in name:
            head, _, tail = name.partition(phrase)
            return to_pinyin(head) + reading + to_pinyin(tail)
    return "".join(lazy_pinyin(name)).lower() if name else ""


def build() -> str:
    by_code, by_name, _ = _cities()
    rows: set[tuple[str, str]] = set()
    for code, city in by_code.items():
        name = city.place.name
        if city not in by_name.get(name, []):
            continue  # a grouping row (市辖区, 县), reachable by adcode only
        for text in (name, stripped(name)):
            if text:
                rows.add((code, to_pinyin(text)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["adcode", "pinyin"])
    writer.writerows(sorted(rows))
    return out.getvalue()


if __name__ == "__main__":
    PINYIN_CSV.write_text(build(), encoding="utf-8")
