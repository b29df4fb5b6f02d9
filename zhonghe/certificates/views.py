"""Public verification: anyone can check a certificate's status, payload and signature."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from zhonghe.certificates import public_cache
from zhonghe.certificates.models import CertificateStatus
from zhonghe.certificates.pdf import render_certificate_pdf
from zhonghe.certificates.selectors import certificate_by_number, signing_key_by_id
from zhonghe.certificates.services import verify_url
from zhonghe.certificates.signing import load_public_key_pem, verify_canonical


def _certificate_or_404(number: str):
    cert = certificate_by_number(number)
    if cert is None:
        raise Http404("certificate not found")
    return cert


def _verify_context(cert) -> dict[str, object]:
    key = signing_key_by_id(cert.key_id)
    signature_ok = bool(key) and verify_canonical(
        cert.payload_canonical, cert.signature, load_public_key_pem(key.public_key_pem)
    )
    return {
        "cert": cert,
        "payload": cert.payload,
        "signature_ok": signature_ok,
        "key": key,
        "is_valid": signature_ok and cert.status == CertificateStatus.VALID,
    }


def verify_page(request: HttpRequest, number: str) -> HttpResponse:
    """Anonymous visitors get the page rendered once per certificate state (certificates/public_cache.py)."""
    if not public_cache.cacheable_page_request(request):
        return render(request, "certificates/verify.html", _verify_context(_certificate_or_404(number)))
    state = public_cache.current_state(number)
    if state is None:
        raise Http404("certificate not found")

    def render_page(csrf_token: str) -> bytes:
        context = {**_verify_context(_certificate_or_404(number)), "csrf_token": csrf_token}
        return render_to_string("certificates/verify.html", context, request=request).encode("utf-8")

    return public_cache.page_response(request, (number, *state), render_page)


def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    cert = _certificate_or_404(number)
    status_label = "" if cert.status == CertificateStatus.VALID else "已撤销 REVOKED"
    pdf = render_certificate_pdf(
        payload=cert.payload,
        verify_url=verify_url(cert.number),
        signature_b64=cert.signature,
        status_label=status_label,
        font_path=settings.CERT_FONT_PATH,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
    return response
