"""Shared schema pieces: Decimals as strings both ways, the error envelope, response maps."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema, Status
from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

from zhonghe.interop.idempotency import was_carried_out


def _refuse_float(value: Any) -> Any:
    # A JSON number has already become a binary float here; only text keeps every digit.
    if isinstance(value, float):
        raise ValueError('send decimal numbers as strings, e.g. "12.5" / 小数请以字符串提交')
    if isinstance(value, bool):
        raise ValueError("not a number")
    return value


# Output: a Decimal rendered as its exact string ("12.500"), never a float.
DecimalStr = Annotated[Decimal, PlainSerializer(lambda v: str(v), return_type=str)]


def decimal_out(decimal_places: int) -> Any:
    """Output of a DecimalField column: always its column's places, so a fresh row reads as a stored one."""
    quantum = Decimal(1).scaleb(-decimal_places)
    return Annotated[Decimal, PlainSerializer(lambda v: str(v.quantize(quantum)), return_type=str)]


def decimal_in(*, max_digits: int, decimal_places: int) -> Any:
    """Input: a decimal string (or integer) that fits the column it is stored in."""
    return Annotated[
        Decimal,
        BeforeValidator(_refuse_float),
        Field(max_digits=max_digits, decimal_places=decimal_places, allow_inf_nan=False),
        WithJsonSchema(
            {
                "anyOf": [{"type": "string", "pattern": r"^\s*[+-]?\d+(\.\d+)?\s*$"}, {"type": "integer"}],
                "description": f"decimal as a string, at most {max_digits} digits and {decimal_places} places",
                "examples": ["12.5"],
            }
        ),
    ]


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, Any]


class ErrorOut(Schema):
    error: ErrorBody


ERROR_STATUSES = frozenset({400, 401, 403, 404, 409, 422})


def responses(status: int, schema: Any) -> dict[Any, Any]:
    """Response map for one success status plus the documented error envelope."""
    return {status: schema, ERROR_STATUSES: ErrorOut}


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


def created_responses(schema: Any) -> dict[Any, Any]:
    """201 for a new object; 200 when the same Idempotency-Key was already carried out (the first result)."""
    return {200: schema, **responses(201, schema)}


def created_or_replayed(organization: Any, key: str, create: Callable[[], Any]) -> Status:
    replayed = was_carried_out(organization, key)
    return Status(200 if replayed else 201, create())
