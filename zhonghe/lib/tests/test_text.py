"""lib/text.py: the one rule for text input (no control characters; tab/newline only in multi-line fields)."""

from __future__ import annotations

import re

import pytest

from zhonghe.footprints.tests.builders import event_fields, refused
from zhonghe.lib.errors import ValidationFailed
from zhonghe.lib.text import LINE_PATTERN, TEXT_PATTERN, bad_character, clean_text, find_bad_text

CONTROL = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\x9f", "\ud800"]


@pytest.mark.parametrize("char", CONTROL, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("multiline", [False, True], ids=["line", "text"])
def test_control_characters_are_refused_everywhere(char, multiline):
    assert bad_character(f"会议{char}名称", multiline=multiline) == char
    with pytest.raises(ValidationFailed) as info:
        clean_text(f"a{char}", field="name", multiline=multiline)
    assert set(info.value.fields) == {"name"} and f"U+{ord(char):04X}" in info.value.fields["name"]


@pytest.mark.parametrize("char", ["\t", "\n", "\r"], ids=["tab", "lf", "cr"])
def test_tab_and_newlines_only_in_multiline_fields(char):
    assert bad_character(f"第一行{char}第二行", multiline=True) is None
    assert bad_character(f"第一行{char}第二行", multiline=False) == char


def test_ordinary_text_passes():
    for text in ["", "2026年重庆市绿色低碳发展论坛", "Zhonghe · 中和 ✓ €", "emoji 🌱", "\u3000全角空格"]:
        assert clean_text(text, field="name") == text


@pytest.mark.parametrize("char", CONTROL[:-1] + ["\t", "\n"], ids=lambda c: f"U+{ord(c):04X}")
def test_the_documented_patterns_state_the_same_rule(char):
    # ECMA "\uXXXX" escapes mean the same in Python's re module.
    line, text = re.compile(LINE_PATTERN), re.compile(TEXT_PATTERN)
    assert (line.match(f"a{char}b") is None) == (bad_character(f"a{char}b", multiline=False) is not None)
    assert (text.match(f"a{char}b") is None) == (bad_character(f"a{char}b", multiline=True) is not None)


def test_find_bad_text_names_the_nested_field():
    assert find_bad_text({"name": "ok", "items": [{"note": "a\nb"}, {"unit": "k\x00g"}]}) == (
        "items.1.unit",
        "不能包含控制字符（U+0000）",
    )
    assert find_bad_text({"boundary": "第一行\n第二行", "tags": ["a", "b"]}) is None
    assert find_bad_text({"name": "会\n议"})[0] == "name"  # a single-line field


def test_the_model_guard_refuses_before_anything_is_saved(actors):
    from zhonghe.events.services import event_create

    error = refused(
        ValidationFailed,
        "validation_failed",
        event_create,
        actor=actors.organiser,
        **event_fields(venue_address="渝中区\x07解放碑"),
    )
    assert "venue_address" in error.fields
