"""Re-derive the registry from its history and report every violation, not only the first.

Checks: the ledger hash chain; per project, issued = live blocks (active + retired + cancelled); live
blocks never overlap; every superseded block is exactly partitioned by its children; each retirement's
quantity equals its block's.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

from zhonghe.registry.ledger import GENESIS_HASH, entry_body, entry_hash
from zhonghe.registry.models import (
    BlockStatus,
    CreditBlock,
    CreditProject,
    LedgerEntry,
    LedgerKind,
    Retirement,
)
from zhonghe.registry.serials import SerialRange, find_overlaps


def audit_chain() -> list[str]:
    problems = []
    prev_hash = GENESIS_HASH
    expected_seq = 1
    for entry in LedgerEntry.objects.select_related("project", "from_org", "to_org").order_by("seq").iterator():
        if entry.seq != expected_seq:
            problems.append(f"ledger: gap before seq {entry.seq} (expected {expected_seq})")
        if entry.prev_hash != prev_hash:
            problems.append(f"ledger: seq {entry.seq} prev_hash does not match the previous entry")
        if entry.entry_hash != entry_hash(entry.prev_hash, entry_body(entry)):
            problems.append(f"ledger: seq {entry.seq} entry_hash does not match its content")
        prev_hash = entry.entry_hash
        expected_seq = entry.seq + 1
    return problems


def audit_project(project: CreditProject) -> list[str]:
    problems = []
    issued = LedgerEntry.objects.filter(project=project, kind=LedgerKind.ISSUE).aggregate(s=Sum("quantity_t"))["s"] or 0
    blocks = list(CreditBlock.objects.filter(project=project))
    live = [b for b in blocks if b.status != BlockStatus.SUPERSEDED]
    live_total = sum(b.quantity_t for b in live)
    if live_total != issued:
        problems.append(f"{project.code}: issued {issued} t but live blocks hold {live_total} t")
    for a, b in find_overlaps([SerialRange(b.serial_first, b.serial_last) for b in live]):
        problems.append(f"{project.code}: live ranges overlap {a.first}-{a.last} and {b.first}-{b.last}")
    children = defaultdict(list)
    for block in blocks:
        if block.parent_id:
            children[block.parent_id].append(block)
    for block in blocks:
        kids = sorted(children.get(block.id, []), key=lambda b: b.serial_first)
        if block.status == BlockStatus.SUPERSEDED:
            covered = [(k.serial_first, k.serial_last) for k in kids]
            contiguous = all(covered[i][1] + 1 == covered[i + 1][0] for i in range(len(covered) - 1))
            if not kids or covered[0][0] != block.serial_first or covered[-1][1] != block.serial_last or not contiguous:
                problems.append(f"{project.code}: superseded block {block.code} is not partitioned by its children")
        elif kids:
            problems.append(f"{project.code}: live block {block.code} has children")
    return problems


def audit_retirements() -> list[str]:
    problems = []
    for r in Retirement.objects.select_related("block"):
        if r.block.status != BlockStatus.RETIRED or r.block.quantity_t != r.quantity_t:
            problems.append(f"retirement {r.number}: block status/quantity does not match")
    return problems


def audit_registry() -> list[str]:
    problems = audit_chain()
    for project in CreditProject.objects.order_by("code"):
        problems.extend(audit_project(project))
    problems.extend(audit_retirements())
    return problems
