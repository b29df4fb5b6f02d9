"""Activity data of an event: BEFORE (estimate) and AFTER (actual) stages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Header, Router, Schema, Status
from pydantic import Field, StrictBool, StrictInt

from zhonghe.api.auth import actor_of
from zhonghe.api.schemas import created_or_replayed, created_responses, decimal_in, decimal_out, responses
from zhonghe.events.selectors import activities_for_event, event_get
from zhonghe.footprints import services as footprint_services

router = Router(tags=["activities"])

Quantity = decimal_in(max_digits=20, decimal_places=4)
DistanceKm = decimal_in(max_digits=12, decimal_places=3)
QuantityOut, DistanceKmOut = decimal_out(4), decimal_out(3)


class ActivityIn(Schema):
    """Non-travel rows give factor_key + quantity (+ unit); travel rows give travel_mode + person_trips
    and either distance_km or origin/destination (place_kind "airport" for IATA codes, else "city")."""

    stage: Literal["before", "after"]
    category: str = Field(description="electricity, heat, fuel, travel, lodging, meals, materials, waste, water")
    factor_key: str = Field("", max_length=60)
    quantity: Quantity | None = None
    unit: str = Field("", max_length=20)
    description: str = Field("", max_length=200)
    travel_mode: str = Field("", max_length=30)
    person_trips: StrictInt | None = Field(None, ge=1, le=10_000_000)
    distance_km: DistanceKm | None = None
    place_kind: Literal["airport", "city", ""] = ""
    origin: str = Field("", max_length=60)
    destination: str = Field("", max_length=60)
    round_trip: StrictBool = False  # a JSON boolean, as documented (not 0/1)


class ActivityOut(Schema):
    code: UUID
    stage: str
    category: str
    factor_key: str
    quantity: QuantityOut | None
    unit: str
    description: str
    travel_mode: str
    person_trips: int | None
    distance_km: DistanceKmOut | None
    place_kind: str
    origin: str
    destination: str
    round_trip: bool
    created_at: datetime


@router.get("/events/{code}/activities", response=responses(200, list[ActivityOut]))
def list_activities(request: HttpRequest, code: str):
    return activities_for_event(event_get(actor_of(request), code))


@router.post("/events/{code}/activities", response=created_responses(ActivityOut), summary="Record activity data")
def add_activity(
    request: HttpRequest,
    code: str,
    payload: ActivityIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=80),
):
    """A repeated `Idempotency-Key` returns the first record with 200 (409 if the body differs)."""
    actor, fields = actor_of(request), payload.dict(exclude_none=True)
    return created_or_replayed(
        actor.organization,
        idempotency_key,
        lambda: footprint_services.activity_add(actor=actor, code=code, idempotency_key=idempotency_key, **fields),
    )


@router.delete("/events/{code}/activities/{activity_code}", response=responses(204, None))
def delete_activity(request: HttpRequest, code: str, activity_code: str):
    footprint_services.activity_delete(actor=actor_of(request), code=code, activity_code=activity_code)
    return Status(204, None)
