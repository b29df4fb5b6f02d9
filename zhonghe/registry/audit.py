"""Re-derive the registry from its history and report every violation, not only the first.

Checks: the ledger hash chain (sealed entries, the head row, pending entries' content hashes), and each entry's
quantity against its serial range; optionally that the chain
still holds a saved checkpoint (a GET /api/v1/ledger/head answer) at its position; per project, issued = live
blocks (active + retired + cancelled); live blocks never overlap; every superseded block is exactly
partitioned by its children; each retirement's quantity equals its block's, and each event's retired_t the
sum of its retirements; each listing's reserved/sold tonnes equal its pending/confirmed orders and fit its
offer, and no seller has promised listings more than it holds; and, replaying the project's
ISSUE/TRANSFER/RETIRE/INVALIDATE entries in order, every move takes serials its sender held active (an
invalidation: active or retired), and every live block's holder and status are what the ledger says; external
cancellations never overlap nor share a proof, and invalidations, their blocks, ledger entries and impacts agree
(registry/audit_claims.py).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date

from django.db.models import Q, Sum
from django.utils import timezone

from zhonghe.events.models import Event
from zhonghe.registry import audit_claims
from zhonghe.registry.ledger import GENESIS_HASH, content_hash, entry_body, entry_hash
from zhonghe.registry.models import (
    BlockStatus,
    CreditBlock,
    CreditProject,
    LedgerEntry,
    LedgerHead,
    LedgerKind,
    Listing,
    ListingStatus,
    Order,
    OrderStatus,
    Retirement,
)
from zhonghe.registry.serials import SerialRange, find_overlaps


def _where(entry: LedgerEntry) -> str:
    return f"seq {entry.seq}" if entry.seq is not None else f"pending id {entry.pk}"


def _content_problems(entry: LedgerEntry) -> list[str]:
    problems = []
    if entry.content_hash != content_hash(entry):
        problems.append(f"ledger: {_where(entry)} content does not match its content_hash")
    if not 1 <= entry.serial_first <= entry.serial_last or entry.quantity_t != (
        entry.serial_last - entry.serial_first + 1
    ):
        problems.append(
            f"ledger: {_where(entry)} quantity {entry.quantity_t} t does not match its serial range "
            f"{entry.serial_first}-{entry.serial_last}"
        )
    return problems


def audit_chain() -> list[str]:
    """The sealed chain in seq order (gaps, links, hashes), the head row against its end, then every pending
    entry's content_hash (registry/ledger.py: seal after commit)."""
    problems = []
    prev_hash = GENESIS_HASH
    expected_seq, last_seq = 1, 0
    related = LedgerEntry.objects.select_related("project", "from_org", "to_org")
    for entry in related.filter(seq__isnull=False).order_by("seq").iterator():
        if entry.seq != expected_seq:
            problems.append(f"ledger: gap before seq {entry.seq} (expected {expected_seq})")
        if entry.prev_hash != prev_hash:
            problems.append(f"ledger: seq {entry.seq} prev_hash does not match the previous entry")
        if entry.entry_hash != entry_hash(entry.prev_hash or "", entry_body(entry)):
            problems.append(f"ledger: seq {entry.seq} entry_hash does not match its content")
        problems.extend(_content_problems(entry))
        prev_hash = entry.entry_hash
        expected_seq, last_seq = entry.seq + 1, entry.seq
    head = LedgerHead.objects.filter(pk=1).values_list("seq", "entry_hash").first()
    if head is None and last_seq:
        problems.append(f"ledger: the head row is missing (the chain ends at seq {last_seq})")
    elif head is not None and head != (last_seq, prev_hash):
        problems.append(f"ledger: the head names seq {head[0]}, the chain ends at seq {last_seq} (truncated or forged)")
    for entry in related.filter(seq__isnull=True).order_by("id").iterator():
        if entry.prev_hash is not None or entry.entry_hash is not None:
            problems.append(f"ledger: pending id {entry.pk} carries a seal without a seq")
        problems.extend(_content_problems(entry))
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


