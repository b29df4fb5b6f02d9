"""Certificates: public list and detail (signed payload + signature), and issuing one for an event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Header, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from zhonghe.api.auth import actor_of
from zhonghe.api.certificate_cache import certificate_response
from zhonghe.api.events import EventDetail
from zhonghe.api.schemas import ErrorOut, created_or_replayed, created_responses, responses
from zhonghe.certificates import selectors as certificate_selectors
from zhonghe.certificates import services as certificate_services
from zhonghe.certificates.documents import successor_number
from zhonghe.certificates.models import Certificate
from zhonghe.certificates.payload import beijing_text

router = Router(tags=["certificates"])


class CertificateItem(Schema):
    number: str
    status: str
    event_name: str
    organiser_name: str
    total_t_co2e: str
    retired_t: int
    issued_at: datetime
    issued_at_beijing: str  # added with zhonghe.certificate/4: the same moment in Asia/Shanghai (UTC+8)
    verify_url: str

    @staticmethod
    def resolve_issued_at_beijing(obj: Certificate) -> str:
        return beijing_text(obj.issued_at)

    @staticmethod
    def resolve_event_name(obj: Certificate) -> str:
        return obj.payload["event"]["name"]

    @staticmethod
    def resolve_organiser_name(obj: Certificate) -> str:
        return obj.payload["organiser"]["name"]

    @staticmethod
    def resolve_total_t_co2e(obj: Certificate) -> str:
        return str(obj.payload["inventory"]["total_t_co2e"])

    @staticmethod
    def resolve_retired_t(obj: Certificate) -> int:
        return int(obj.payload["offsets"]["retired_t"])

    @staticmethod
    def resolve_verify_url(obj: Certificate) -> str:
        return certificate_services.verify_url(obj.number)


class CertificateDetail(Schema):
    """`signature` is base64 Ed25519 over payload_canonical's UTF-8 bytes, by the key `key_id` (GET /keys)."""

    number: str
    status: str
    payload: dict[str, Any]
    payload_canonical: str
    signature: str
    key_id: str
    verify_url: str
    pdf_url: str
    issued_at: datetime
    revoked_at: datetime | None
    revoke_reason: str
    # Added with zhonghe.certificate/4: Beijing time (Asia/Shanghai, UTC+8) beside each UTC time; the successor
    # of a superseded certificate and the predecessor a new one replaced (certificate numbers).
    issued_at_beijing: str
    revoked_at_beijing: str | None
    superseded_by: str | None
    superseded_at: datetime | None
    superseded_at_beijing: str | None
    supersedes: str | None

    @staticmethod
    def resolve_verify_url(obj: Certificate) -> str:
        return certificate_services.verify_url(obj.number)

    @staticmethod
    def resolve_issued_at_beijing(obj: Certificate) -> str:
        return beijing_text(obj.issued_at)

    @staticmethod
    def resolve_revoked_at_beijing(obj: Certificate) -> str | None:
        return beijing_text(obj.revoked_at)

    @staticmethod
    def resolve_superseded_by(obj: Certificate) -> str | None:
        return successor_number(obj)

    @staticmethod
    def resolve_superseded_at_beijing(obj: Certificate) -> str | None:
        return beijing_text(obj.superseded_at)

    @staticmethod
    def resolve_supersedes(obj: Certificate) -> str | None:
        return obj.payload.get("supersedes")

    @staticmethod
    def resolve_pdf_url(obj: Certificate) -> str:
        return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("certificates:pdf", args=[obj.number])


MAX_PAGE = 100_000  # 2 million certificates at 20 a page; beyond it is a 422, never a database overflow (500)
MAX_PAGE_SIZE = 100


class BoundedPages(PageNumberPagination):
    """ninja's page-number pagination with the bounds stated in the document (page ≤ MAX_PAGE)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)


@router.get(
    "/certificates",
    response={200: list[CertificateItem], 422: ErrorOut},
    auth=None,
    summary="Issued certificates (public); a page past the last is empty",
)
@paginate(BoundedPages, page_size=20, max_page_size=MAX_PAGE_SIZE)
def list_certificates(request: HttpRequest):
    return certificate_selectors.certificate_public_list()


@router.get("/certificates/{number}", response=responses(200, CertificateDetail), auth=None)
def get_certificate(request: HttpRequest, number: str):
    """Rendered once per certificate state (zhonghe/api/certificate_cache.py); ETag / If-None-Match → 304."""
    return certificate_response(request, number, CertificateDetail)


class RevokeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=certificate_services.REVOKE_REASON_MAX_CHARS)


@router.post(
    "/certificates/{number}/revoke",
    response=responses(200, CertificateDetail),
    summary="Revoke (bureau reviewer); the event returns to accounting",
)
def revoke_certificate(request: HttpRequest, number: str, payload: RevokeIn):
    return certificate_services.certificate_revoke(actor=actor_of(request), number=number, reason=payload.reason)


@router.post("/events/{code}/certificate", response=created_responses(CertificateDetail), summary="Issue")
def issue_certificate(
    request: HttpRequest, code: str, idempotency_key: str = Header("", alias="Idempotency-Key", max_length=80)
):
    """A repeated `Idempotency-Key` returns the certificate first issued with it, with 200: issued once."""
    actor = actor_of(request)
    return created_or_replayed(
        actor.organization,
        idempotency_key,
        lambda: certificate_services.certificate_issue(actor=actor, event_code=code, idempotency_key=idempotency_key),
    )


class CorrectionIn(Schema):
    reason: str = Field(..., min_length=1, max_length=certificate_services.REVOKE_REASON_MAX_CHARS)


@router.post(
    "/events/{code}/certificate/correction",
    response=responses(200, EventDetail),
    summary="Reopen a certified event's accounting to correct it; the certificate stays valid until superseded",
)
def open_correction(request: HttpRequest, code: str, payload: CorrectionIn):
    return certificate_services.certificate_correction_open(
        actor=actor_of(request), event_code=code, reason=payload.reason
    )
