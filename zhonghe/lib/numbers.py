"""One number format for pages, PDFs and workbooks: format_number(value, kind) and its Excel twin.

Kinds: "t" (tonnes CO₂e, 3 decimals), "credits" (credit quantities in whole tonnes: 0 decimals, "1,234"),
"kg" (1 decimal), "cny" (money, 2 decimals), or a count of decimals ("0", "2", …). Credits are issued,
sold, retired and cancelled in integer tonnes and required_offset_t is the emissions rounded up to whole
tonnes, so they read "12 吨", never "12.000 吨"; emissions keep "t". Thousands are grouped with "," in
both languages (as Chinese official documents do), the value is rounded half up as the engine rounds, and
Decimal throughout: a float is read through its shortest text, never its binary value. The unit is not
added; callers write it after the number. None or "" renders as "—"; text that is not a number is shown
unchanged.

Excel cells stay numbers and carry the same format as a number_format: `xlsx_format("t")` is "#,##0.000",
`xlsx_format("credits")` "#,##0" (XLSX_FORMATS holds the named kinds). CSV files are for machines and are
never grouped. Django-free, so the certificate PDF (certificates/pdf.py) can use it; templates use the
`number` filter (web/templatetags/zhonghe_numbers.py).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PLACES = {"t": 3, "credits": 0, "kg": 1, "cny": 2}
EMPTY = "—"
XLSX_FORMATS = {"t": "#,##0.000", "credits": "#,##0", "kg": "#,##0.0", "cny": "#,##0.00", "0": "#,##0"}


def places_of(kind: str) -> int:
    """Decimals of a kind: "t" 3, "credits" 0, "kg" 1, "cny" 2, or the digit count itself ("0", "2", …)."""
    return PLACES[kind] if kind in PLACES else int(kind)


def xlsx_format(kind: str) -> str:
    """The openpyxl number_format that shows a cell as format_number(value, kind) does."""
    if kind in XLSX_FORMATS:
        return XLSX_FORMATS[kind]
    places = places_of(kind)
    return "#,##0." + "0" * places if places else "#,##0"


def format_number(value: object, kind: str = "t") -> str:
    if value is None or value == "":
        return EMPTY
    places = places_of(kind)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = abs(rounded)  # no "-0.000"
    return f"{rounded:,.{places}f}"
