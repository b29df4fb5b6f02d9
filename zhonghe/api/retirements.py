"""Retirements (注销) of held credits against an event's latest frozen inventory."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Header, Router, Schema
from pydantic import Field, StrictInt

from zhonghe.api.auth import actor_of
from zhonghe.api.schemas import created_or_replayed, created_responses, responses
from zhonghe.events.selectors import event_get
from zhonghe.registry import selectors as registry_selectors
from zhonghe.registry import services as registry_services
from zhonghe.registry.models import Retirement
from zhonghe.registry.serials import format_serial

router = Router(tags=["retirements"])


class RetirementIn(Schema):
    project_code: str = Field(max_length=40)
    quantity_t: StrictInt = Field(ge=1, le=registry_services.MAX_QUANTITY_T)
    reason: str = Field(min_length=1, max_length=2000)


class ProjectRef(Schema):
    code: str
    name: str
    credit_type: str
    vintage: int


class Beneficiary(Schema):
    name: str
    uscc: str


class RetirementOut(Schema):
    number: str
    project: ProjectRef
    serial_first: str
    serial_last: str
    quantity_t: int
    beneficiary: Beneficiary
    purpose: str
    reason: str
    at: datetime

    @staticmethod
    def resolve_project(obj: Retirement) -> object:
        return obj.block.project

    @staticmethod
    def resolve_serial_first(obj: Retirement) -> str:
        return format_serial(obj.block.project.code, obj.block.serial_first)

    @staticmethod
    def resolve_serial_last(obj: Retirement) -> str:
        return format_serial(obj.block.project.code, obj.block.serial_last)

    @staticmethod
    def resolve_beneficiary(obj: Retirement) -> dict[str, str]:
        return {"name": obj.beneficiary_name, "uscc": obj.beneficiary_uscc}


@router.post("/events/{code}/retirements", response=created_responses(list[RetirementOut]), summary="Retire credits")
def retire_credits(
    request: HttpRequest,
    code: str,
    payload: RetirementIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=80),
):
    """One retirement per block the units came from; the event becomes "offset" once enough is retired.

    A repeated `Idempotency-Key` returns the first call's retirements with 200 (409 if the body differs).
    """
    actor = actor_of(request)
    return created_or_replayed(
        actor.organization,
        idempotency_key,
        lambda: registry_services.credits_retire(
            actor=actor, event_code=code, idempotency_key=idempotency_key, **payload.dict()
        ),
    )


@router.get("/events/{code}/retirements", response=responses(200, list[RetirementOut]))
def list_retirements(request: HttpRequest, code: str):
    return registry_selectors.retirements_for_event(event_get(actor_of(request), code))
