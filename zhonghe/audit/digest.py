"""PURE: the audit log's canonical JSON, digests and chain hash (no Django, no project imports).

canonical JSON: keys sorted, no whitespace (separators "," and ":"), UTF-8 without \\u escapes, only str / int /
bool / None / list / dict values (the snapshot turns Decimal, UUID and datetimes into strings first).
digest = SHA-256 hex of the canonical JSON's UTF-8 bytes.
entry_hash = SHA-256 hex of (prev_hash + "\\n" + canonical JSON of the entry's body), so each entry seals the
one before it; the first entry's prev_hash is GENESIS.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64
BODY_FIELDS = (
    "sequence",
    "at",
    "actor_label",
    "actor_user_id",
    "actor_org_code",
    "actor_roles",
    "action",
    "object_type",
    "object_code",
    "before_digest",
    "after_digest",
    "changes",
)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def digest_of(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def chain_hash(prev_hash: str, body: dict[str, Any]) -> str:
    """The entry hash over prev_hash and exactly BODY_FIELDS of `body` (missing or extra keys are an error)."""
    if set(body) != set(BODY_FIELDS):
        raise ValueError(f"audit body fields: {sorted(body)}")
    return hashlib.sha256((prev_hash + "\n" + canonical_json(body)).encode("utf-8")).hexdigest()
