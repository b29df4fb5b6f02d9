"""The credit market: project catalogue, the organisation's holdings, orders and their decisions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Header, Router, Schema, Status
from pydantic import Field, StrictInt

from zhonghe.api.auth import actor_of
from zhonghe.api.schemas import NoteIn, decimal_out, responses
from zhonghe.registry import selectors as registry_selectors
from zhonghe.registry import services as registry_services
from zhonghe.registry.models import Order

router = Router(tags=["market"])

PriceCny = decimal_out(2)


class ProjectOut(Schema):
    code: str
    name: str
    credit_type: str
    product_category: str
    methodology_code: str
    origin_tags: list[str]
    district_code: str
    vintage: int
    seller_name: str = Field(alias="seller.name")
    unit_price_cny: PriceCny | None
    available_t: int


class HoldingOut(Schema):
    project_code: str = Field(alias="project__code")
    project_name: str = Field(alias="project__name")
    credit_type: str = Field(alias="project__credit_type")
    vintage: int = Field(alias="project__vintage")
    quantity_t: int


class OrderIn(Schema):
    project_code: str = Field(max_length=40)
    quantity_t: StrictInt = Field(ge=1, le=registry_services.MAX_QUANTITY_T)
    event_code: str | None = Field(None, max_length=60)


class OrderOut(Schema):
    code: UUID
    status: str
    project_code: str = Field(alias="project.code")
    quantity_t: int
    buyer_name: str = Field(alias="buyer.name")
    seller_name: str = Field(alias="seller.name")
    event_code: UUID | None
    idempotency_key: str | None
    note: str
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_event_code(obj: Order) -> UUID | None:
        return obj.event.code if obj.event_id else None


@router.get("/projects", response=responses(200, list[ProjectOut]), summary="Catalogue in the plan's order")
def list_projects(request: HttpRequest):
    return registry_selectors.project_catalogue()


@router.get("/holdings", response=responses(200, list[HoldingOut]), summary="Active units held, per project")
def list_holdings(request: HttpRequest):
    return registry_selectors.holdings_for_org(actor_of(request).organization)


@router.get("/orders", response=responses(200, list[OrderOut]), summary="Orders as buyer or seller")
def list_orders(request: HttpRequest):
    return registry_selectors.orders_for_actor(actor_of(request))


@router.post("/orders", response={200: OrderOut, **responses(201, OrderOut)}, summary="Place an order")
def create_order(
    request: HttpRequest,
    payload: OrderIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=80),
):
    """A repeated `Idempotency-Key` returns the first order with 200 (409 if the body differs)."""
    actor = actor_of(request)
    key = idempotency_key.strip()
    replay = (
        bool(key)
        and registry_selectors.orders_for_actor(actor).filter(buyer=actor.organization, idempotency_key=key).exists()
    )
    order = registry_services.order_create(actor=actor, idempotency_key=key, **payload.dict())
    return Status(200 if replay else 201, order)


@router.post("/orders/{code}/confirm", response=responses(200, OrderOut), summary="Seller confirms")
def confirm_order(request: HttpRequest, code: str):
    return registry_services.order_confirm(actor=actor_of(request), order_code=code)


@router.post("/orders/{code}/reject", response=responses(200, OrderOut), summary="Seller rejects")
def reject_order(request: HttpRequest, code: str, payload: NoteIn | None = None):
    note = payload.note if payload else ""
    return registry_services.order_reject(actor=actor_of(request), order_code=code, note=note)
