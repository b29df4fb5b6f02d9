"""CQ-2025's factor sources mix Chinese and English and its file may never change (its hash is part of every
inventory frozen with it): display texts in both languages live beside it in source_texts/ (issue 11, item 1)."""

from __future__ import annotations

import re

from django.utils import translation

from zhonghe.data.factor_releases import load_release, source_display
from zhonghe.tests.test_chinese_pages import latin_words
from zhonghe.web.report_content import source_text

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_cq_2025_source_has_a_chinese_and_an_english_text():
    release = load_release("CQ-2025")
    for factor in release.factors.values():
        zh, en = source_display(factor.source, "zh"), source_display(factor.source, "en")
        assert zh != factor.source and CJK.search(zh), factor.key
        assert latin_words(zh) == [], (factor.key, latin_words(zh))  # codes and units only
        assert en != factor.source or not CJK.search(factor.source), factor.key
        assert not CJK.search(en), (factor.key, en)


def test_a_source_without_a_display_text_is_shown_as_it_is():
    assert source_display("生态环境部 2023 table", "zh") == "生态环境部 2023 table"


def test_a_cq_2025_line_cites_in_the_pages_language():
    factor = load_release("CQ-2025").factor("electricity.grid")
    line = {"factor_source": factor.source}
    with translation.override("zh-hans"):
        assert source_text(line).startswith("生态环境部、国家统计局《2023年电力二氧化碳排放因子》")
    with translation.override("en"):
        assert source_text(line).startswith("MEE/NBS 2023 electricity CO₂ emission factors")
