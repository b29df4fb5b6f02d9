"""The certificate PDF is PAdES-signed: real pdfsig says valid, a flipped byte makes it invalid, the creation date
is the issue time, and `python -m zhonghe.verify certificate.pdf` checks both signatures offline."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from zhonghe.api.tests.support import certified_event
from zhonghe.certificates import pades
from zhonghe.certificates.models import SigningKey
from zhonghe.certificates.pdf_keys import pdf_signer
from zhonghe.certificates.services import certificate_revoke
from zhonghe.certificates.signing import generate_private_key, key_id_for, public_key_pem
from zhonghe.lib.tools import require_binary
from zhonghe.verify import MISMATCH, NO_LONGER_STANDS, VALID, main

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(actors, client, tmp_path):
    _event, certificate = certified_event(actors)
    response = client.get(f"/verify/{certificate.number}/certificate.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(response.content)
    key = tmp_path / "key.pem"
    key.write_text(SigningKey.objects.get(key_id=certificate.key_id).public_key_pem, encoding="ascii")
    return certificate, pdf, key


def _pdfsig(path) -> str:
    run = subprocess.run([require_binary("pdfsig"), str(path)], capture_output=True, text=True, check=False)
    return run.stdout + run.stderr


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_pdfsig_reports_the_signature_valid_over_the_whole_document(issued):
    _certificate, pdf, _key = issued
    out = _pdfsig(pdf)
    assert "Signature is Valid." in out, out
    assert "Total document signed" in out, out
    assert "ETSI.CAdES.detached" in out  # PAdES baseline


def test_pdfsig_reports_a_flipped_byte_invalid(issued, tmp_path):
    _certificate, pdf, key = issued
    data = pdf.read_bytes()
    at = data.index(b"/Title") + 8  # inside the signed range, in the document information
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(_flip(data, at))
    out = _pdfsig(forged)
    assert "Signature is Valid." not in out, out
    assert main([str(forged), "--key", str(key)]) == MISMATCH


def test_creation_date_is_the_issue_time(issued):
    certificate, pdf, _key = issued
    run = subprocess.run([require_binary("pdfinfo"), "-isodates", str(pdf)], capture_output=True, text=True, check=True)
    line = next(x for x in run.stdout.splitlines() if x.startswith("CreationDate:"))
    created = datetime.fromisoformat(line.split(":", 1)[1].strip().replace("Z", "+00:00"))
    assert created == certificate.issued_at.astimezone(UTC)


def test_the_pdf_verifies_offline_with_only_the_published_key(issued, capsys):
    certificate, pdf, key = issued
    assert main([str(pdf), "--key", str(key)]) == VALID
    assert f"VALID: {certificate.number}" in capsys.readouterr().out


def test_the_pdf_carries_the_document_and_the_signer_is_issued_by_the_ed25519_key(issued):
    certificate, pdf, _key = issued
    document = json.loads(pades.attached_document(pdf.read_bytes()))
    assert (document["number"], document["payload_canonical"]) == (certificate.number, certificate.payload_canonical)
    problems, signer = pades.pdf_signature_check(pdf.read_bytes())
    assert problems == []
    published = SigningKey.objects.get(key_id=certificate.key_id)
    from zhonghe.certificates.signing import load_public_key_pem

    assert pades.issued_by(signer, load_public_key_pem(published.public_key_pem))
    assert not pades.issued_by(signer, generate_private_key().public_key())


def _resigned(pdf_bytes: bytes, edit) -> bytes:
    """The attacker's move: change the attached document, render it back into a PDF signed with its own key."""
    document = json.loads(pades.attached_document(pdf_bytes))
    edit(document)
    attacker = generate_private_key()
    own_key = ec.generate_private_key(ec.SECP256R1())
    own_cert = pades.issue_pdf_certificate(
        pdf_key=own_key, issuer_key=attacker, issuer_key_id=key_id_for(attacker), now=datetime.now(UTC)
    )
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 100, "forged")
    canvas.save()
    return pades.sign_pdf(
        buffer.getvalue(), pdf_key=own_key, certificate=own_cert, document_json=json.dumps(document).encode()
    )


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["payload"]["inventory"].update(total_t_co2e="1.000"),
        lambda d: d["payload"]["offsets"]["retirements"][0].update(serial_last="X-000000999"),
        lambda d: d["payload"]["evaluation"].update(mode="self"),
        lambda d: d["payload"].update(issued_at="2020-01-01T00:00:00Z"),
        lambda d: d.update(key_id="ed25519:0000000000000000"),
        lambda d: d["payload"].update(key_id="ed25519:0000000000000000"),
        lambda d: d.update(status="valid"),  # untouched payload: only the PDF signer gives it away
    ],
    ids=["total", "serial", "evaluation", "issued_at", "key_id", "payload_key_id", "pdf_signer"],
)
def test_tampering_with_the_pdf_fails_offline(issued, tmp_path, edit):
    _certificate, pdf, key = issued
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(_resigned(pdf.read_bytes(), edit))
    assert "Signature is Valid." in _pdfsig(forged)  # a well-formed signature, by the wrong signer
    assert main([str(forged), "--key", str(key)]) == MISMATCH


def test_an_appended_revision_fails_offline(issued, tmp_path):
    _certificate, pdf, key = issued
    forged = tmp_path / "appended.pdf"
    forged.write_bytes(pdf.read_bytes() + b"\n% appended after signing\n")
    assert main([str(forged), "--key", str(key)]) == MISMATCH


