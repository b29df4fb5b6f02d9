"""Events: create, read, submit (obligation + deadline), plan text/estimate/publish, withdraw, log."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from ninja import Header, Router, Schema
from pydantic import Field, StrictBool, StrictInt

from zhonghe.api.auth import actor_of
from zhonghe.api.footprint_schemas import InventorySummary, PlanOut, PlanSummary
from zhonghe.api.schemas import NoteIn, created_or_replayed, created_responses, decimal_in, decimal_out, responses
from zhonghe.data.districts import all_districts
from zhonghe.events import services as event_services
from zhonghe.events import workflow
from zhonghe.events.models import Event, EventKind, GridChoice
from zhonghe.events.selectors import event_get, event_list_for_actor, transitions_for_event
from zhonghe.footprints import services as footprint_services
from zhonghe.footprints.selectors import inventory_latest
from zhonghe.plans.services import plan_publish_checked

router = Router(tags=["events"])

AreaM2, AreaM2Out = decimal_in(max_digits=12, decimal_places=2), decimal_out(2)
KINDS = {"enum": list(EventKind.values)}
DISTRICTS = {"enum": [d.adcode for d in all_districts()]}


class EventIn(Schema):
    # The document states the service's checks (events/services.py): enum, range, window.
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(description="meeting, forum, sports, exhibition or performance", json_schema_extra=KINDS)
    meeting_class: StrictInt | None = Field(None, ge=1, le=4)
    chengyu_meeting: StrictBool = False
    expected_participants: StrictInt = Field(ge=1, le=event_services.MAX_PARTICIPANTS)
    area_m2: AreaM2 | None = None
    venue_district: str = Field(description="Chongqing district adcode, e.g. 500103", json_schema_extra=DISTRICTS)
    venue_address: str = Field("", max_length=300)
    grid: str = Field(
        "provincial",
        description="grid factor of the event's electricity: provincial (the venue's province), national or regional",
        json_schema_extra={"enum": list(GridChoice.values)},
    )
    start_date: date = Field(description=f"from {event_services.EARLIEST_DATE.isoformat()}")
    end_date: date = Field(description=f"until {event_services.LATEST_DATE.isoformat()}, not before start_date")


class OrganizationRef(Schema):
    code: UUID
    name: str


class EventOut(Schema):
    code: UUID
    name: str
    kind: str
    meeting_class: int | None
    chengyu_meeting: bool
    expected_participants: int
    area_m2: AreaM2Out | None
    venue_district: str
    venue_address: str
    grid: str
    start_date: date
    end_date: date
    status: str
    obliged: bool | None
    deadline: date | None
    organization: OrganizationRef


class EventDetail(EventOut):
    jurisdiction: str
    obligation_rule: str
    obligation_reason: str
    obligation_reason_en: str
    submitted_at: datetime | None
    allowed_actions: list[str]
    plan: PlanSummary | None
    latest_inventory: InventorySummary | None
    retired_t: int

    @staticmethod
    def resolve_allowed_actions(obj: Event) -> list[str]:
        return workflow.allowed_actions(obj.status)

    @staticmethod
    def resolve_plan(obj: Event) -> object:
        try:
            return obj.plan
        except ObjectDoesNotExist:
            return None

    @staticmethod
    def resolve_latest_inventory(obj: Event) -> object:
        return inventory_latest(obj)


class PlanIn(Schema):
    boundary: str = Field(min_length=1, max_length=20000)
    reduction_measures: str = Field("", max_length=20000)
    offset_plan: str = Field("", max_length=20000)


class TransitionOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str | None
    note: str
    at: datetime

    @staticmethod
    def resolve_actor(obj: object) -> str | None:
        user = getattr(obj, "actor", None)
        return user.username if user is not None else None


@router.get("/events", response=list[EventOut], summary="Events visible to the key's organisation")
def list_events(request: HttpRequest):
    return event_list_for_actor(actor_of(request))


@router.post("/events", response=created_responses(EventDetail), summary="Create a draft event")
def create_event(
    request: HttpRequest, payload: EventIn, idempotency_key: str = Header("", alias="Idempotency-Key", max_length=80)
):
    """A repeated `Idempotency-Key` returns the first event with 200 (409 if the body differs)."""
    actor = actor_of(request)
    return created_or_replayed(
        actor.organization,
        idempotency_key,
        lambda: event_services.event_create(actor=actor, idempotency_key=idempotency_key, **payload.dict()),
    )


@router.get("/events/{code}", response=responses(200, EventDetail))
def get_event(request: HttpRequest, code: str):
    return event_get(actor_of(request), code)


@router.put("/events/{code}", response=responses(200, EventDetail), summary="Replace a draft event's details")
def update_event(request: HttpRequest, code: str, payload: EventIn):
    return event_services.event_update(actor=actor_of(request), code=code, **payload.dict())


@router.post("/events/{code}/submit", response=responses(200, EventDetail), summary="Apply (obligation check)")
def submit_event(request: HttpRequest, code: str):
    return event_services.event_submit(actor=actor_of(request), code=code)


@router.put("/events/{code}/plan", response=responses(200, PlanOut), summary="Write the plan's text")
def save_plan(request: HttpRequest, code: str, payload: PlanIn):
    return event_services.plan_save(actor=actor_of(request), code=code, **payload.dict())


@router.post("/events/{code}/plan/estimate", response=responses(200, PlanOut), summary="Ex-ante estimate")
def estimate_plan(request: HttpRequest, code: str):
    return footprint_services.plan_estimate(actor=actor_of(request), code=code)


@router.post("/events/{code}/plan/publish", response=responses(200, EventDetail))
def publish_plan(request: HttpRequest, code: str):
    return plan_publish_checked(actor=actor_of(request), code=code)  # refuses stale reduction measures too


@router.post("/events/{code}/withdraw", response=responses(200, EventDetail))
def withdraw_event(request: HttpRequest, code: str, payload: NoteIn | None = None):
    note = payload.note if payload else ""
    return event_services.event_withdraw(actor=actor_of(request), code=code, note=note)


@router.get("/events/{code}/transitions", response=responses(200, list[TransitionOut]), summary="Status log")
def list_transitions(request: HttpRequest, code: str):
    return transitions_for_event(event_get(actor_of(request), code))
