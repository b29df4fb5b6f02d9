"""registry_audit's checks of the ledger's hash chain and of saved checkpoints, streamed as plain values.

The sealed chain is read in seq order and every pending entry in id order, `CHUNK_ROWS` rows at a time
(`values_list(...).iterator(chunk_size=...)`: a server-side cursor on PostgreSQL), so memory stays flat however
long the ledger grows and the queries are a fixed few (the project and organisation codes come in by JOIN).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from zhonghe.registry.ledger import GENESIS_HASH, content_of, entry_hash, hash_of_content, sealed_body
from zhonghe.registry.models import LedgerEntry, LedgerHead

CHUNK_ROWS = 5000  # rows per fetch of every streamed audit query
CHAIN_ROW = (
    "id",
    "seq",
    "kind",
    "project__code",
    "serial_first",
    "serial_last",
    "quantity_t",
    "from_org__code",
    "to_org__code",
    "reference",
    "at",
    "content_hash",
    "prev_hash",
    "entry_hash",
)


def stream(queryset: QuerySet, *fields: str) -> Iterator:
    """Named tuples of `fields`, fetched `CHUNK_ROWS` at a time; no model instance is built."""
    return queryset.values_list(*fields, named=True).iterator(chunk_size=CHUNK_ROWS)


def where(row) -> str:
    return f"seq {row.seq}" if row.seq is not None else f"pending id {row.id}"


def _content(row) -> dict:
    return content_of(
        kind=row.kind,
        project_code=row.project__code,
        serial_first=row.serial_first,
        serial_last=row.serial_last,
        quantity_t=row.quantity_t,
        from_code=row.from_org__code,
        to_code=row.to_org__code,
        reference=row.reference,
        at=row.at,
    )


def _content_problems(row, content: dict) -> list[str]:
    problems = []
    if row.content_hash != hash_of_content(content):
        problems.append(f"ledger: {where(row)} content does not match its content_hash")
    if not 1 <= row.serial_first <= row.serial_last or row.quantity_t != (row.serial_last - row.serial_first + 1):
        problems.append(
            f"ledger: {where(row)} quantity {row.quantity_t} t does not match its serial range "
            f"{row.serial_first}-{row.serial_last}"
        )
    return problems


def audit_chain() -> list[str]:
    """The sealed chain in seq order (gaps, links, hashes), the head row against its end, then every pending
    entry's content_hash (registry/ledger.py: seal after commit)."""
    problems = []
    prev_hash = GENESIS_HASH
    expected_seq, last_seq = 1, 0
    for row in stream(LedgerEntry.objects.filter(seq__isnull=False).order_by("seq"), *CHAIN_ROW):
        content = _content(row)
        if row.seq != expected_seq:
            problems.append(f"ledger: gap before seq {row.seq} (expected {expected_seq})")
        if row.prev_hash != prev_hash:
            problems.append(f"ledger: seq {row.seq} prev_hash does not match the previous entry")
        if row.entry_hash != entry_hash(row.prev_hash or "", sealed_body(row.seq, content)):
            problems.append(f"ledger: seq {row.seq} entry_hash does not match its content")
        problems.extend(_content_problems(row, content))
        prev_hash = row.entry_hash
        expected_seq, last_seq = row.seq + 1, row.seq
    head = LedgerHead.objects.filter(pk=1).values_list("seq", "entry_hash").first()
    if head is None and last_seq:
        problems.append(f"ledger: the head row is missing (the chain ends at seq {last_seq})")
    elif head is not None and head != (last_seq, prev_hash):
        problems.append(f"ledger: the head names seq {head[0]}, the chain ends at seq {last_seq} (truncated or forged)")
    for row in stream(LedgerEntry.objects.filter(seq__isnull=True).order_by("id"), *CHAIN_ROW):
        if row.prev_hash is not None or row.entry_hash is not None:
            problems.append(f"ledger: pending id {row.id} carries a seal without a seq")
        problems.extend(_content_problems(row, _content(row)))
    return problems


def audit_checkpoint(checkpoint: object) -> list[str]:
    """The chain must still hold the saved head: entry number `entries` has hash `hash` (0 entries: genesis)."""
    if not isinstance(checkpoint, dict):
        return ["checkpoint: not a JSON object from GET /api/v1/ledger/head"]
    entries, head_hash = checkpoint.get("entries"), checkpoint.get("hash")
    if isinstance(entries, bool) or not isinstance(entries, int) or entries < 0 or not isinstance(head_hash, str):
        return ['checkpoint: needs "entries" (a count ≥ 0) and "hash"']
    if entries == 0:
        found = GENESIS_HASH
    else:
        found = LedgerEntry.objects.filter(seq=entries).values_list("entry_hash", flat=True).first()
        if found is None:
            return [f"checkpoint: the ledger has no entry {entries} any more (it was saved with {entries} entries)"]
    if found != head_hash:
        return [f"checkpoint: entry {entries} has hash {found}, the checkpoint says {head_hash} (history rewritten)"]
    return []