def test_another_key_fails(issued, tmp_path):
    _certificate, pdf, _key = issued
    other = tmp_path / "other.pem"
    other.write_text(public_key_pem(generate_private_key()), encoding="ascii")
    assert main([str(pdf), "--key", str(other)]) == MISMATCH


def test_without_a_key_it_checks_integrity_and_says_so(issued, capsys):
    _certificate, pdf, _key = issued
    assert main([str(pdf)]) == VALID
    assert "integrity only" in capsys.readouterr().out


def test_a_revoked_certificate_pdf_says_revoked_offline(actors, client, issued, tmp_path, capsys):
    certificate, _pdf, key = issued
    certificate_revoke(actor=actors.bureau, number=certificate.number, reason="数据有误")
    pdf = tmp_path / "revoked.pdf"
    pdf.write_bytes(client.get(f"/verify/{certificate.number}/certificate.pdf").content)
    assert main([str(pdf), "--key", str(key)]) == NO_LONGER_STANDS
    out = capsys.readouterr().out
    assert "REVOKED" in out and "数据有误" in out and "Beijing" in out


def test_the_pdf_key_is_reissued_when_the_ed25519_key_changes(settings, tmp_path):
    settings.SIGNING_KEY_FILE = tmp_path / "signing_key.pem"
    from zhonghe.certificates.keys import write_key_file

    first = generate_private_key()
    write_key_file(first)
    _key, certificate = pdf_signer()
    assert pades.issuer_key_id(certificate) == key_id_for(first)
    assert pdf_signer()[1].serial_number == certificate.serial_number  # stable while the key stays
    second = generate_private_key()
    write_key_file(second, replace=True)
    _key, reissued = pdf_signer()
    assert pades.issuer_key_id(reissued) == key_id_for(second)
    assert pades.issued_by(reissued, second.public_key())
    assert reissued.not_valid_after_utc - reissued.not_valid_before_utc > timedelta(days=3000)


def test_the_pdf_verifier_runs_without_django(issued):
    _certificate, pdf, key = issued
    code = (
        "import sys, zhonghe.verify as v; rc = v.main(sys.argv[1:]);"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'Django imported'; sys.exit(rc)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(pdf), "--key", str(key)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert run.returncode == VALID, run.stdout + run.stderr


def test_signing_key_init_makes_the_pdf_key(settings, tmp_path):
    from django.core.management import call_command

    settings.SIGNING_KEY_FILE = tmp_path / "signing_key.pem"
    call_command("signing_key", "init", stdout=io.StringIO())
    from zhonghe.certificates.keys import load_configured_key

    material = (tmp_path / "pdf_signing_key.pem").read_bytes()
    _key, certificate = pades.load_key_material(material)
    assert pades.issued_by(certificate, load_configured_key().public_key())
    call_command("signing_key", "rotate", stdout=io.StringIO())
    _key, rotated = pades.load_key_material((tmp_path / "pdf_signing_key.pem").read_bytes())
    assert pades.issued_by(rotated, load_configured_key().public_key())
    assert not pades.issued_by(certificate, load_configured_key().public_key())


def test_the_pdf_is_rendered_once_per_state(actors, client, issued):
    certificate, pdf, _key = issued
    again = client.get(f"/verify/{certificate.number}/certificate.pdf").content
    assert again == pdf.read_bytes()  # same state, same bytes (a fresh ECDSA signature is randomised)
    certificate_revoke(actor=actors.bureau, number=certificate.number, reason="数据有误")
    revoked = client.get(f"/verify/{certificate.number}/certificate.pdf").content
    assert revoked != again
    assert json.loads(pades.attached_document(revoked))["status"] == "revoked"


def test_the_pdf_shows_evaluation_range_and_fingerprint(actors, issued):
    certificate, pdf, _key = issued
    from zhonghe.certificates.signing import signature_fingerprint

    text = subprocess.run(
        [require_binary("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = text.replace(" ", "").replace("\n", "")
    assert "第三方评价" in flat and actors.orgs.verifier.name in flat
    span = certificate.payload["inventory"]["range_95"]
    assert f"{span['low_t_co2e']}–{span['high_t_co2e']}" in flat
    assert signature_fingerprint(certificate.signature)[:8] in flat


def test_after_a_rotation_an_old_certificate_pdf_verifies_with_both_published_keys(client, issued, tmp_path, settings):
    import shutil

    from django.core.management import call_command

    certificate, _pdf, old_key = issued
    copy = tmp_path / "keys" / "signing_key.pem"  # rotate a copy: the session's key file stays as it is
    copy.parent.mkdir()
    shutil.copy(settings.SIGNING_KEY_FILE, copy)
    settings.SIGNING_KEY_FILE = copy
    call_command("signing_key", "rotate", stdout=io.StringIO())
    pdf = tmp_path / "after-rotation.pdf"
    pdf.write_bytes(client.get(f"/verify/{certificate.number}/certificate.pdf").content)
    new_row = SigningKey.objects.exclude(key_id=certificate.key_id).order_by("-created_at").first()
    new_key = tmp_path / "new.pem"
    new_key.write_text(new_row.public_key_pem, encoding="ascii")
    assert main([str(pdf), "--key", str(old_key), "--key", str(new_key)]) == VALID
    assert main([str(pdf), "--key", str(new_key)]) == MISMATCH  # the payload was signed by the old key
