"""A certificate as a document: the JSON anyone can verify offline (also attached to the PDF), and the signed PDF.

The document is the answer of GET /api/v1/certificates/{number} plus the public key PEM: the payload and its
canonical text with the Ed25519 signature (what the organiser's certificate asserts), and the current state
(valid / revoked / superseded with reasons, dates and successor), which the PAdES signature of the PDF covers.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from django.conf import settings
from django.urls import reverse

from zhonghe.certificates import pades
from zhonghe.certificates.models import Certificate, CertificateStatus
from zhonghe.certificates.payload import beijing_text, utc_text
from zhonghe.certificates.pdf import render_certificate_pdf
from zhonghe.certificates.pdf_keys import pdf_signer
from zhonghe.certificates.selectors import signing_key_by_id

STATUS_LABELS = {
    CertificateStatus.VALID: "",
    CertificateStatus.REVOKED: "已撤销 REVOKED",
    CertificateStatus.SUPERSEDED: "已被取代 SUPERSEDED",
}


def verify_url(number: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("certificates:verify", args=[number])


def successor_number(cert: Certificate) -> str | None:
    if cert.superseded_by_id is None:
        return None
    return Certificate.objects.filter(pk=cert.superseded_by_id).values_list("number", flat=True).first()


def certificate_document(cert: Certificate) -> dict:
    """The offline-verifiable JSON of `cert` (keys of the public API detail, times in UTC and in Beijing time)."""
    key = signing_key_by_id(cert.key_id)
    return {
        "number": cert.number,
        "status": cert.status,
        "payload": cert.payload,
        "payload_canonical": cert.payload_canonical,
        "signature": cert.signature,
        "key_id": cert.key_id,
        "public_key_pem": key.public_key_pem if key else None,
        "verify_url": verify_url(cert.number),
        "issued_at": utc_text(cert.issued_at),
        "issued_at_beijing": beijing_text(cert.issued_at),
        "revoked_at": utc_text(cert.revoked_at),
        "revoked_at_beijing": beijing_text(cert.revoked_at),
        "revoke_reason": cert.revoke_reason,
        "superseded_by": successor_number(cert),
        "superseded_at": utc_text(cert.superseded_at),
        "superseded_at_beijing": beijing_text(cert.superseded_at),
        "supersedes": cert.payload.get("supersedes"),
    }


_PDF_CACHE_ENTRIES = 64
_pdf_lock = threading.Lock()
_pdf_cache: OrderedDict[tuple, bytes] = OrderedDict()


def certificate_pdf_bytes(cert: Certificate) -> bytes:
    """The certificate PDF in its current state, its document attached, signed (PAdES) with the PDF key.

    Rendering and signing cost a CPU tenth of a second or more, so the signed bytes are kept in memory per
    certificate state (status, revocation, successor), base URL and PDF-signing certificate; any change renders
    afresh. Repeated public downloads then cost a dictionary look-up.
    """
    pdf_key, pdf_certificate = pdf_signer()
    state = (cert.code, cert.signature, cert.status, cert.revoked_at, cert.superseded_by_id, settings.PUBLIC_BASE_URL)
    cache_key = (*state, pdf_certificate.serial_number)
    with _pdf_lock:
        hit = _pdf_cache.get(cache_key)
        if hit is not None:
            _pdf_cache.move_to_end(cache_key)
            return hit
    signed = _signed_pdf(cert, pdf_key, pdf_certificate)
    with _pdf_lock:
        _pdf_cache[cache_key] = signed
        while len(_pdf_cache) > _PDF_CACHE_ENTRIES:
            _pdf_cache.popitem(last=False)
    return signed


def _signed_pdf(cert: Certificate, pdf_key, pdf_certificate) -> bytes:
    document = certificate_document(cert)
    pdf = render_certificate_pdf(
        payload=cert.payload,
        verify_url=document["verify_url"],
        signature_b64=cert.signature,
        status_label=STATUS_LABELS.get(cert.status, cert.status),
        status_note=_status_note(document),
        font_path=settings.CERT_FONT_PATH,
    )
    document_json = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    return pades.sign_pdf(pdf, pdf_key=pdf_key, certificate=pdf_certificate, document_json=document_json)


def _status_note(document: dict) -> str:
    if document["status"] == CertificateStatus.REVOKED:
        return f"撤销于 {_short(document['revoked_at_beijing'])}（北京时间）：{document['revoke_reason']}"
    if document["status"] == CertificateStatus.SUPERSEDED:
        return (
            f"于 {_short(document['superseded_at_beijing'])}（北京时间）被证书 {document['superseded_by'] or ''} 取代"
        )
    return ""


def _short(beijing_iso: str | None) -> str:
    return (beijing_iso or "")[:16].replace("T", " ")
