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
(registry/audit_claims.py). The chain and checkpoint checks live in registry/audit_chain.py.

Scale: ledger entries, blocks and retirements are streamed as plain values (audit_chain.stream: a server-side
cursor on PostgreSQL), one replay pass per project; the query count grows with projects, never with entries or
blocks, and memory with one project's live segments (merged runs), never with its history.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date
from itertools import groupby

from django.db.models import Q, Sum
from django.utils import timezone

from zhonghe.events.models import Event
from zhonghe.registry import audit_claims
from zhonghe.registry.audit_chain import audit_chain, audit_checkpoint, stream, where
from zhonghe.registry.models import (
    BlockStatus,
    CreditBlock,
    CreditProject,
    LedgerEntry,
    LedgerKind,
    Listing,
    ListingStatus,
    Order,
    OrderStatus,
    Retirement,
)

ENTRY_ROW = ("id", "seq", "kind", "serial_first", "serial_last", "quantity_t", "from_org_id", "to_org_id")
BLOCK_ROW = ("code", "serial_first", "serial_last", "quantity_t", "holder_id", "status")
CHILD_ROW = ("parent_id", "serial_first", "serial_last", "parent__code", "parent__serial_first",
             "parent__serial_last", "parent__status")  # fmt: skip

# A replayed segment: (first serial, last serial, holder organisation id, block status). Neighbours that touch
# and agree on holder and status are kept merged, so the replay holds one segment per run, not per move.
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


def _splice(segments: list[Segment], lo: int, hi: int, parts: list[Segment]) -> None:
    """segments[lo:hi] = parts, merged with each other and the neighbours on both sides where they touch and
    agree on holder and status (the same serial → holder/status map, in fewer segments)."""
    start, end = max(lo - 1, 0), min(hi + 1, len(segments))
    merged: list[Segment] = []
    for seg in [*segments[start:lo], *parts, *segments[hi:end]]:
        if merged and merged[-1][1] + 1 == seg[0] and merged[-1][2:] == seg[2:]:
            merged[-1] = (merged[-1][0], seg[1], seg[2], seg[3])
        else:
            merged.append(seg)
    segments[start:end] = merged


def replay_ledger(code: str, entries) -> tuple[list[Segment], int, list[str]]:
    """Rebuild who holds which serials of one project from its ledger entries (in id order: one project's
    entries commit under its lock, so id order is their commit order, sealed or pending); also the tonnes
    issued. One pass over the streamed rows (ENTRY_ROW)."""
    segments: list[Segment] = []
    problems = []
    issued = 0
    for e in entries:
        lo, hi = _overlapping(segments, e.serial_first, e.serial_last)
        span = f"{e.serial_first}-{e.serial_last}"
        if e.kind == LedgerKind.ISSUE:
            issued += e.quantity_t
            if lo < hi:
                problems.append(f"{code}: ledger {where(e)} issues {span}, already issued")
            else:
                _splice(segments, lo, hi, [(e.serial_first, e.serial_last, e.to_org_id, BlockStatus.ACTIVE)])
            continue
        held = segments[lo:hi]
        sender_held = all(h[2] == e.from_org_id and h[3] in _MOVES_FROM[LedgerKind(e.kind)] for h in held)
        if not (_covers(held, e.serial_first, e.serial_last) and sender_held):
            problems.append(f"{code}: ledger {where(e)} moves {span}, not all held active by its sender")
            continue
        head = [(held[0][0], e.serial_first - 1, held[0][2], held[0][3])] if held[0][0] < e.serial_first else []
        tail = [(e.serial_last + 1, held[-1][1], held[-1][2], held[-1][3])] if held[-1][1] > e.serial_last else []
        after = _AFTER_MOVE[LedgerKind(e.kind)]
        holder = e.to_org_id if e.kind == LedgerKind.TRANSFER else e.from_org_id
        _splice(segments, lo, hi, [*head, (e.serial_first, e.serial_last, holder, after), *tail])
    return segments, issued, problems


