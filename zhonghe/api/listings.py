"""Listings (挂牌): what sellers offer, at what price, until when; the seller's own listings and sales."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, StrictInt

from zhonghe.api.auth import actor_of
from zhonghe.api.schemas import decimal_in, decimal_out, responses
from zhonghe.registry import listings as listing_services
from zhonghe.registry import selectors as registry_selectors

router = Router(tags=["listings"])

PriceCny = decimal_out(2)
PriceIn = decimal_in(max_digits=10, decimal_places=2)


class ListingOut(Schema):
    code: UUID
    project_code: str = Field(alias="project.code")
    project_name: str = Field(alias="project.name")
    credit_type: str = Field(alias="project.credit_type")
    vintage: int = Field(alias="project.vintage")
    seller_name: str = Field(alias="seller.name")
    listing_type: str
    status: str
    quantity_t: int
    reserved_t: int
    sold_t: int
    remaining_t: int
    unit_price_cny: PriceCny
    valid_until: date
    created_at: datetime


class ListingTerms(Schema):
    quantity_t: StrictInt
    unit_price_cny: PriceIn
    valid_until: date


class ListingIn(ListingTerms):
    project_code: str = Field(max_length=40)
    listing_type: str = Field(max_length=20)


class SalesOut(Schema):
    project_code: str
    project_name: str
    sold_t: int
    revenue_cny: PriceCny
    reserved_t: int
    orders: dict[str, int]


@router.get("/listings", response=responses(200, list[ListingOut]), summary="Listings on offer now")
def list_listings(request: HttpRequest):
    actor_of(request)
    return registry_selectors.listings_on_offer()


@router.get("/listings/mine", response=responses(200, list[ListingOut]), summary="The seller's own listings")
def my_listings(request: HttpRequest):
    return registry_selectors.listings_for_seller(actor_of(request).organization)


@router.post("/listings", response=responses(201, ListingOut), summary="Offer part of the seller's stock")
def create_listing(request: HttpRequest, payload: ListingIn):
    return Status(201, listing_services.listing_create(actor=actor_of(request), **payload.dict()))


@router.get("/listings/{code}", response=responses(200, ListingOut), summary="One of the seller's listings")
def get_listing(request: HttpRequest, code: str):
    return registry_selectors.listing_for_seller(actor_of(request).organization, code)


@router.put("/listings/{code}", response=responses(200, ListingOut), summary="Change quantity, price, validity")
def update_listing(request: HttpRequest, code: str, payload: ListingTerms):
    return listing_services.listing_update(actor=actor_of(request), listing_code=code, **payload.dict())


@router.post("/listings/{code}/withdraw", response=responses(200, ListingOut), summary="Close to new orders")
def withdraw_listing(request: HttpRequest, code: str):
    return listing_services.listing_withdraw(actor=actor_of(request), listing_code=code)


@router.get("/sales", response=responses(200, list[SalesOut]), summary="The seller's sales figures per project")
def sales(request: HttpRequest):
    return registry_selectors.sales_for_seller(actor_of(request).organization)
