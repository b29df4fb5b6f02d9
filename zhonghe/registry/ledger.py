"""Hash-chained ledger log (seal after commit) and block splitting. Called only from registry/services.py.

Every block move supersedes the source block and creates children, so a block row only ever changes
from ACTIVE to SUPERSEDED; holder and status of a live block never change in place. Each move appends
a LedgerEntry in the mover's transaction, pending: its content and content_hash (sha256 of the body without
seq), with no shared lock, so moves on different projects never wait for each other. ledger_seal (its own
short transaction: the worker's periodic `ledger_seal`, the start of `registry_audit`, before the signed head
and before a certificate is issued) locks the head row, takes the committed pending entries in id order and
gives each seq = head + 1, prev_hash = the previous entry's entry_hash and entry_hash = sha256(prev_hash + body
with seq), the chain's format since the start. Within one project id order is commit order (every mover holds
the project lock to commit), so seal order keeps each project's history in order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from zhonghe.accounts.models import Organization
from zhonghe.lib.rows import insert_rows, write_batch
from zhonghe.lib.sealing import seal_until_done, write_seals
from zhonghe.registry.models import BlockStatus, CreditBlock, CreditProject, LedgerEntry, LedgerHead
from zhonghe.registry.serials import SerialRange, split_range

GENESIS_HASH = "0" * 64
SEAL_BATCH = 2000


def content_of(*, kind, project_code, serial_first, serial_last, quantity_t, from_code, to_code, reference, at) -> dict:
    """The hashed content of one entry from plain values (the audit streams rows, never model instances)."""
    return {
        "kind": kind,
        "project": project_code,
        "serial_first": serial_first,
        "serial_last": serial_last,
        "quantity_t": quantity_t,
        "from": str(from_code) if from_code is not None else None,
        "to": str(to_code) if to_code is not None else None,
        "reference": reference,
        "at": at.isoformat(),
    }


def _content(entry) -> dict:
    return content_of(
        kind=entry.kind,
        project_code=entry.project.code,
        serial_first=entry.serial_first,
        serial_last=entry.serial_last,
        quantity_t=entry.quantity_t,
        from_code=entry.from_org.code if entry.from_org_id else None,
        to_code=entry.to_org.code if entry.to_org_id else None,
        reference=entry.reference,
        at=entry.at,
    )


def _canonical(body: dict) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sealed_body(seq: int | None, content: dict) -> str:
    """Canonical text hashed into entry_hash: the content with seq."""
    return _canonical({"seq": seq, **content})


def hash_of_content(content: dict) -> str:
    """sha256 of the canonical content without seq (an entry's content_hash)."""
    return hashlib.sha256(_canonical(content).encode("utf-8")).hexdigest()


def entry_body(entry: LedgerEntry) -> str:
    """Canonical text hashed into entry_hash (content and seq); the audit recomputes it from the stored row."""
    return sealed_body(entry.seq, _content(entry))


def content_hash(entry: LedgerEntry) -> str:
    """sha256 of the canonical content without seq: set at append, checked for pending and sealed entries."""
    return hash_of_content(_content(entry))


def entry_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append_entry(
    *,
    kind: str,
    project: CreditProject,
    serials: SerialRange,
    from_org: Organization | None,
    to_org: Organization | None,
    reference: str,
) -> LedgerEntry:
    """Append one pending entry (no shared lock; ledger_seal chains it after commit)."""
    entry = new_entry(
        kind=kind, project=project, serials=serials, from_org=from_org, to_org=to_org, reference=reference
    )
    insert_rows([entry])
    return entry


def new_entry(
    *,
    kind: str,
    project: CreditProject,
    serials: SerialRange,
    from_org: Organization | None,
    to_org: Organization | None,
    reference: str,
) -> LedgerEntry:
    """The pending entry append_entry writes, unsaved, for a caller that inserts it with its other rows."""
    entry = LedgerEntry(
        kind=kind,
        project=project,
        serial_first=serials.first,
        serial_last=serials.last,
        quantity_t=serials.quantity,
        from_org=from_org,
        to_org=to_org,
        reference=reference,
        at=timezone.now(),
    )
    entry.content_hash = content_hash(entry)
    return entry


def _locked_head() -> LedgerHead:
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # first seal after a flush (migration 0008 creates it): start from the last sealed entry
        last = LedgerEntry.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "entry_hash").first()
        try:
            with transaction.atomic():
                LedgerHead.objects.create(
                    pk=1, seq=last[0] if last else 0, entry_hash=last[1] if last else GENESIS_HASH
                )
        except IntegrityError:  # a racing sealer created it: use its row
            pass
        head = LedgerHead.objects.select_for_update().get(pk=1)
    return head


