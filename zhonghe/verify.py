"""Offline certificate verifier: `python -m zhonghe.verify <certificate.json | certificate.pdf> [--key public_key.pem]`.

No Django and no network. Input is the certificate JSON (the answer of GET /api/v1/certificates/{number}) or the
certificate PDF (which carries that JSON as the attachment `certificate.json`), and the platform's Ed25519 public
key(s) (PEM, from GET /api/v1/keys; `--key` may be repeated, e.g. the key that signed the payload and the current
key that issued the PDF-signing certificate). It checks that
1. the payload object canonicalises to the signed text (JCS from schema /3, sorted JSON before), so no payload
   field was changed;
2. the key id of the file and of the payload is the id of the given key;
3. the Ed25519 signature over the UTF-8 bytes of `payload_canonical` is valid for that key;
for a PDF also
4. the PDF has one PAdES signature, intact and covering the whole file (attachment included);
5. the PDF-signing certificate was issued by (carries a valid Ed25519 signature of) one of the given keys.
Without `--key` a PDF is checked against the key it carries itself: that proves integrity, not authorship.
Exit status: 0 valid; 1 any mismatch or unreadable input; 2 authentic but revoked or superseded.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from zhonghe.certificates.signing import canonical_for, key_id_for, load_public_key_pem, verify_canonical

VALID, MISMATCH, NO_LONGER_STANDS = 0, 1, 2


def check_certificate(document: dict[str, Any], public_key_pem: str) -> list[str]:
    """Every problem found (empty when the signature and the payload hold)."""
    problems = []
    try:
        key = load_public_key_pem(public_key_pem)
    except ValueError as exc:
        return [f"public key: {exc}"]
    payload, canonical = document.get("payload"), document.get("payload_canonical")
    if not isinstance(payload, dict) or not isinstance(canonical, str):
        return ["the file has no payload / payload_canonical"]
    try:
        if canonical_for(payload) != canonical:
            problems.append("payload does not match payload_canonical (a field was changed)")
    except TypeError as exc:
        problems.append(f"payload is not canonical JSON: {exc}")
    key_id = key_id_for(key)
    if document.get("key_id") != key_id or payload.get("key_id") != key_id:
        problems.append(
            f"key id mismatch: file {document.get('key_id')!r}, payload {payload.get('key_id')!r}, key {key_id}"
        )
    if document.get("number") not in (None, payload.get("number")):
        problems.append("certificate number differs from the signed payload")
    if not verify_canonical(canonical, str(document.get("signature", "")), key):
        problems.append("signature is not valid for this key")
    return problems


def _key_for(document: dict[str, Any], pems: list[str]) -> str:
    """The PEM among `pems` whose key id the document names (else the first, which then fails the id check)."""
    for pem in pems:
        try:
            if key_id_for(load_public_key_pem(pem)) == document.get("key_id"):
                return pem
        except ValueError:
            continue
    return pems[0] if pems else ""


def check_pdf(pdf: bytes, pems: list[str]) -> tuple[dict[str, Any] | None, list[str]]:
    """(the attached document, every problem found) for a certificate PDF; `pems` as from --key (may be empty)."""
    from zhonghe.certificates import pades  # pyHanko is only needed for PDFs

    problems, signer = pades.pdf_signature_check(pdf)
    raw = pades.attached_document(pdf)
    try:
        document = json.loads(raw.decode("utf-8")) if raw is not None else None
    except (UnicodeError, ValueError):
        document = None
    if not isinstance(document, dict):
        return None, [*problems, "the PDF carries no certificate.json attachment"]
    if not pems and isinstance(document.get("public_key_pem"), str):
        pems = [document["public_key_pem"]]
        print("note: no --key given; checked against the key inside the file (integrity only, not authorship)")
    problems += check_certificate(document, _key_for(document, pems))
    if signer is not None and not any(_issued_by(signer, pem) for pem in pems):
        problems.append("the PDF-signing certificate was not issued by the given key(s)")
    return document, problems


def _issued_by(signer, pem: str) -> bool:
    from zhonghe.certificates import pades

    try:
        return pades.issued_by(signer, load_public_key_pem(pem))
    except ValueError:
        return False


def _report_state(document: dict[str, Any]) -> int:
    status = document.get("status", "valid")
    number = document["payload"].get("number")
    if status == "revoked":
        when = document.get("revoked_at_beijing") or document.get("revoked_at") or ""
        print(f"AUTHENTIC BUT REVOKED: {number} on {when} (Beijing time): {document.get('revoke_reason', '')}")
        return NO_LONGER_STANDS
    if status == "superseded":
        when = document.get("superseded_at_beijing") or document.get("superseded_at") or ""
        print(f"AUTHENTIC BUT SUPERSEDED: {number} on {when} (Beijing time) by {document.get('superseded_by')}")
        return NO_LONGER_STANDS
    if status != "valid":
        print(f"INVALID: unknown status {status!r}")
        return MISMATCH
    print(f"VALID: {number} signed by {document['key_id']}")
    return VALID


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zhonghe.verify", description=__doc__.splitlines()[0])
    parser.add_argument("certificate", type=Path, help="certificate JSON (GET /api/v1/certificates/{number}) or PDF")
    parser.add_argument(
        "--key", type=Path, action="append", default=[], help="Ed25519 public key PEM (GET /api/v1/keys); repeatable"
    )
    args = parser.parse_args(argv)
    try:
        data = args.certificate.read_bytes()
        pems = [path.read_text(encoding="ascii") for path in args.key]
    except (OSError, ValueError) as exc:
        print(f"INVALID: cannot read input: {exc}")
        return MISMATCH
    if data.startswith(b"%PDF"):
        document, problems = check_pdf(data, pems)
    else:
        if not pems:
            print("INVALID: a certificate JSON needs --key (the published public key)")
            return MISMATCH
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeError, ValueError) as exc:
            print(f"INVALID: cannot read input: {exc}")
            return MISMATCH
        if isinstance(document, dict):
            problems = check_certificate(document, _key_for(document, pems))
        else:
            problems = ["not a certificate object"]
    if problems or document is None:
        print("INVALID")
        for problem in problems:
            print(f"  - {problem}")
        return MISMATCH
    return _report_state(document)


if __name__ == "__main__":
    sys.exit(main())
