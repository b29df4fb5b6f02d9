"""Cited values: every number of a zhonghe-method/2 release that is not an emission factor.

Multipliers, uplifts, densities, occupancies, GWPs, grid-region choices, data-quality tiers and rail
line lengths each carry their own citation, in Chinese (``source``) and English (``source_en``), the
document number or dataset id (``doc_no``) and the year. ``parse_cited`` refuses a value without
one, naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import InvalidRelease

_CITED_FIELDS = {"value", "unit", "source", "source_en", "doc_no", "year", "url", "note", "uncertainty_pct"}


@dataclass(frozen=True)
class CitedValue:
    """A number with its unit and citation; ``uncertainty_pct`` is the 95 % half-width in %."""

    value: Decimal
    unit: str
    source: str
    source_en: str
    doc_no: str
    year: int
    url: str = ""
    note: str = ""
    uncertainty_pct: Decimal | None = None


def _number(raw: object, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise InvalidRelease(f"{where}: must be a number or a numeric string, got {raw!r}")
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        raise InvalidRelease(f"{where}: is not a number: {raw!r}") from None
    if not number.is_finite():
        raise InvalidRelease(f"{where}: must be finite, got {raw!r}")
    return number


def parse_number(raw: object, where: str) -> Decimal:
    """``Decimal(str(raw))`` for a JSON number or numeric string; ``InvalidRelease`` otherwise."""
    return _number(raw, where)


def parse_cited(data: object, where: str, *, minimum: Decimal | None = Decimal(0)) -> CitedValue:
    """Build a ``CitedValue`` from a release-file object; every citation field is required."""
    if not isinstance(data, Mapping):
        raise InvalidRelease(f"{where}: expected an object with value and citation, got {type(data).__name__}")
    unknown = sorted(set(data) - _CITED_FIELDS)
    if unknown:
        raise InvalidRelease(f"{where}: unknown field(s) {', '.join(unknown)}")
    for name in ("unit", "source", "source_en", "doc_no"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise InvalidRelease(f"{where}: {name} must be a non-empty string (every value is cited)")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 1950 <= year <= 2100:
        raise InvalidRelease(f"{where}: year must be a whole year, got {year!r}")
    value = _number(data.get("value"), f"{where}: value")
    if minimum is not None and value < minimum:
        raise InvalidRelease(f"{where}: value must be at least {minimum}, got {value}")
    uncertainty = data.get("uncertainty_pct")
    return CitedValue(
        value=value,
        unit=data["unit"],
        source=data["source"],
        source_en=data["source_en"],
        doc_no=data["doc_no"],
        year=year,
        url=_optional_text(data, "url", where),
        note=_optional_text(data, "note", where),
        uncertainty_pct=None if uncertainty is None else _percent(uncertainty, f"{where}: uncertainty_pct"),
    )


def _optional_text(data: Mapping[str, Any], name: str, where: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise InvalidRelease(f"{where}: {name} must be a string")
    return value


def _percent(raw: object, where: str) -> Decimal:
    number = _number(raw, where)
    if not Decimal(0) <= number <= Decimal(1000):
        raise InvalidRelease(f"{where}: must be between 0 and 1000 %, got {number}")
    return number


def parse_percent(raw: object, where: str) -> Decimal:
    """An uncertainty in % (0–1000)."""
    return _percent(raw, where)
