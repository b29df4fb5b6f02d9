"""One number format for every page: `{% load zhonghe_numbers %}` then `{{ value|number:"t" }}`
(emissions) or `{{ quantity_t|number:"credits" }}` (credits).

The format itself (kinds "t" for tonnes CO₂e, "credits" for credit quantities in whole tonnes, "kg", "cny"
or a digit count; grouping, half-up rounding, Decimal) and its Excel number_format live in
zhonghe/lib/numbers.py, which Python code (PDFs, workbooks, messages) imports directly; this module re-exports
them for callers that import from here.
"""

from __future__ import annotations

from django import template

from zhonghe.lib.numbers import EMPTY, PLACES, XLSX_FORMATS, format_number, places_of, xlsx_format

__all__ = ["EMPTY", "PLACES", "XLSX_FORMATS", "format_number", "number_filter", "places_of", "xlsx_format"]

register = template.Library()


@register.filter(name="number")
def number_filter(value: object, kind: str = "t") -> str:
    return format_number(value, str(kind))
