"""After a real issue: the PDF served at /verify/<number>/certificate.pdf carries a QR code that decodes to
the certificate's verify URL, and the signature verifies with only the published public key.

Needs poppler-utils (pdftoppm) and zbar-tools (zbarimg): skipped locally without them, a failure in CI
(ZHONGHE_REQUIRE_TOOLS=1), see zhonghe.lib.tools.require_binary.
"""

from __future__ import annotations

import subprocess
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from zhonghe.certificates.services import certificate_issue, verify_url
from zhonghe.certificates.signing import load_public_key_pem, verify_canonical
from zhonghe.evaluations.tests.builders import accepted_evaluation
from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.lib.tools import require_binary
from zhonghe.registry.services import credits_retire

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(actors):
    project = project_with_credits(actors, 100)
    event, inventory = accounted_event(actors.organiser)
    buy(actors, project, inventory.required_offset_t)
    credits_retire(
        actor=actors.organiser,
        event_code=event.code,
        project_code=project.code,
        quantity_t=inventory.required_offset_t,
        reason="用于活动碳中和",
    )
    accepted_evaluation(actors, event)
    return certificate_issue(actor=actors.organiser, event_code=event.code)


def _decode_qr(pdf_bytes: bytes, tmp_path) -> list[str]:
    pdftoppm, zbarimg = require_binary("pdftoppm"), require_binary("zbarimg")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(pdf_bytes)
    subprocess.run([pdftoppm, "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages, "pdftoppm rendered no page"
    decoded = subprocess.run(
        [zbarimg, "--raw", "-q", *map(str, pages)], capture_output=True, text=True, timeout=60, check=False
    )
    assert decoded.returncode == 0, f"zbarimg found no code: {decoded.stderr}"
    return [line for line in decoded.stdout.splitlines() if line]


def test_pdf_qr_decodes_to_the_verify_url(client, certificate, tmp_path):
    response = client.get(f"/verify/{certificate.number}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert certificate.number in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")

    urls = _decode_qr(response.content, tmp_path)
    assert set(urls) == {verify_url(certificate.number)}  # one URL, on every page that has the QR
    url = urls[0]
    assert url == f"http://testserver/verify/{certificate.number}/"

    # The decoded URL is the public verify page of this very certificate.
    path = urlsplit(url).path
    match = resolve(path)
    assert (match.view_name, match.kwargs) == ("certificates:verify", {"number": certificate.number})
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-status="valid"' in html
    assert f'data-testid="cert-number">{certificate.number}<' in html
    # The payload carries no verify URL of its own; the page links the same PDF this QR came from.
    assert "verify_url" not in certificate.payload
    assert f'href="/verify/{certificate.number}/certificate.pdf"' in html


def test_signature_verifies_with_the_public_key_from_the_keys_endpoint(client, certificate):
    response = client.get("/api/v1/keys")
    if response.status_code == 404:
        pytest.skip("GET /api/v1/keys is not built yet (zhonghe/api/urls.py has no routes); API work in progress")
    assert response.status_code == 200
    body = response.json()
    keys = body.get("keys", body) if isinstance(body, dict) else body
    by_id = {k["key_id"]: k for k in keys}
    assert certificate.key_id in by_id
    public_key = load_public_key_pem(by_id[certificate.key_id]["public_key_pem"])
    assert verify_canonical(certificate.payload_canonical, certificate.signature, public_key)
    tampered = certificate.payload_canonical.replace('"retired_t":13', '"retired_t":12')
    assert not verify_canonical(tampered, certificate.signature, public_key)
