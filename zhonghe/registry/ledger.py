"""Hash-chained ledger log and block splitting. Called only from registry/services.py.

Every block move supersedes the source block and creates children, so a block row only ever changes
from ACTIVE to SUPERSEDED; holder and status of a live block never change in place. Each move appends
a LedgerEntry whose hash covers the previous entry's hash (a break anywhere is detectable).
"""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from zhonghe.accounts.models import Organization
from zhonghe.accounts.services import next_number
from zhonghe.registry.models import BlockStatus, CreditBlock, CreditProject, LedgerEntry
from zhonghe.registry.serials import SerialRange, split_range

GENESIS_HASH = "0" * 64


def entry_body(entry: LedgerEntry) -> str:
    """Canonical text hashed into entry_hash; the audit recomputes it from the stored row."""
    body = {
        "seq": entry.seq,
        "kind": entry.kind,
        "project": entry.project.code,
        "serial_first": entry.serial_first,
        "serial_last": entry.serial_last,
        "quantity_t": entry.quantity_t,
        "from": str(entry.from_org.code) if entry.from_org_id else None,
        "to": str(entry.to_org.code) if entry.to_org_id else None,
        "reference": entry.reference,
        "at": entry.at.isoformat(),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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
    """Append one entry. The sequence row lock serialises ledger writers, keeping the chain linear."""
    seq = next_number("ledger")
    prev = LedgerEntry.objects.filter(seq=seq - 1).values_list("entry_hash", flat=True).first()
    entry = LedgerEntry(
        seq=seq,
        kind=kind,
        project=project,
        serial_first=serials.first,
        serial_last=serials.last,
        quantity_t=serials.quantity,
        from_org=from_org,
        to_org=to_org,
        reference=reference,
        at=timezone.now(),
        prev_hash=prev or GENESIS_HASH,
    )
    entry.entry_hash = entry_hash(entry.prev_hash, entry_body(entry))
    entry.save()
    return entry


def take_from_blocks(
    blocks: list[CreditBlock], quantity_t: int, *, new_holder: Organization, new_status: str
) -> list[CreditBlock]:
    """Move `quantity_t` units from the front of `blocks` (locked, in serial order).

    Each touched block is superseded; the taken part becomes a child with the new holder/status and any
    remainder a child with the old holder, still active. Returns the new taken children.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_from_blocks must run inside a transaction")
    remaining = quantity_t
    taken_children: list[CreditBlock] = []
    for block in blocks:
        if remaining == 0:
            break
        parent_range = SerialRange(block.serial_first, block.serial_last)
        taken, rest = split_range(parent_range, min(remaining, parent_range.quantity))
        block.status = BlockStatus.SUPERSEDED
        block.save(update_fields=["status"])
        taken_children.append(_child(block, taken, new_holder, new_status))
        if rest is not None:
            _child(block, rest, block.holder_id, BlockStatus.ACTIVE)
        remaining -= taken.quantity
    if remaining:
        raise RuntimeError("take_from_blocks called with insufficient blocks")  # callers check balance first
    return taken_children


def _child(parent: CreditBlock, serials: SerialRange, holder: Organization | int, status: str) -> CreditBlock:
    # By id: no lazy load of the parent's project or holder inside the project lock.
    return CreditBlock.objects.create(
        project_id=parent.project_id,
        serial_first=serials.first,
        serial_last=serials.last,
        quantity_t=serials.quantity,
        holder_id=holder if isinstance(holder, int) else holder.pk,
        status=status,
        parent=parent,
    )


def invalidate_block(block: CreditBlock, serials: SerialRange) -> list[CreditBlock]:
    """Supersede one live block (locked) that `serials` touches: its part inside the range becomes an
    INVALIDATED child (same holder), the parts outside keep holder and status. Returns the invalidated child."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invalidate_block must run inside a transaction")
    first, last = max(block.serial_first, serials.first), min(block.serial_last, serials.last)
    block_status = block.status
    block.status = BlockStatus.SUPERSEDED
    block.save(update_fields=["status"])
    if block.serial_first < first:
        _child(block, SerialRange(block.serial_first, first - 1), block.holder_id, block_status)
    inside = _child(block, SerialRange(first, last), block.holder_id, BlockStatus.INVALIDATED)
    if last < block.serial_last:
        _child(block, SerialRange(last + 1, block.serial_last), block.holder_id, block_status)
    return [inside]


def take_range(
    blocks: list[CreditBlock], serials: SerialRange, *, new_holder: Organization, new_status: str
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
    for block in touched:
        first, last = max(block.serial_first, serials.first), min(block.serial_last, serials.last)
        block.status = BlockStatus.SUPERSEDED
        block.save(update_fields=["status"])
        if block.serial_first < first:
            _child(block, SerialRange(block.serial_first, first - 1), block.holder_id, BlockStatus.ACTIVE)
        taken_children.append(_child(block, SerialRange(first, last), new_holder, new_status))
        if last < block.serial_last:
            _child(block, SerialRange(last + 1, block.serial_last), block.holder_id, BlockStatus.ACTIVE)
    return taken_children
