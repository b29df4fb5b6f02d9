"""Public identifiers: UUID codes. A malformed (forged) code is simply not found."""

from __future__ import annotations

import uuid

from zhonghe.lib.errors import NotFound


def parse_code(value: object, what: str = "object") -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError) as exc:
        raise NotFound(f"{what} not found") from exc
