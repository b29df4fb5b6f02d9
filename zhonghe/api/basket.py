"""Offset basket for an event's frozen inventory: proposal in the plan's order, check an edit, order in one step."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja import Header, Query, Router, Schema
from pydantic import Field, StrictInt

from zhonghe.api.auth import actor_of
from zhonghe.api.market import OrderOut
from zhonghe.api.schemas import created_or_replayed, created_responses, decimal_out, responses
from zhonghe.registry import basket

router = Router(tags=["basket"])

Cny = decimal_out(2)


class BasketLineOut(Schema):
    listing_code: UUID
    project_code: str
    project_name: str
    credit_type: str
    vintage: int
    seller_name: str
    tier: int
    quantity_t: int
    unit_price_cny: Cny
    total_cny: Cny
    reasons: list[str]

    @staticmethod
    def resolve_listing_code(obj: dict) -> UUID:
        return obj["listing"].code

    @staticmethod
    def resolve_project_code(obj: dict) -> str:
        return obj["listing"].project.code

    @staticmethod
    def resolve_project_name(obj: dict) -> str:
        return obj["listing"].project.name

    @staticmethod
    def resolve_credit_type(obj: dict) -> str:
        return obj["listing"].project.credit_type

    @staticmethod
    def resolve_vintage(obj: dict) -> int:
        return obj["listing"].project.vintage

    @staticmethod
    def resolve_seller_name(obj: dict) -> str:
        return obj["listing"].seller.name

    @staticmethod
    def resolve_unit_price_cny(obj: dict):
        return obj["listing"].unit_price_cny


class BasketOut(Schema):
    required_t: int
    buffer_pct: str
    target_t: int
    retired_t: int
    need_t: int
    shortfall_t: int
    total_cny: Cny
    lines: list[BasketLineOut]

    @staticmethod
    def resolve_buffer_pct(obj: dict) -> str:
        return str(obj["buffer_pct"])


class BufferQuery(Schema):
    buffer_pct: str = Field("0", max_length=10)


class LineIn(Schema):
    listing_code: str = Field(max_length=60)
    quantity_t: StrictInt


class LinesIn(Schema):
    lines: list[LineIn] = Field(max_length=200)


class WarningsOut(Schema):
    warnings: list[str]


class BasketOrdersOut(Schema):
    orders: list[OrderOut]
    warnings: list[str]


@router.get("/events/{code}/basket", response=responses(200, BasketOut), summary="Proposed offset basket")
def get_basket(request: HttpRequest, code: str, query: Query[BufferQuery]):
    """Required offset (+ `buffer_pct`, rounded up) less tonnes already retired, from the listings on offer in
    the plan's order; each line says why it is where it is."""
    return basket.basket_for_event(actor_of(request), code, buffer_pct=query.buffer_pct)


@router.post("/events/{code}/basket/check", response=responses(200, WarningsOut), summary="Check an edited basket")
def check_basket(request: HttpRequest, code: str, payload: LinesIn):
    actor = actor_of(request)
    basket.basket_for_event(actor, code)  # the event must be the caller's and frozen
    return {"warnings": basket.basket_deviations(actor, [line.dict() for line in payload.lines])}


@router.post("/events/{code}/basket/orders", response=created_responses(BasketOrdersOut), summary="Order a basket")
def order_basket(
    request: HttpRequest,
    code: str,
    payload: LinesIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=80),
):
    """One order per listing, all or none; `warnings` say where the basket left the plan's order."""
    actor = actor_of(request)
    lines = [line.dict() for line in payload.lines]

    def create() -> dict:
        warnings = basket.basket_deviations(actor, lines)
        orders = basket.basket_order(actor=actor, event_code=code, lines=lines, idempotency_key=idempotency_key)
        return {"orders": orders, "warnings": warnings}

    return created_or_replayed(actor.organization, idempotency_key, create)
