"""Cell values → typed values, or the code of the reason they cannot be (pure).

Every function returns ``(value, None)`` or ``(None, (code, detail))`` instead of raising, so one row
can report all of its bad cells. Excel numbers arrive as floats: they become Decimal through
``repr`` (the shortest text that round-trips), so 0.1 stays 0.1 and never 0.1000000000000000055….
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from .columns import norm
from .reading import Formula

Problem = tuple[str, str]  # (error code, detail for the message)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def cell_text(value: object) -> str:
    """The text a person sees in the cell ("" for empty); floats without binary noise."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def to_decimal(value: object) -> tuple[Decimal | None, Problem | None]:
    if isinstance(value, bool) or isinstance(value, datetime | date | time):
        return None, ("not_a_number", "")
    if isinstance(value, int):
        return Decimal(value), None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None, ("not_a_number", "")
        number = Decimal(repr(value))
    else:
        text = cell_text(value)
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None, ("not_a_number", "")
        if not number.is_finite():
            return None, ("not_a_number", "")
    if number < 0:
        return None, ("negative_number", "")
    return number, None


def to_bounded(value: object, minimum: Decimal, maximum: Decimal) -> tuple[Decimal | None, Problem | None]:
    number, problem = to_decimal(value)
    if number is not None and not minimum <= number <= maximum:
        return None, ("out_of_range", f"{minimum}–{maximum}")
    return number, problem


def to_count(value: object, maximum: int) -> tuple[int | None, Problem | None]:
    """A whole number 1 ≤ n ≤ maximum (Excel's 3.0 counts as 3)."""
    number, problem = to_decimal(value)
    if number is None:
        return None, problem
    if number != number.to_integral_value():
        return None, ("not_a_whole_number", "")
    if not 1 <= number <= maximum:
        return None, ("out_of_range", f"1–{maximum:,}")
    return int(number), None


def to_word(value: object, vocabulary: dict[str, str], code: str, detail: str) -> tuple[str | None, Problem | None]:
    found = vocabulary.get(norm(cell_text(value)))
    return (found, None) if found is not None else (None, (code, detail))


def to_bool(value: object, vocabulary: dict[str, bool], detail: str) -> tuple[bool | None, Problem | None]:
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value), None
    found = vocabulary.get(norm(cell_text(value)))
    return (found, None) if found is not None else (None, ("unknown_value", detail))
