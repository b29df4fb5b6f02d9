"""audit_verify_chain: re-walk the audit log and report every edited entry, broken link, gap and reordering.

Sealed entries, in sequence order: sequences run 1, 2, 3 … with no gap; each entry's prev_hash is the previous
entry's entry_hash; each content_hash recomputes from the entry's content and each entry_hash from (prev_hash,
sequence, content_hash) — the first format (digest.chain_hash) up to the head's legacy_sequence; the head row
names the last sealed entry. Then every pending (unsealed) entry's content_hash, in id order.
An edited field breaks its content_hash; a recomputed content_hash breaks the entry_hash; a recomputed
entry_hash breaks the next link or the head; a deleted row leaves a gap (and a broken link); swapped sequence
numbers break both entries' hashes. Read-only: `manage.py audit_verify` seals first (audit_seal_all).
"""

from __future__ import annotations

from dataclasses import dataclass

from zhonghe.audit.digest import GENESIS, chain_hash, seal_hash
from zhonghe.audit.models import AuditEntry, AuditHead


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


def _entry_problems(entry: AuditEntry, prev_hash: str, legacy_sequence: int) -> list[Problem]:
    problems = []
    if entry.prev_hash != prev_hash:
        detail = f"prev_hash {_short(entry.prev_hash)} ≠ previous entry {_short(prev_hash)}"
        problems.append(Problem(entry.sequence, "broken_link", detail, entry.pk))
    if entry.compute_content_hash() != entry.content_hash:
        problems.append(Problem(entry.sequence, "hash_mismatch", "fields do not match content_hash (edited)", entry.pk))
    elif entry.sequence <= legacy_sequence:
        if chain_hash(entry.prev_hash or "", entry.body()) != entry.entry_hash:
            problems.append(Problem(entry.sequence, "hash_mismatch", "fields do not match entry_hash", entry.pk))
    elif seal_hash(entry.prev_hash or "", entry.sequence, entry.content_hash) != entry.entry_hash:
        problems.append(Problem(entry.sequence, "hash_mismatch", "content_hash does not match entry_hash", entry.pk))
    return problems


def audit_verify_chain(*, chunk_size: int = 2000) -> list[Problem]:
    """Every problem found: the sealed chain in sequence order (the first is the first broken link), then the
    pending entries. [] means the log holds."""
    problems: list[Problem] = []
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.sequence, head.entry_hash) if head else (0, GENESIS)
    legacy_sequence = head.legacy_sequence if head else 0
    expected_seq, prev_hash = 1, GENESIS
    last_seq, last_hash = 0, GENESIS
    sealed = AuditEntry.objects.filter(sequence__isnull=False).order_by("sequence", "id")
    for entry in sealed.iterator(chunk_size=chunk_size):
        if entry.sequence != expected_seq:
            if entry.sequence > expected_seq:
                missing = f"{expected_seq}–{entry.sequence - 1}" if entry.sequence - 1 > expected_seq else expected_seq
                problems.append(Problem(entry.sequence, "gap", f"sequence {missing} missing", entry.pk))
            else:
                detail = f"sequence repeated or out of order after {expected_seq - 1}"
                problems.append(Problem(entry.sequence, "gap", detail, entry.pk))
        problems += _entry_problems(entry, prev_hash, legacy_sequence)
        expected_seq, prev_hash = entry.sequence + 1, entry.entry_hash
        last_seq, last_hash = entry.sequence, entry.entry_hash
    if (head_seq, head_hash) != (last_seq, last_hash):
        detail = f"head names #{head_seq} {_short(head_hash)}, the log ends at #{last_seq} {_short(last_hash)}"
        problems.append(Problem(last_seq, "head_mismatch", detail))
    pending = AuditEntry.objects.filter(sequence__isnull=True).order_by("id")
    for entry in pending.iterator(chunk_size=chunk_size):
        if entry.prev_hash is not None or entry.entry_hash is not None:
            problems.append(Problem(None, "broken_link", "pending entry carries a seal (no sequence)", entry.pk))
        if entry.compute_content_hash() != entry.content_hash:
            problems.append(Problem(None, "hash_mismatch", "fields do not match content_hash (edited)", entry.pk))
    return problems