def audit_project(project: CreditProject, entries: list[LedgerEntry], blocks: list[CreditBlock]) -> list[str]:
    """Per project (one vintage each): issued = active + retired + cancelled + invalidated (reserved tonnes are
    part of the seller's active ones: audit_listings), no overlaps, superseded blocks exactly split."""
    problems = []
    issued = sum(e.quantity_t for e in entries if e.kind == LedgerKind.ISSUE)
    live = [b for b in blocks if b.status != BlockStatus.SUPERSEDED]
    live_total = sum(b.quantity_t for b in live)
    if live_total != issued:  # live = active + retired + cancelled + invalidated
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


# A replayed segment: (first serial, last serial, holder organisation id, block status).
Segment = tuple[int, int, int | None, str]

_AFTER_MOVE = {
    LedgerKind.TRANSFER: BlockStatus.ACTIVE,
    LedgerKind.RETIRE: BlockStatus.RETIRED,
    LedgerKind.INVALIDATE: BlockStatus.INVALIDATED,
}
# The statuses a move may take its serials from (an invalidation also reverses retired credits).
_MOVES_FROM = {
    LedgerKind.TRANSFER: (BlockStatus.ACTIVE,),
    LedgerKind.RETIRE: (BlockStatus.ACTIVE,),
    LedgerKind.INVALIDATE: (BlockStatus.ACTIVE, BlockStatus.RETIRED),
}


def _overlapping(segments: list[Segment], first: int, last: int) -> tuple[int, int]:
    """Index range [lo, hi) of the sorted, disjoint `segments` that intersect [first, last]."""
    lo = bisect_right(segments, (first, 2**63)) - 1
    if lo < 0 or segments[lo][1] < first:
        lo += 1
    hi = bisect_right(segments, (last, 2**63))
    return lo, hi


def _covers(held: list[Segment], first: int, last: int) -> bool:
    """Whether the consecutive segments `held` cover every serial of [first, last]."""
    return (
        bool(held)
        and held[0][0] <= first
        and held[-1][1] >= last
        and all(held[i][1] + 1 == held[i + 1][0] for i in range(len(held) - 1))
    )


def replay_ledger(entries: list[LedgerEntry]) -> tuple[list[Segment], list[str]]:
    """Rebuild who holds which serials of one project from its ledger entries (in id order: one project's
    entries commit under its lock, so id order is their commit order, sealed or pending)."""
    segments: list[Segment] = []
    problems = []
    for e in entries:
        lo, hi = _overlapping(segments, e.serial_first, e.serial_last)
        span = f"{e.serial_first}-{e.serial_last}"
        if e.kind == LedgerKind.ISSUE:
            if lo < hi:
                problems.append(f"{e.project.code}: ledger {_where(e)} issues {span}, already issued")
            else:
                segments.insert(lo, (e.serial_first, e.serial_last, e.to_org_id, BlockStatus.ACTIVE))
            continue
        held = segments[lo:hi]
        sender_held = all(h[2] == e.from_org_id and h[3] in _MOVES_FROM[LedgerKind(e.kind)] for h in held)
        if not (_covers(held, e.serial_first, e.serial_last) and sender_held):
            problems.append(f"{e.project.code}: ledger {_where(e)} moves {span}, not all held active by its sender")
            continue
        head = [(held[0][0], e.serial_first - 1, held[0][2], held[0][3])] if held[0][0] < e.serial_first else []
        tail = [(e.serial_last + 1, held[-1][1], held[-1][2], held[-1][3])] if held[-1][1] > e.serial_last else []
        after = _AFTER_MOVE[LedgerKind(e.kind)]
        holder = e.to_org_id if e.kind == LedgerKind.TRANSFER else e.from_org_id
        segments[lo:hi] = [*head, (e.serial_first, e.serial_last, holder, after), *tail]
    return segments, problems


def audit_holders(project: CreditProject, entries: list[LedgerEntry], blocks: list[CreditBlock]) -> list[str]:
    """Each live block's holder and status must equal the replayed ledger over its whole range."""
    segments, problems = replay_ledger(entries)
    live = sorted((b for b in blocks if b.status != BlockStatus.SUPERSEDED), key=lambda b: b.serial_first)
    for block in live:
        lo, hi = _overlapping(segments, block.serial_first, block.serial_last)
        held = segments[lo:hi]
        matches = _covers(held, block.serial_first, block.serial_last) and all(
            (h[2], h[3]) == (block.holder_id, block.status) for h in held
        )
        if not matches:
            problems.append(
                f"{project.code}: block {block.code} ({block.serial_first}-{block.serial_last}) holder/status "
                "differs from the ledger"
            )
    return problems


