"""CQ-2025.2's rail fallback ratios are what their citation says: the median of the release's own published
line lengths over the WGS84 geodesic (from 渝中区, Chongqing's centre), so no detour number is free-standing."""

from __future__ import annotations

import re
import statistics
from decimal import Decimal

import pytest

from zhonghe.data.factor_releases import load_release
from zhonghe.data.places import city_place
from zhonghe.engine.distance import geodesic_km

RELEASE = load_release("CQ-2025.2")
YUZHONG = city_place("500103")


def _ratios(mode: str) -> list[Decimal]:
    ratios = []
    for row in RELEASE.method2.rail_distances:
        if row.modes != (mode,):
            continue
        code = row.b_codes[0]
        other = city_place(code.ljust(6, "0"))
        ratios.append(row.length.value / geodesic_km(YUZHONG, other))
    return ratios


@pytest.mark.parametrize(("mode", "pairs"), [("hsr", 10), ("rail", 3)])
def test_the_fallback_multiplier_is_the_median_ratio_it_cites(mode, pairs):
    ratios = _ratios(mode)
    rule = RELEASE.distance_rules[mode]
    assert len(ratios) == pairs and f"{pairs}" in rule.source_en
    assert Decimal(statistics.median(ratios)).quantize(Decimal("0.01")) == rule.multiplier
    low, high = re.search(r"(\d\.\d{3})–(\d\.\d{3})", rule.source_en).groups()
    assert (f"{min(ratios):.3f}", f"{max(ratios):.3f}") == (low, high)


def test_every_rail_row_cites_what_was_read():
    rows = RELEASE.method2.rail_distances
    assert len(rows) == 13  # the citable pairs; docs/accounting-method.md says why not 40
    assert all(row.length.source and row.length.source_en and row.length.doc_no for row in rows)
