"""The 碳中和声明: a public page and a Chinese PDF from the certificate's data, linked from the verify page."""

from __future__ import annotations

import json
import subprocess
from zoneinfo import ZoneInfo

import pytest

from zhonghe.api.tests.support import certified_event
from zhonghe.certificates.keys import signing_key
from zhonghe.certificates.models import SigningKey
from zhonghe.certificates.services import certificate_revoke
from zhonghe.certificates.signing import canonical_jcs, sign_canonical
from zhonghe.events.models import Plan
from zhonghe.lib.tools import require_binary
from zhonghe.verify import VALID, main

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(actors):
    return certified_event(actors)


def test_the_declaration_page_holds_the_required_contents(client, certified):
    event, cert = certified
    assert f'href="/verify/{cert.number}/declaration/"' in client.get(f"/verify/{cert.number}/").content.decode()
    response = client.get(f"/verify/{cert.number}/declaration/")
    assert response.status_code == 200
    page = response.content.decode()
    plan = Plan.objects.get(event=event)
    payload = cert.payload
    for expected in (
        payload["event"]["name"],
        payload["event"]["start_date"],
        payload["event"]["venue_district"],
        str(event.expected_participants),
        payload["organiser"]["name"],
        payload["organiser"]["uscc"],
        plan.boundary.splitlines()[0],
        payload["inventory"]["total_t_co2e"],
        payload["offsets"]["retirements"][0]["serial_first"],
        payload["offsets"]["retirements"][0]["number"],  # the cancellation evidence
        payload["evaluation"]["verifier"]["name"],
        cert.number,
        "实现碳中和",
        cert.issued_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat(),  # achieved on (Beijing date)
    ):
        assert expected in page, expected
    assert 'data-testid="declaration-status"' not in page


def test_the_declaration_of_a_revoked_certificate_says_so(actors, client, certified):
    _event, cert = certified
    certificate_revoke(actor=actors.bureau, number=cert.number, reason="数据有误")
    page = client.get(f"/verify/{cert.number}/declaration/").content.decode()
    assert 'data-status="revoked"' in page


def test_the_declaration_pdf_is_chinese_with_an_embedded_font(client, certified, tmp_path):
    _event, cert = certified
    response = client.get(f"/verify/{cert.number}/declaration.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "declaration.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        [require_binary("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in ("碳中和声明", cert.payload["event"]["name"], cert.payload["organiser"]["name"], cert.number):
        assert expected in text.replace(" ", "") or expected in text, expected
    fonts = subprocess.run([require_binary("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    assert any(line.split()[-5:-4] == ["yes"] for line in fonts.splitlines()[2:]), fonts  # emb = yes


def test_the_declaration_pdf_groups_thousands_in_tonnes_and_participants(client, certified, tmp_path):
    from zhonghe.certificates.declaration import declaration_for
    from zhonghe.certificates.declaration_pdf import render_declaration_pdf

    _event, cert = certified
    d = declaration_for(cert)
    d.update(total_t_co2e="1234.567", required_t=1235, retired_t=1235, participants=12000, area_m2=25000)
    d["retirements"][0]["quantity_t"] = 1235
    path = tmp_path / "declaration.pdf"
    path.write_bytes(render_declaration_pdf(d))
    text = subprocess.run(
        [require_binary("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.replace("\n", "")
    assert "1,234.567" in text and "1234.567" not in text
    assert "应抵消 1,235 t，已注销 1,235 t" in text and "1,235." not in text  # credits: whole tonnes
    assert "已通过注销 1,235 吨减排量" in text
    assert "12,000 人" in text and "25,000 m²" in text


def test_unknown_certificate_declaration_is_404(client):
    assert client.get("/verify/ZH-2099-999999/declaration/").status_code == 404
    assert client.get("/verify/ZH-2099-999999/declaration.pdf").status_code == 404


def test_a_schema_3_certificate_still_verifies_offline(client, certified, tmp_path):
    """Certificates signed under /3 (before the /4 fields) keep verifying with the same verifier."""
    _event, cert = certified
    document = client.get(f"/api/v1/certificates/{cert.number}").json()
    payload = {k: v for k, v in document["payload"].items() if k not in {"issuer", "supersedes"}}
    payload["schema"] = "zhonghe.certificate/3"
    payload["inventory"] = {k: v for k, v in payload["inventory"].items() if k != "range_95"}
    payload["offsets"] = {k: v for k, v in payload["offsets"].items() if not k.startswith("external")}
    key, _key_id = signing_key()
    canonical = canonical_jcs(payload)
    document.update(payload=payload, payload_canonical=canonical, signature=sign_canonical(canonical, key))
    path, pem = tmp_path / "v3.json", tmp_path / "key.pem"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    pem.write_text(SigningKey.objects.get(key_id=cert.key_id).public_key_pem, encoding="ascii")
    assert main([str(path), "--key", str(pem)]) == VALID