def audit_retirements() -> list[str]:
    problems = []
    for r in Retirement.objects.select_related("block"):
        if r.block.quantity_t != r.quantity_t:
            problems.append(f"retirement {r.number}: block status/quantity does not match")
        elif r.block.status != BlockStatus.RETIRED:
            problems.extend(audit_claims.retirement_split_by_invalidation(r))
    sums = dict(Retirement.objects.order_by().values_list("event_id").annotate(t=Sum("quantity_t")))
    for event in Event.objects.filter(Q(retired_t__gt=0) | Q(pk__in=sums.keys())).order_by("id"):
        summed_t = sums.get(event.id, 0)
        if event.retired_t != summed_t:
            problems.append(f"event {event.code}: retired_t {event.retired_t} t but retirements sum to {summed_t} t")
    return problems


def audit_listings(*, today: date | None = None) -> list[str]:
    """Per listing: reserved_t = Σ pending orders, sold_t = Σ confirmed orders, reserved + sold ≤ quantity. Per
    seller and project: the tonnes promised to listings (unsold part of open, valid ones; reservations on the
    rest) never exceed the seller's active holding, so every reservation can be honoured."""
    today = today or timezone.localdate()
    problems = []
    sums: dict[tuple[int, str], int] = {}
    for listing_id, status, total in (
        Order.objects.filter(listing__isnull=False)
        .order_by()
        .values_list("listing_id", "status")
        .annotate(t=Sum("quantity_t"))
    ):
        sums[(listing_id, status)] = total
    promised: dict[tuple[int, int], int] = defaultdict(int)
    for listing in Listing.objects.select_related("project").order_by("id"):
        pending, confirmed = (
            sums.get((listing.id, OrderStatus.PENDING), 0),
            sums.get((listing.id, OrderStatus.CONFIRMED), 0),
        )
        name = f"{listing.project.code}: listing {listing.code}"
        if listing.reserved_t != pending:
            problems.append(f"{name} reserves {listing.reserved_t} t but its pending orders hold {pending} t")
        if listing.sold_t != confirmed:
            problems.append(f"{name} sold {listing.sold_t} t but its confirmed orders total {confirmed} t")
        if listing.reserved_t + listing.sold_t > listing.quantity_t:
            problems.append(f"{name} reserved + sold exceed the {listing.quantity_t} t offered")
        live = listing.status == ListingStatus.OPEN and listing.valid_until >= today
        promised[(listing.seller_id, listing.project_id)] += (
            listing.quantity_t - listing.sold_t if live else listing.reserved_t
        )
    for (seller_id, project_id), promised_t in sorted(promised.items()):
        held = CreditBlock.objects.filter(project_id=project_id, holder_id=seller_id, status=BlockStatus.ACTIVE)
        held_t = held.aggregate(t=Sum("quantity_t"))["t"] or 0
        if promised_t > held_t:
            code = CreditProject.objects.get(pk=project_id).code
            problems.append(f"{code}: seller {seller_id} promised {promised_t} t to listings but holds {held_t} t")
    return problems


def audit_registry(*, checkpoints: tuple[object, ...] = ()) -> list[str]:
    problems = audit_chain()
    for checkpoint in checkpoints:
        problems.extend(audit_checkpoint(checkpoint))
    for project in CreditProject.objects.order_by("code"):
        entries = list(LedgerEntry.objects.filter(project=project).select_related("project").order_by("id"))
        blocks = list(CreditBlock.objects.filter(project=project))
        problems.extend(audit_project(project, entries, blocks))
        problems.extend(audit_holders(project, entries, blocks))
    problems.extend(audit_retirements())
    problems.extend(audit_listings())
    problems.extend(audit_claims.audit_external())
    problems.extend(audit_claims.audit_invalidations())
    return problems
