"""External cancellations (CCER, allowances cancelled in other registries), their review, the operator's
invalidations and the cross-platform claims list."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, StrictInt

from zhonghe.api.auth import actor_of
from zhonghe.api.schemas import NoteIn, responses
from zhonghe.events.selectors import event_get
from zhonghe.lib.errors import PermissionDenied, ValidationFailed
from zhonghe.registry import claims, external, invalidation
from zhonghe.registry import selectors as registry_selectors
from zhonghe.registry.models import ExternalRegistry

router = Router(tags=["external cancellations"])


class ExternalIn(Schema):
    registry: ExternalRegistry
    serial_first: int = Field(ge=1, le=external.MAX_EXTERNAL_SERIAL)
    serial_last: int = Field(ge=1, le=external.MAX_EXTERNAL_SERIAL)
    quantity_t: int = Field(ge=1, le=100_000_000)
    cancelled_on: dt.date
    proof_number: str = Field(min_length=1, max_length=80, description="the 注销证明 number")
    project_ref: str = Field("", max_length=80)
    beneficiary_name: str = Field("", max_length=200, description="default: the organiser")
    beneficiary_uscc: str = Field("", max_length=30)


class ExternalOut(Schema):
    code: str
    number: str
    event_code: str
    registry: str
    project_ref: str
    serial_first: int
    serial_last: int
    quantity_t: int
    cancelled_on: dt.date
    proof_number: str
    beneficiary_name: str
    beneficiary_uscc: str
    proof_sha256: str
    proof_size_bytes: int
    proof_content_type: str
    status: str
    review_note: str
    recorded_at: dt.datetime
    reviewed_at: dt.datetime | None

    @staticmethod
    def resolve_code(obj) -> str:
        return str(obj.code)

    @staticmethod
    def resolve_event_code(obj) -> str:
        return str(obj.event.code)


def _content(proof: UploadedFile) -> bytes:
    """The upload's bytes, read no further than one byte past the size limit."""
    content = proof.read(external.MAX_PROOF_BYTES + 1)
    if len(content) > external.MAX_PROOF_BYTES:
        raise ValidationFailed(_("注销证明文件不能超过10 MB"), fields={"proof": "too_large"})
    return content


@router.post(
    "/events/{code}/external-cancellations",
    response=responses(201, ExternalOut),
    summary="Record a cancellation made in another registry (multipart: fields + file `proof`)",
)
def record_external(request: HttpRequest, code: str, payload: Form[ExternalIn], proof: File[UploadedFile]):
    """Pending until the bureau or the registry operator confirms it; 409 `already_claimed` when the range
    overlaps, or the file equals, a live claim anywhere on the platform."""
    record = external.external_cancellation_record(
        actor=actor_of(request), event_code=code, proof=_content(proof), **payload.dict()
    )
    return Status(201, record)


@router.get("/events/{code}/external-cancellations", response=responses(200, list[ExternalOut]))
def list_external(request: HttpRequest, code: str):
    return registry_selectors.external_for_event(event_get(actor_of(request), code))


@router.get("/external-cancellations", response=responses(200, list[ExternalOut]))
def review_queue(request: HttpRequest, status: str = "pending"):
    """The bureau's (and the operator's) list of records in one status."""
    return registry_selectors.external_for_review(actor_of(request), status)


@router.post("/external-cancellations/{code}/confirm", response=responses(200, ExternalOut))
def confirm_external(request: HttpRequest, code: str):
    return external.external_cancellation_confirm(actor=actor_of(request), code=code)


@router.post("/external-cancellations/{code}/reject", response=responses(200, ExternalOut))
def reject_external(request: HttpRequest, code: str, payload: NoteIn):
    return external.external_cancellation_reject(actor=actor_of(request), code=code, note=payload.note)


class InvalidationIn(Schema):
    serial_first: StrictInt = Field(ge=1)
    serial_last: StrictInt = Field(ge=1)
    reason: str = Field(min_length=1, max_length=2000)


class InvalidationOut(Schema):
    number: str
    project_code: str
    serial_first: int
    serial_last: int
    quantity_t: int
    reason: str
    at: dt.datetime
    events_flagged: list[str]

    @staticmethod
    def resolve_project_code(obj) -> str:
        return obj.project.code

    @staticmethod
    def resolve_events_flagged(obj) -> list[str]:
        return sorted({str(i.event.code) for i in obj.impacts.select_related("event")})


@router.post("/projects/{code}/invalidations", response=responses(201, InvalidationOut))
def invalidate_credits(request: HttpRequest, code: str, payload: InvalidationIn):
    """The registry operator invalidates a serial range (a reversal; held credits freeze)."""
    return Status(201, invalidation.credits_invalidate(actor=actor_of(request), project_code=code, **payload.dict()))


class ImpactOut(Schema):
    invalidation: str
    retirement: str
    quantity_t: int
    certificate_number: str | None
    replaced_at: dt.datetime | None

    @staticmethod
    def resolve_invalidation(obj) -> str:
        return obj.invalidation.number

    @staticmethod
    def resolve_retirement(obj) -> str:
        return obj.retirement.number

    @staticmethod
    def resolve_certificate_number(obj) -> str | None:
        return obj.certificate.number if obj.certificate_id else None


@router.get("/events/{code}/invalidation-impacts", response=responses(200, list[ImpactOut]))
def list_impacts(request: HttpRequest, code: str):
    """Retired tonnes of the event that the operator invalidated since: replacement credits are needed, and the
    named certificate (if any) needs a top-up."""
    return registry_selectors.invalidation_impacts_for_event(event_get(actor_of(request), code))


class ClaimOut(Schema):
    registry: str
    batch: str
    serial_first: int
    serial_last: int
    quantity_t: int
    kind: str
    reference: str
    claimed_on: str


@router.get("/claims", response=responses(200, list[ClaimOut]), summary="Every claimed serial range (bureau)")
def list_claims(request: HttpRequest):
    """The same rows as `manage.py claims_export` (format zhonghe-claims/1, docs/registry.md)."""
    if not actor_of(request).has("reviewer"):
        raise PermissionDenied(_("只有生态环境局或登记机构可以查看"))
    return list(claims.our_claims())
