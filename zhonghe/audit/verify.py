"""audit_verify_chain: re-walk the audit log and report every broken link, gap and reordering.

Checks, in sequence order: sequences run 1, 2, 3 … with no gap; each entry's prev_hash is the previous
entry's entry_hash; each entry_hash recomputes from its fields; the head row names the last entry. An edited
field breaks its own hash; a recomputed (forged) hash breaks the next link or the head; a deleted row leaves a
gap (and a broken link); swapped sequence numbers break both entries' hashes.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhonghe.audit.digest import GENESIS, chain_hash
from zhonghe.audit.models import AuditEntry, AuditHead


@dataclass(frozen=True)
class Problem:
    sequence: int
    kind: str  # "gap", "broken_link", "hash_mismatch", "head_mismatch"
    detail: str

    def __str__(self) -> str:
        return f"#{self.sequence} {self.kind}: {self.detail}"


def audit_verify_chain(*, chunk_size: int = 2000) -> list[Problem]:
    """Every problem found, in sequence order (the first is the first broken link). [] means the log holds."""
    problems: list[Problem] = []
    expected_seq, prev_hash = 1, GENESIS
    last_seq, last_hash = 0, GENESIS
    for entry in AuditEntry.objects.order_by("sequence", "id").iterator(chunk_size=chunk_size):
        if entry.sequence != expected_seq:
            if entry.sequence > expected_seq:
                missing = f"{expected_seq}–{entry.sequence - 1}" if entry.sequence - 1 > expected_seq else expected_seq
                problems.append(Problem(entry.sequence, "gap", f"sequence {missing} missing"))
            else:
                problems.append(
                    Problem(entry.sequence, "gap", f"sequence repeated or out of order after {expected_seq - 1}")
                )
        if entry.prev_hash != prev_hash:
            problems.append(
                Problem(
                    entry.sequence,
                    "broken_link",
                    f"prev_hash {entry.prev_hash[:12]}… ≠ previous entry {prev_hash[:12]}…",
                )
            )
        recomputed = chain_hash(entry.prev_hash, entry.body())
        if recomputed != entry.entry_hash:
            problems.append(Problem(entry.sequence, "hash_mismatch", "fields do not match entry_hash (edited entry)"))
        expected_seq, prev_hash = entry.sequence + 1, entry.entry_hash
        last_seq, last_hash = entry.sequence, entry.entry_hash
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.sequence, head.entry_hash) if head else (0, GENESIS)
    if (head_seq, head_hash) != (last_seq, last_hash):
        problems.append(
            Problem(
                last_seq,
                "head_mismatch",
                f"head names #{head_seq} {head_hash[:12]}…, the log ends at #{last_seq} {last_hash[:12]}…",
            )
        )
    return problems
