"""The credit market: project catalogue, the organisation's holdings, orders and their decisions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Header, Router, Schema, Status
from pydantic import Field, StrictInt

from zhonghe.api.auth import actor_of
from zhonghe.api.schemas import NoteIn, decimal_out, responses
from zhonghe.registry import listings as listing_services
from zhonghe.registry import selectors as registry_selectors
from zhonghe.registry import services as registry_services
from zhonghe.registry.models import LedgerEntry, Order

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


class HistoryOut(Schema):
    # Sealed entries only have a seq (seal after commit, docs/registry.md); the handler seals first, so null is
    # seen only for a move committed in the instant between that seal and the read.
    seq: int | None = Field(description="the entry's place in the ledger chain; null while pending (not sealed)")
    kind: str
    project_code: str = Field(alias="project.code")
    serial_first: int
    serial_last: int
    quantity_t: int
    from_org: str | None
    to_org: str | None
    reference: str
    at: datetime

    @staticmethod
    def resolve_from_org(obj: LedgerEntry) -> str | None:
        return obj.from_org.name if obj.from_org_id else None

    @staticmethod
    def resolve_to_org(obj: LedgerEntry) -> str | None:
        return obj.to_org.name if obj.to_org_id else None


class OrderIn(Schema):
    project_code: str = Field("", max_length=40)
    listing_code: str | None = Field(None, max_length=60)
    quantity_t: StrictInt = Field(ge=1, le=registry_services.MAX_QUANTITY_T)
    event_code: str | None = Field(None, max_length=60)


class OrderOut(Schema):
    code: UUID
    status: str
    project_code: str = Field(alias="project.code")
    listing_code: UUID | None
    quantity_t: int
    unit_price_cny: PriceCny | None
    total_cny: PriceCny | None
    expires_at: datetime | None
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

    @staticmethod
    def resolve_listing_code(obj: Order) -> UUID | None:
        return obj.listing.code if obj.listing_id else None


@router.get("/projects", response=responses(200, list[ProjectOut]), summary="Catalogue in the plan's order")
def list_projects(request: HttpRequest):
    return registry_selectors.project_catalogue()


@router.get("/holdings", response=responses(200, list[HoldingOut]), summary="Active units held, per project")
def list_holdings(request: HttpRequest):
    return registry_selectors.holdings_for_org(actor_of(request).organization)


@router.get("/holdings/history", response=responses(200, list[HistoryOut]), summary="Ledger moves, newest first")
def holdings_history(request: HttpRequest):
    registry_services.ledger_seal_all()  # committed moves get their seq first (its own short transaction)
    return registry_selectors.holdings_history_for_org(actor_of(request).organization)


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


@router.post("/orders/{code}/reject", response=responses(200, OrderOut), summary="Seller declines (note required)")
def reject_order(request: HttpRequest, code: str, payload: NoteIn | None = None):
    """Releases a listing order's reserved tonnes. `note` (the reason) is required."""
    note = payload.note if payload else ""
    return registry_services.order_reject(actor=actor_of(request), order_code=code, note=note)


@router.post("/orders/{code}/cancel", response=responses(200, OrderOut), summary="Buyer cancels a pending order")
def cancel_order(request: HttpRequest, code: str):
    return listing_services.order_cancel(actor=actor_of(request), order_code=code)
