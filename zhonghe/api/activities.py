"""Activity data of an event: BEFORE (estimate) and AFTER (actual) stages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Header, Router, Schema, Status
from pydantic import Field, StrictBool, StrictInt, StringConstraints

from zhonghe.api.auth import actor_of
from zhonghe.api.schemas import created_or_replayed, created_responses, decimal_in, decimal_out, responses
from zhonghe.events.selectors import activities_for_event, event_get
from zhonghe.footprints import services as footprint_services
from zhonghe.footprints.records import ROUND_TRIP_DEFAULT

router = Router(tags=["activities"])

Quantity = decimal_in(max_digits=20, decimal_places=4)
DistanceKm = decimal_in(max_digits=12, decimal_places=3)
Occupancy = decimal_in(max_digits=6, decimal_places=2)
GreenShare = decimal_in(max_digits=5, decimal_places=4)
QuantityOut, DistanceKmOut, OccupancyOut, GreenShareOut = decimal_out(4), decimal_out(3), decimal_out(2), decimal_out(4)
CertificateId = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]


class ActivityFields(Schema):
    """Non-travel rows give factor_key + quantity (+ unit); travel rows give travel_mode + person_trips
    and either distance_km or origin/destination (place_kind "airport" for IATA codes, else "city").
    Travel is a round trip unless `round_trip` is false (the same default as the page form)."""

    category: str = Field(description="electricity, heat, fuel, travel, lodging, meals, materials, waste, water")
    factor_key: str = Field("", max_length=60)
    quantity: Quantity | None = None
    unit: str = Field("", max_length=20, description="the factor's unit when empty; aliases such as 度, m³, 吨")
    description: str = Field("", max_length=200)
    phase: Literal["preparation", "holding", "closing"] = Field(
        "holding", description="筹备 preparation, 举办 holding (the event itself), 收尾 closing"
    )
    quality: Literal["metered", "invoiced", "surveyed", "estimated", "default"] = Field(
        "estimated", description="how the quantity was obtained; sets the line's uncertainty"
    )
    travel_mode: str = Field("", max_length=30)
    person_trips: StrictInt | None = Field(None, ge=1, le=10_000_000)
    distance_km: DistanceKm | None = None
    place_kind: Literal["airport", "city", ""] = ""
    origin: str = Field("", max_length=60)
    destination: str = Field("", max_length=60)
    round_trip: StrictBool = Field(ROUND_TRIP_DEFAULT, description="there and back (default true); a JSON boolean")
    cabin: Literal["economy", "premium_economy", "business", "first", ""] = Field("", description="flights only")
    fuel: Literal["petrol", "diesel", "electric", ""] = Field("", description="car and taxi only")
    occupancy: Occupancy | None = Field(None, description="persons per vehicle, 1–100; car, taxi and coach only")
    green_kwh: Quantity | None = Field(None, description="electricity only: kWh of green power, ≤ quantity")
    green_share: GreenShare | None = Field(None, description="electricity only: green share 0–1 (not with green_kwh)")
    green_certificates: list[CertificateId] = Field(
        default_factory=list, max_length=1000, description="electricity only: 绿证 ids, unique"
    )


class ActivityIn(ActivityFields):
    stage: Literal["before", "after"]


class ActivityOut(Schema):
    code: UUID
    stage: str
    category: str
    factor_key: str
    quantity: QuantityOut | None
    unit: str
    description: str
    phase: str
    quality: str
    travel_mode: str
    person_trips: int | None
    distance_km: DistanceKmOut | None
    place_kind: str
    origin: str
    destination: str
    round_trip: bool
    cabin: str
    fuel: str
    occupancy: OccupancyOut | None
    green_kwh: QuantityOut | None
    green_share: GreenShareOut | None
    green_certificates: list[str]
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
