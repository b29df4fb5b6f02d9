"""Certificates: public list and detail (signed payload + signature), and issuing one for an event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from zhonghe.api.auth import actor_of
from zhonghe.api.schemas import ErrorOut, responses
from zhonghe.certificates import selectors as certificate_selectors
from zhonghe.certificates import services as certificate_services
from zhonghe.certificates.models import Certificate
from zhonghe.lib.errors import NotFound

router = Router(tags=["certificates"])


class CertificateItem(Schema):
    number: str
    status: str
    event_name: str
    organiser_name: str
    total_t_co2e: str
    retired_t: int
    issued_at: datetime
    verify_url: str

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

    @staticmethod
    def resolve_verify_url(obj: Certificate) -> str:
        return certificate_services.verify_url(obj.number)

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
    certificate = certificate_selectors.certificate_by_number(number)
    if certificate is None:
        raise NotFound(_("证书不存在"))
    return certificate


class RevokeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=certificate_services.REVOKE_REASON_MAX_CHARS)


@router.post(
    "/certificates/{number}/revoke",
    response=responses(200, CertificateDetail),
    summary="Revoke (bureau reviewer); the event returns to accounting",
)
def revoke_certificate(request: HttpRequest, number: str, payload: RevokeIn):
    return certificate_services.certificate_revoke(actor=actor_of(request), number=number, reason=payload.reason)


@router.post("/events/{code}/certificate", response=responses(201, CertificateDetail), summary="Issue")
def issue_certificate(request: HttpRequest, code: str):
    return Status(201, certificate_services.certificate_issue(actor=actor_of(request), event_code=code))
