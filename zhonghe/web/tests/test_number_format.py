"""The shared number filter: tonnes 3 decimals, credits whole tonnes, kg 1, money 2, thousands grouped, half up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from zhonghe.web.templatetags.zhonghe_numbers import XLSX_FORMATS, format_number, xlsx_format


@pytest.mark.parametrize(
    "value,kind,expected",
    [
        (Decimal("0.3000"), "t", "0.300"),  # the "0.3000 t" vs "0.300 t" of issue 11: one format
        (Decimal("0.3"), "t", "0.300"),
        (Decimal("1234567.8915"), "t", "1,234,567.892"),  # half up
        (Decimal("1234567.8914"), "t", "1,234,567.891"),
        (Decimal("0.0005"), "t", "0.001"),
        (Decimal("-0.0004"), "t", "0.000"),  # no negative zero
        (Decimal("-12345.6785"), "t", "-12,345.679"),
        (12, "t", "12.000"),
        ("1234.5", "t", "1,234.500"),
        ("1,234.5", "t", "1,234.500"),  # an already grouped text is read back
        (12, "credits", "12"),  # whole-tonne credits: "还需注销 12 吨", not "12.000 吨"
        (1234567, "credits", "1,234,567"),
        (Decimal("500"), "credits", "500"),
        (Decimal("500.000"), "credits", "500"),  # a Decimal sum of integer quantities keeps no decimals
        ("1,234", "credits", "1,234"),
        (Decimal("12.5"), "credits", "13"),  # half up, as every kind
        (None, "credits", "—"),
        (Decimal("98765.45"), "kg", "98,765.5"),
        (Decimal("98765.449"), "kg", "98,765.4"),
        (Decimal("1000"), "kg", "1,000.0"),
        (Decimal("2500000"), "cny", "2,500,000.00"),
        (Decimal("19.995"), "cny", "20.00"),
        (Decimal("999.994"), "cny", "999.99"),
        (Decimal("1234.5"), "0", "1,235"),
        (0.1 + 0.2, "t", "0.300"),  # a float through its text (0.30000000000000004), not its binary value
        (None, "t", "—"),
        ("", "kg", "—"),
        ("n/a", "t", "n/a"),
        ("NaN", "t", "NaN"),
    ],
)
def test_format_number(value, kind, expected):
    assert format_number(value, kind) == expected


def test_grouping_is_the_same_in_both_languages():
    template = Template(
        '{% load zhonghe_numbers %}{{ t|number:"t" }} t · {{ kg|number:"kg" }} kg · {{ m|number:"cny" }}'
    )
    context = Context({"t": Decimal("12345.6789"), "kg": Decimal("1234567.25"), "m": Decimal("1000000")})
    rendered = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            rendered[language] = template.render(context)
    assert rendered["zh-hans"] == rendered["en"] == "12,345.679 t · 1,234,567.3 kg · 1,000,000.00"


def test_the_credits_filter_shows_whole_tonnes():
    template = Template('{% load zhonghe_numbers %}还需注销 {{ n|number:"credits" }} 吨 · {{ e|number:"t" }} tCO₂e')
    rendered = template.render(Context({"n": 12, "e": Decimal("11.2")}))
    assert rendered == "还需注销 12 吨 · 11.200 tCO₂e"


def test_the_default_kind_is_tonnes():
    assert Template("{% load zhonghe_numbers %}{{ v|number }}").render(Context({"v": Decimal("1.5")})) == "1.500"


def test_an_unknown_kind_is_an_error_not_a_silent_format():
    with pytest.raises(ValueError):
        format_number(Decimal("1"), "tonnes")


@pytest.mark.parametrize(
    "kind,expected",
    [
        ("t", "#,##0.000"),
        ("credits", "#,##0"),
        ("kg", "#,##0.0"),
        ("cny", "#,##0.00"),
        ("0", "#,##0"),
        ("4", "#,##0.0000"),
    ],
)
def test_the_excel_number_format_of_each_kind(kind, expected):
    assert xlsx_format(kind) == expected
    assert XLSX_FORMATS.get(kind, expected) == expected


def test_the_excel_format_shows_as_many_decimals_as_the_page():
    for kind in ("t", "credits", "kg", "cny", "0", "2"):
        decimals = xlsx_format(kind).partition(".")[2]
        assert len(decimals) == len(format_number(Decimal("1234.5"), kind).partition(".")[2])


def test_the_format_is_django_free_so_the_certificate_pdf_stays_so():
    import subprocess
    import sys

    code = (
        "import sys, zhonghe.lib.numbers, zhonghe.certificates.pdf, zhonghe.certificates.declaration_pdf;"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'Django imported'"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
