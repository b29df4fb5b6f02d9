"""PURE: the audit log's canonical JSON, digests and chain hash (no Django, no project imports).

canonical JSON: keys sorted, no whitespace (separators "," and ":"), UTF-8 without \\u escapes, only str / int /
bool / None / list / dict values (the snapshot turns Decimal, UUID and datetimes into strings first).
digest = SHA-256 hex of the canonical JSON's UTF-8 bytes.
content_hash = digest of the entry's content (CONTENT_FIELDS: everything but the chain), set at append.
seal_hash = SHA-256 hex of (prev_hash + "\\n" + sequence + "\\n" + content_hash), set when the sealer chains the
entry after the one before it; the first entry's prev_hash is GENESIS.
chain_hash is the first format (entries sealed at append, before migration audit 0002): SHA-256 hex of
(prev_hash + "\\n" + canonical JSON of the body = CONTENT_FIELDS + sequence).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

GENESIS = "0" * 64
CONTENT_FIELDS = (
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
BODY_FIELDS = ("sequence", *CONTENT_FIELDS)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def digest_of(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def chain_hash(prev_hash: str, body: dict[str, Any]) -> str:
    """The entry hash over prev_hash and exactly BODY_FIELDS of `body` (missing or extra keys are an error)."""
    if set(body) != set(BODY_FIELDS):
        raise ValueError(f"audit body fields: {sorted(body)}")
    return hashlib.sha256((prev_hash + "\n" + canonical_json(body)).encode("utf-8")).hexdigest()


def content_hash_of(content: dict[str, Any]) -> str:
    """The digest of exactly CONTENT_FIELDS of `content` (missing or extra keys are an error)."""
    if set(content) != set(CONTENT_FIELDS):
        raise ValueError(f"audit content fields: {sorted(content)}")
    return digest_of(content)


def seal_hash(prev_hash: str, sequence: int, content_hash: str) -> str:
    """The entry hash the sealer gives entry `sequence`: it chains the previous hash and the entry's content."""
    return hashlib.sha256(f"{prev_hash}\n{sequence}\n{content_hash}".encode()).hexdigest()


def at_text(at: datetime.datetime) -> str:
    """An entry's time in its hashed form: ISO 8601 UTC with microseconds."""
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