def _partition_problems(project: CreditProject) -> list[str]:
    """Every superseded block is exactly partitioned by its children; a live block has none. Children stream
    grouped by parent (with the parent's fields by JOIN); childless superseded blocks come from one query."""
    problems = []
    children = CreditBlock.objects.filter(project=project, parent__isnull=False).order_by("parent_id", "serial_first")
    for _parent_id, group in groupby(stream(children, *CHILD_ROW), key=lambda c: c.parent_id):
        kids = list(group)
        first, last, code = kids[0].parent__serial_first, kids[0].parent__serial_last, kids[0].parent__code
        if kids[0].parent__status != BlockStatus.SUPERSEDED:
            problems.append(f"{project.code}: live block {code} has children")
            continue
        contiguous = all(kids[i].serial_last + 1 == kids[i + 1].serial_first for i in range(len(kids) - 1))
        if not (contiguous and kids[0].serial_first == first and kids[-1].serial_last == last):
            problems.append(f"{project.code}: superseded block {code} is not partitioned by its children")
    childless = CreditBlock.objects.filter(project=project, status=BlockStatus.SUPERSEDED, children__isnull=True)
    for block in stream(childless.order_by("serial_first", "id"), "code"):
        problems.append(f"{project.code}: superseded block {block.code} is not partitioned by its children")
    return problems


def audit_project(project: CreditProject) -> list[str]:
    """Per project (one vintage each), one replay pass over its entries, then its live blocks in serial order:
    issued = active + retired + cancelled + invalidated (reserved tonnes are part of the seller's active ones:
    audit_listings), no overlaps, superseded blocks exactly split, each live block's holder and status equal
    to the replayed ledger over its whole range."""
    entries = LedgerEntry.objects.filter(project=project).order_by("id")
    segments, issued, replay_problems = replay_ledger(project.code, stream(entries, *ENTRY_ROW))
    live = CreditBlock.objects.filter(project=project).exclude(status=BlockStatus.SUPERSEDED)
    live_total, overlaps, holders = 0, [], []
    reach: list = []  # earlier live blocks whose range may still overlap later ones (sorted by first serial)
    for block in stream(live.order_by("serial_first", "serial_last"), *BLOCK_ROW):
        live_total += block.quantity_t
        reach = [r for r in reach if r.serial_last >= block.serial_first]
        overlaps.extend(
            f"{project.code}: live ranges overlap {r.serial_first}-{r.serial_last} and "
            f"{block.serial_first}-{block.serial_last}"
            for r in reach
        )
        reach.append(block)
        lo, hi = _overlapping(segments, block.serial_first, block.serial_last)
        held = segments[lo:hi]
        if not (
            _covers(held, block.serial_first, block.serial_last)
            and all((h[2], h[3]) == (block.holder_id, block.status) for h in held)
        ):
            holders.append(
                f"{project.code}: block {block.code} ({block.serial_first}-{block.serial_last}) holder/status "
                "differs from the ledger"
            )
    totals = [] if live_total == issued else [f"{project.code}: issued {issued} t but live blocks hold {live_total} t"]
    return [*totals, *overlaps, *_partition_problems(project), *replay_problems, *holders]


def audit_retirements() -> list[str]:
    problems = []
    rows = Retirement.objects.order_by("id")
    for r in stream(rows, "id", "number", "quantity_t", "block__quantity_t", "block__status"):
        if r.block__quantity_t != r.quantity_t:
            problems.append(f"retirement {r.number}: block status/quantity does not match")
        elif r.block__status != BlockStatus.RETIRED:  # rare: split by an invalidation (or tampered)
            retirement = Retirement.objects.select_related("block").get(pk=r.id)
            problems.extend(audit_claims.retirement_split_by_invalidation(retirement))
    sums = dict(Retirement.objects.order_by().values_list("event_id").annotate(t=Sum("quantity_t")))
    events = Event.objects.filter(Q(retired_t__gt=0) | Q(pk__in=sums.keys())).order_by("id")
    for event in stream(events, "id", "code", "retired_t"):
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
        problems.extend(audit_project(project))
    problems.extend(audit_retirements())
    problems.extend(audit_listings())
    problems.extend(audit_claims.audit_external())
    problems.extend(audit_claims.audit_invalidations())
    return problems
