"""The activity form's factor choices cite each factor's source in the page's language."""

from __future__ import annotations

import re

from django.utils import translation

from zhonghe.data.factor_releases import load_release
from zhonghe.web.forms import factor_choices

RELEASE = load_release("CQ-2025.2")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _choice(key: str) -> str:
    return next(text for _group, options in factor_choices(RELEASE) for value, text in options if value == key)


def test_chinese_pages_cite_in_chinese_english_pages_in_english():
    steel = RELEASE.factor("materials.steel")
    with translation.override("zh-hans"):
        assert steel.source[:40] in _choice("materials.steel") and CJK.search(steel.source)
    with translation.override("en"):
        text = _choice("materials.steel")
    # The citation is cut to SOURCE_CHARS with a visible "…"; its first words are the English source's.
    assert steel.source_en[:40] in text and steel.source[:40] not in text


def test_the_grid_choice_says_the_events_grid_applies():
    with translation.override("zh-hans"):
        assert (
            _choice("electricity.grid") == "电网电力（按本活动选择的电网；省级缺省 0.5581 kgCO₂/kWh）"
        )  # Chinese typography: CO₂
    with translation.override("en"):
        assert _choice("electricity.grid").startswith("Grid electricity (the grid chosen for this event;")
