"""Public verification: anyone can check a certificate's status, payload and signature."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from zhonghe.certificates import public_cache
from zhonghe.certificates.declaration import declaration_for
from zhonghe.certificates.declaration_pdf import render_declaration_pdf
from zhonghe.certificates.documents import certificate_document, certificate_pdf_bytes
from zhonghe.certificates.models import CertificateStatus
from zhonghe.certificates.selectors import certificate_by_number, signing_key_by_id
from zhonghe.certificates.signing import load_public_key_pem, signature_fingerprint, verify_canonical


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
        "document": certificate_document(cert),
        "signature_ok": signature_ok,
        "fingerprint": signature_fingerprint(cert.signature),
        "key": key,
        "is_valid": signature_ok and cert.status == CertificateStatus.VALID,
    }


@require_GET
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


@require_GET
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    cert = _certificate_or_404(number)
    response = HttpResponse(certificate_pdf_bytes(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
    return response


@require_GET
def declaration_page(request: HttpRequest, number: str) -> HttpResponse:
    cert = _certificate_or_404(number)
    return render(request, "certificates/declaration.html", {"d": declaration_for(cert)})


@require_GET
def declaration_pdf(request: HttpRequest, number: str) -> HttpResponse:
    cert = _certificate_or_404(number)
    pdf = render_declaration_pdf(declaration_for(cert), font_path=settings.CERT_FONT_PATH)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.number}-declaration.pdf"'
    return response
