"""Small validators shared by the release-file parsers: fields, texts, numbers and choices.

Each raises ``InvalidRelease`` naming where in the file the bad value is.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from .errors import InvalidRelease


def check_fields(data: object, allowed: set[str], optional: set[str], where: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidRelease(f"{where}: expected an object, got {type(data).__name__}")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidRelease(f"{where}: unknown field(s) {', '.join(unknown)}")
    missing = sorted(allowed - optional - set(data))
    if missing:
        raise InvalidRelease(f"{where}: missing field(s) {', '.join(missing)}")
    return data


def text(data: Mapping[str, Any], name: str, where: str, *, blank_ok: bool = False) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or (not blank_ok and not value.strip()):
        raise InvalidRelease(f"{where}: {name} must be a non-empty string")
    return value


def decimal(data: Mapping[str, Any], name: str, where: str) -> Decimal:
    raw = data.get(name)
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise InvalidRelease(f"{where}: {name} must be a number or a numeric string, got {raw!r}")
    try:
        # str() first: a float from a JSON parser becomes its shortest repr, i.e. the digits in the file.
        number = Decimal(str(raw))
    except InvalidOperation:
        raise InvalidRelease(f"{where}: {name} is not a number: {raw!r}") from None
    if not number.is_finite():
        raise InvalidRelease(f"{where}: {name} must be finite, got {raw!r}")
    return number


def choice(data: Mapping[str, Any], name: str, where: str, allowed: tuple[str, ...]) -> str:
    value = data.get(name)
    if value not in allowed:
        raise InvalidRelease(f"{where}: {name} must be one of {', '.join(allowed)}; got {value!r}")
    return cast(str, value)
