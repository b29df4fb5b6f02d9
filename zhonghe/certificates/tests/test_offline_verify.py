"""Offline verification: `python -m zhonghe.verify` and `openssl pkeyutl` with only the public key."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys

import pytest

from zhonghe.api.tests.support import certified_event
from zhonghe.certificates.models import SigningKey
from zhonghe.certificates.services import certificate_revoke
from zhonghe.certificates.signing import generate_private_key, public_key_pem
from zhonghe.verify import MISMATCH, NO_LONGER_STANDS, VALID, main

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(actors, client, tmp_path):
    _event, certificate = certified_event(actors)
    document = client.get(f"/api/v1/certificates/{certificate.number}").json()
    key = tmp_path / "key.pem"
    key.write_text(SigningKey.objects.get(key_id=certificate.key_id).public_key_pem, encoding="ascii")
    path = tmp_path / "certificate.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return certificate, document, path, key


def _write(path, document):
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def test_a_real_certificate_verifies_offline(files, capsys):
    certificate, _document, path, key = files
    assert main([str(path), "--key", str(key)]) == VALID
    assert f"VALID: {certificate.number}" in capsys.readouterr().out


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["payload"].update(number="ZH-2099-000001"),
        lambda d: d["payload"]["inventory"].update(total_t_co2e="1.000"),
        lambda d: d["payload"]["offsets"]["retirements"][0].update(serial_last="X-000000999"),
        lambda d: d["payload"]["evaluation"].update(mode="self"),
        lambda d: d["payload"]["organiser"].update(uscc="91500000MA00000000"),
        lambda d: d.update(payload_canonical=d["payload_canonical"].replace('"retired_t":12', '"retired_t":13')),
        lambda d: d.update(key_id="ed25519:0000000000000000"),
        lambda d: d["payload"].update(key_id="ed25519:0000000000000000"),
        lambda d: d.update(signature=base64.b64encode(b"\0" * 64).decode()),
    ],
    ids=["number", "total", "serial", "evaluation", "uscc", "canonical", "key_id", "payload_key_id", "signature"],
)
def test_any_tampering_fails(files, tamper):
    _certificate, document, path, key = files
    tamper(document)
    _write(path, document)
    assert main([str(path), "--key", str(key)]) == MISMATCH


def test_another_key_fails(files, tmp_path):
    _certificate, _document, path, _key = files
    other = tmp_path / "other.pem"
    other.write_text(public_key_pem(generate_private_key()), encoding="ascii")
    assert main([str(path), "--key", str(other)]) == MISMATCH


def test_revoked_is_authentic_but_no_longer_stands(actors, client, files, capsys):
    certificate, _document, path, key = files
    certificate_revoke(actor=actors.bureau, number=certificate.number, reason="数据有误")
    _write(path, client.get(f"/api/v1/certificates/{certificate.number}").json())
    assert main([str(path), "--key", str(key)]) == NO_LONGER_STANDS
    assert "REVOKED" in capsys.readouterr().out


def test_the_verifier_runs_without_django(files):
    _certificate, _document, path, key = files
    code = (
        "import sys, zhonghe.verify as v; rc = v.main(sys.argv[1:]);"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'Django imported'; sys.exit(rc)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(path), "--key", str(key)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert run.returncode == VALID, run.stdout + run.stderr


def test_openssl_alone_accepts_a_real_certificate(files, tmp_path):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not installed")
    _certificate, document, _path, key = files
    payload, sig = tmp_path / "payload", tmp_path / "sig"
    payload.write_bytes(document["payload_canonical"].encode("utf-8"))
    sig.write_bytes(base64.b64decode(document["signature"]))
    command = [openssl, "pkeyutl", "-verify", "-pubin", "-inkey", str(key), "-rawin", "-in", str(payload)]
    ok = subprocess.run([*command, "-sigfile", str(sig)], capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and "Signature Verified Successfully" in ok.stdout, ok.stdout + ok.stderr
    payload.write_bytes(document["payload_canonical"].replace('"retired_t":12', '"retired_t":13').encode("utf-8"))
    forged = subprocess.run([*command, "-sigfile", str(sig)], capture_output=True, text=True, check=False)
    assert forged.returncode != 0