@transaction.atomic
def ledger_seal(*, limit: int = SEAL_BATCH) -> int:
    """Seal up to `limit` committed pending entries (id order) after the head; return how many.

    The head row lock makes a second sealer wait, then see these entries sealed (READ COMMITTED). Entries
    still uncommitted are invisible here and sealed by a later pass.
    """
    head = _locked_head()
    pending = list(
        LedgerEntry.objects.filter(seq__isnull=True)
        .select_related("project", "from_org", "to_org")
        .order_by("id")[:limit]
    )
    seq, prev = head.seq, head.entry_hash
    seals = []
    for entry in pending:
        seq += 1
        entry.seq = seq
        sealed_hash = entry_hash(prev, entry_body(entry))
        seals.append((seq, prev, sealed_hash, entry.pk))
        prev = sealed_hash
    if seals:
        write_seals(LedgerEntry, "seq", seals)
        LedgerHead.objects.filter(pk=1).update(seq=seq, entry_hash=prev)
    return len(seals)


def ledger_seal_all(*, batch: int = SEAL_BATCH) -> int:
    """Seal every committed pending entry, `batch` per transaction; return how many."""
    return seal_until_done(ledger_seal, batch=batch)


def allocate_id(model: type[Model], *, above: int = 0) -> int:
    """A fresh primary key for `model` without a lock held to commit (PostgreSQL: its identity sequence, never
    rolled back, so numbers built from it may have gaps; SQLite: writers are serialised by the database, and
    `above` is the last id this transaction allocated but has not inserted yet)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_id must run inside a transaction")
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [connection.ops.quote_name(table)])
        else:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
            return max(cursor.fetchone()[0], above) + 1
        return cursor.fetchone()[0]


def take_from_blocks(
    blocks: list[CreditBlock],
    quantity_t: int,
    *,
    new_holder: Organization,
    new_status: str,
    pending: PendingMove | None = None,
) -> list[CreditBlock]:
    """Move `quantity_t` units from the front of `blocks` (locked, in serial order).

    Each touched block is superseded; the taken part becomes a child with the new holder/status and any
    remainder a child with the old holder, still active. Returns the new taken children. With `pending`, the
    writes are held there (the children numbered) for the caller's write_pending.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_from_blocks must run inside a transaction")
    remaining = quantity_t
    taken_children: list[CreditBlock] = []
    children: list[CreditBlock] = []
    superseded: list[CreditBlock] = []
    for block in blocks:
        if remaining == 0:
            break
        parent_range = SerialRange(block.serial_first, block.serial_last)
        taken, rest = split_range(parent_range, min(remaining, parent_range.quantity))
        superseded.append(block)
        taken_children.append(_child(block, taken, new_holder, new_status))
        children.append(taken_children[-1])
        if rest is not None:
            children.append(_child(block, rest, block.holder_id, BlockStatus.ACTIVE))
        remaining -= taken.quantity
    if remaining:
        raise RuntimeError("take_from_blocks called with insufficient blocks")  # callers check balance first
    _replace(superseded, children, pending)
    return taken_children


def _child(parent: CreditBlock, serials: SerialRange, holder: Organization | int, status: str) -> CreditBlock:
    """An unsaved child of `parent`; `_replace` writes a move's children in one statement."""
    # By id: no lazy load of the parent's project or holder inside the project lock.
    return CreditBlock(
        project_id=parent.project_id,
        serial_first=serials.first,
        serial_last=serials.last,
        quantity_t=serials.quantity,
        holder_id=holder if isinstance(holder, int) else holder.pk,
        status=status,
        parent=parent,
    )


