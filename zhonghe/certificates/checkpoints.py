"""Signed ledger heads: anyone may save GET /api/v1/ledger/head and later check the chain still holds it.

The statement {"schema", "hash", "entries", "at", "key_id"} is signed like a certificate: Ed25519 over the UTF-8
bytes of its canonical JSON (signing.canonical_payload), which is returned alongside. `manage.py registry_audit
--checkpoint FILE` checks that entry number `entries` still has hash `hash`.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.utils import timezone

from zhonghe.certificates.keys import signing_key
from zhonghe.certificates.signing import canonical_payload, sign_canonical
from zhonghe.registry.selectors import ledger_head
from zhonghe.registry.services import ledger_seal_all

HEAD_SCHEMA = "zhonghe.ledger_head/1"


def signed_ledger_head() -> dict[str, Any]:
    """The current head (every committed entry sealed first), signed now. Raises SigningUnavailable (503) when
    no key can sign."""
    key, key_id = signing_key()
    ledger_seal_all()
    statement = {
        "schema": HEAD_SCHEMA,
        **ledger_head(),
        "at": timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "key_id": key_id,
    }
    canonical = canonical_payload(statement)
    return {**statement, "payload_canonical": canonical, "signature": sign_canonical(canonical, key)}
