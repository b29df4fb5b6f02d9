"""Offline certificate verifier: `python -m zhonghe.verify certificate.json --key public_key.pem`.

No Django and no network: it needs the certificate JSON (the answer of GET /api/v1/certificates/{number}) and
the Ed25519 public key (PEM, from GET /api/v1/keys). It checks that
1. the payload object canonicalises to the signed text (JCS from schema /3, sorted JSON before), so no payload
   field was changed;
2. the key id of the file and of the payload is the id of the given key;
3. the signature over the UTF-8 bytes of `payload_canonical` is valid for that key.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zhonghe.verify", description=__doc__.splitlines()[0])
    parser.add_argument("certificate", type=Path, help="certificate JSON (GET /api/v1/certificates/{number})")
    parser.add_argument("--key", type=Path, required=True, help="Ed25519 public key PEM (GET /api/v1/keys)")
    args = parser.parse_args(argv)
    try:
        document = json.loads(args.certificate.read_text(encoding="utf-8"))
        pem = args.key.read_text(encoding="ascii")
    except (OSError, ValueError) as exc:
        print(f"INVALID: cannot read input: {exc}")
        return MISMATCH
    problems = check_certificate(document, pem) if isinstance(document, dict) else ["not a certificate object"]
    if problems:
        print("INVALID")
        for problem in problems:
            print(f"  - {problem}")
        return MISMATCH
    status = document.get("status", "valid")
    number = document["payload"].get("number")
    if status in ("revoked", "superseded"):
        detail = document.get("revoke_reason") or document.get("superseded_by") or ""
        print(f"AUTHENTIC BUT {status.upper()}: {number} {detail}".rstrip())
        return NO_LONGER_STANDS
    print(f"VALID: {number} signed by {document['key_id']}")
    return VALID


if __name__ == "__main__":
    sys.exit(main())
