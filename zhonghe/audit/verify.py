"""audit_verify_chain: re-walk the audit log and report every edited entry, broken link, gap and reordering.

Sealed entries, in sequence order: sequences run 1, 2, 3 … with no gap; each entry's prev_hash is the previous
entry's entry_hash; each content_hash recomputes from the entry's content and each entry_hash from (prev_hash,
sequence, content_hash) — the first format (digest.chain_hash) up to the head's legacy_sequence; the head row
names the last sealed entry. Then every pending (unsealed) entry's content_hash, in id order.
An edited field breaks its content_hash; a recomputed content_hash breaks the entry_hash; a recomputed
entry_hash breaks the next link or the head; a deleted row leaves a gap (and a broken link); swapped sequence
numbers break both entries' hashes. Rows are streamed as plain values. Read-only: `manage.py audit_verify` seals
first (audit_seal_all).
"""

from __future__ import annotations

from dataclasses import dataclass

from zhonghe.audit.digest import CONTENT_FIELDS, GENESIS, chain_hash, content_hash_of, seal_hash
from zhonghe.audit.models import AuditEntry, AuditHead, content_of

CHUNK_ROWS = 5000  # rows per fetch (a server-side cursor on PostgreSQL)
ROW = ("id", "sequence", *CONTENT_FIELDS, "content_hash", "prev_hash", "entry_hash")


@dataclass(frozen=True)
class Problem:
    sequence: int | None  # None: a pending entry (see entry_id)
    kind: str  # "gap", "broken_link", "hash_mismatch", "head_mismatch"
    detail: str
    entry_id: int | None = None

    @property
    def where(self) -> str:
        return f"#{self.sequence}" if self.sequence is not None else f"pending id {self.entry_id}"

    def __str__(self) -> str:
        return f"{self.where} {self.kind}: {self.detail}"


def _short(value: str | None) -> str:
    return "NULL" if value is None else f"{value[:12]}…"


def _rows(queryset, chunk_size: int):
    """Plain `.values()` rows of ROW, `chunk_size` at a time: no model instance is built."""
    return queryset.values(*ROW).iterator(chunk_size=chunk_size)


def _entry_problems(row: dict, prev_hash: str, legacy_sequence: int) -> list[Problem]:
    problems = []
    sequence, pk = row["sequence"], row["id"]
    if row["prev_hash"] != prev_hash:
        detail = f"prev_hash {_short(row['prev_hash'])} ≠ previous entry {_short(prev_hash)}"
        problems.append(Problem(sequence, "broken_link", detail, pk))
    content = content_of(row)
    if content_hash_of(content) != row["content_hash"]:
        problems.append(Problem(sequence, "hash_mismatch", "fields do not match content_hash (edited)", pk))
    elif sequence <= legacy_sequence:
        if chain_hash(row["prev_hash"] or "", {"sequence": sequence, **content}) != row["entry_hash"]:
            problems.append(Problem(sequence, "hash_mismatch", "fields do not match entry_hash", pk))
    elif seal_hash(row["prev_hash"] or "", sequence, row["content_hash"]) != row["entry_hash"]:
        problems.append(Problem(sequence, "hash_mismatch", "content_hash does not match entry_hash", pk))
    return problems


def audit_verify_chain(*, chunk_size: int = CHUNK_ROWS) -> list[Problem]:
    """Every problem found: the sealed chain in sequence order (the first is the first broken link), then the
    pending entries. [] means the log holds. Two streamed queries (and the head's): memory and query count stay
    flat however long the log grows."""
    problems: list[Problem] = []
    head = AuditHead.objects.filter(pk=1).values_list("sequence", "entry_hash", "legacy_sequence").first()
    head_seq, head_hash, legacy_sequence = head if head else (0, GENESIS, 0)
    expected_seq, prev_hash = 1, GENESIS
    last_seq, last_hash = 0, GENESIS
    sealed = AuditEntry.objects.filter(sequence__isnull=False).order_by("sequence", "id")
    for row in _rows(sealed, chunk_size):
        sequence, pk = row["sequence"], row["id"]
        if sequence != expected_seq:
            if sequence > expected_seq:
                missing = f"{expected_seq}–{sequence - 1}" if sequence - 1 > expected_seq else expected_seq
                problems.append(Problem(sequence, "gap", f"sequence {missing} missing", pk))
            else:
                detail = f"sequence repeated or out of order after {expected_seq - 1}"
                problems.append(Problem(sequence, "gap", detail, pk))
        problems += _entry_problems(row, prev_hash, legacy_sequence)
        expected_seq, prev_hash = sequence + 1, row["entry_hash"]
        last_seq, last_hash = sequence, row["entry_hash"]
    if (head_seq, head_hash) != (last_seq, last_hash):
        detail = f"head names #{head_seq} {_short(head_hash)}, the log ends at #{last_seq} {_short(last_hash)}"
        problems.append(Problem(last_seq, "head_mismatch", detail))
    pending = AuditEntry.objects.filter(sequence__isnull=True).order_by("id")
    for row in _rows(pending, chunk_size):
        if row["prev_hash"] is not None or row["entry_hash"] is not None:
            problems.append(Problem(None, "broken_link", "pending entry carries a seal (no sequence)", row["id"]))
        if content_hash_of(content_of(row)) != row["content_hash"]:
            problems.append(Problem(None, "hash_mismatch", "fields do not match content_hash (edited)", row["id"]))
    return problems