@dataclass
class PendingMove:
    """A move's writes held back, so that the caller sends them with its own rows in one round trip
    (write_pending). The children are numbered as they are planned: first from `spare_ids` (ids of the block
    sequence drawn inside the project lock, with the blocks), then fresh ones."""

    spare_ids: list[int] = field(default_factory=list)
    parents: list[CreditBlock] = field(default_factory=list)
    children: list[CreditBlock] = field(default_factory=list)

    def number(self, children: Sequence[CreditBlock]) -> None:
        for child in children:
            last = self.children[-1].pk if self.children else 0  # ids are given in increasing order
            child.pk = self.spare_ids.pop(0) if self.spare_ids else allocate_id(CreditBlock, above=last)
            self.children.append(child)


def write_pending(pending: PendingMove, *, then: Sequence[Sequence[Model]] = ()) -> None:
    """Supersede the pending parents, insert their children, then insert each group of `then` (one round trip
    on PostgreSQL)."""
    ids = [p.pk for p in pending.parents]
    write_batch(status=(CreditBlock, ids, BlockStatus.SUPERSEDED), groups=[pending.children, *then])


def _replace(parents: list[CreditBlock], children: list[CreditBlock], pending: PendingMove | None = None) -> None:
    """Supersede a move's parents in one UPDATE, then write all its children in one INSERT (ids come back with
    RETURNING), in one round trip on PostgreSQL; or hold both in `pending`. In that order: a child starts at its
    parent's first serial, unique among live blocks."""
    for parent in parents:
        parent.status = BlockStatus.SUPERSEDED
    if pending is None:  # written now; the children's ids come back with RETURNING
        write_pending(PendingMove(parents=parents, children=children))
        return
    pending.parents.extend(parents)
    pending.number(children)


def invalidate_block(block: CreditBlock, serials: SerialRange) -> list[CreditBlock]:
    """Supersede one live block (locked) that `serials` touches: its part inside the range becomes an
    INVALIDATED child (same holder), the parts outside keep holder and status. Returns the invalidated child."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invalidate_block must run inside a transaction")
    first, last = max(block.serial_first, serials.first), min(block.serial_last, serials.last)
    block_status = block.status
    children = []
    if block.serial_first < first:
        children.append(_child(block, SerialRange(block.serial_first, first - 1), block.holder_id, block_status))
    inside = _child(block, SerialRange(first, last), block.holder_id, BlockStatus.INVALIDATED)
    children.append(inside)
    if last < block.serial_last:
        children.append(_child(block, SerialRange(last + 1, block.serial_last), block.holder_id, block_status))
    _replace([block], children)
    return [inside]


def take_range(
    blocks: list[CreditBlock],
    serials: SerialRange,
    *,
    new_holder: Organization,
    new_status: str,
    pending: PendingMove | None = None,
) -> list[CreditBlock] | None:
    """Move exactly the serials `serials` out of `blocks` (locked, one holder, in serial order).

    Returns None (nothing written) unless the blocks hold every serial of the range. Each touched block is
    superseded by up to three children: the part before the range and the part after it (old holder, still
    active) and the part inside it (new holder/status). Returns the new inside children.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_range must run inside a transaction")
    touched = [b for b in blocks if b.serial_first <= serials.last and serials.first <= b.serial_last]
    covered = (
        bool(touched)
        and touched[0].serial_first <= serials.first
        and touched[-1].serial_last >= serials.last
        and all(touched[i].serial_last + 1 == touched[i + 1].serial_first for i in range(len(touched) - 1))
    )
    if not covered:
        return None
    taken_children = []
    children = []
    for block in touched:
        first, last = max(block.serial_first, serials.first), min(block.serial_last, serials.last)
        if block.serial_first < first:
            children.append(
                _child(block, SerialRange(block.serial_first, first - 1), block.holder_id, BlockStatus.ACTIVE)
            )
        taken_children.append(_child(block, SerialRange(first, last), new_holder, new_status))
        children.append(taken_children[-1])
        if last < block.serial_last:
            children.append(
                _child(block, SerialRange(last + 1, block.serial_last), block.holder_id, BlockStatus.ACTIVE)
            )
    _replace(touched, children, pending)
    return taken_children
