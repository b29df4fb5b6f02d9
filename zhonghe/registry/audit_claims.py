"""registry_audit's checks of the claims beside the ledger: external cancellations and invalidations."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Sum

from zhonghe.registry.models import (
    BlockStatus,
    CreditBlock,
    CreditInvalidation,
    ExternalCancellation,
    ExternalStatus,
    InvalidationImpact,
    LedgerEntry,
    LedgerKind,
    Retirement,
)


def _leaves(block: CreditBlock) -> list[CreditBlock]:
    children = list(CreditBlock.objects.filter(parent=block).order_by("serial_first"))
    if not children:
        return [block]
    return [leaf for child in children for leaf in _leaves(child)]


def retirement_split_by_invalidation(r: Retirement) -> list[str]:
    """A retirement whose block is no longer RETIRED is fine only when an invalidation split it: its leaf
    blocks are retired or invalidated, and the invalidated tonnes equal its impacts."""
    leaves = _leaves(r.block) if r.block.status == BlockStatus.SUPERSEDED else [r.block]
    statuses_ok = all(leaf.status in (BlockStatus.RETIRED, BlockStatus.INVALIDATED) for leaf in leaves)
    invalidated_t = sum(leaf.quantity_t for leaf in leaves if leaf.status == BlockStatus.INVALIDATED)
    impacts_t = r.impacts.aggregate(t=Sum("quantity_t"))["t"] or 0
    if r.block.status != BlockStatus.SUPERSEDED or not statuses_ok:
        return [f"retirement {r.number}: block status/quantity does not match"]
    if invalidated_t != impacts_t:
        return [f"retirement {r.number}: {invalidated_t} t invalidated but its impacts record {impacts_t} t"]
    return []


def audit_external() -> list[str]:
    """Live (pending/confirmed) external cancellations never overlap in one registry nor share a proof file;
    each is bound to a frozen inventory of its own event; a reviewed record names its reviewer."""
    problems = []
    live = ExternalCancellation.objects.exclude(status=ExternalStatus.REJECTED)
    by_registry: dict[str, list[ExternalCancellation]] = defaultdict(list)
    for record in live.order_by("registry", "serial_first", "id"):
        by_registry[record.registry].append(record)
    for registry, records in sorted(by_registry.items()):
        reach: ExternalCancellation | None = None
        for record in records:
            if reach is not None and record.serial_first <= reach.serial_last:
                problems.append(
                    f"external {registry}: {record.number} ({record.serial_first}-{record.serial_last}) overlaps "
                    f"{reach.number} ({reach.serial_first}-{reach.serial_last})"
                )
            if reach is None or record.serial_last > reach.serial_last:
                reach = record
    duplicates = live.order_by().values("proof_sha256").annotate(n=Count("id")).filter(n__gt=1)
    for row in duplicates:
        problems.append(f"external: proof {row['proof_sha256'][:16]}… is claimed by {row['n']} live records")
    for record in ExternalCancellation.objects.select_related("inventory").order_by("id"):
        if record.inventory.event_id != record.event_id:
            problems.append(f"external {record.number}: its inventory belongs to another event")
        if record.quantity_t != record.serial_last - record.serial_first + 1:
            problems.append(f"external {record.number}: quantity does not match its serial range")
        if record.status != ExternalStatus.PENDING and (record.reviewed_by_id is None or record.reviewed_at is None):
            problems.append(f"external {record.number}: {record.status} without a reviewer")
    return problems


def audit_invalidations() -> list[str]:
    """Each invalidation: its ledger entries sum to its range, every live block of the range is invalidated;
    each impact belongs to its retirement's event and never exceeds the retirement."""
    problems = []
    for inv in CreditInvalidation.objects.select_related("project").order_by("id"):
        entries = LedgerEntry.objects.filter(kind=LedgerKind.INVALIDATE, reference=f"invalidation:{inv.number}")
        entries_t = entries.aggregate(t=Sum("quantity_t"))["t"] or 0
        if entries_t != inv.quantity_t:
            problems.append(f"invalidation {inv.number}: {inv.quantity_t} t but its ledger entries total {entries_t} t")
        blocks = (
            CreditBlock.objects.filter(
                project=inv.project, serial_first__lte=inv.serial_last, serial_last__gte=inv.serial_first
            )
            .exclude(status=BlockStatus.SUPERSEDED)
            .order_by("serial_first")
        )
        if any(b.status != BlockStatus.INVALIDATED for b in blocks):
            problems.append(f"invalidation {inv.number}: a block of {inv.serial_first}-{inv.serial_last} is live again")
    per_retirement: dict[int, int] = defaultdict(int)
    for impact in InvalidationImpact.objects.select_related("retirement", "invalidation").order_by("id"):
        per_retirement[impact.retirement_id] += impact.quantity_t
        if impact.event_id != impact.retirement.event_id:
            problems.append(
                f"invalidation {impact.invalidation.number}: impact on an event its retirement did not back"
            )
        if per_retirement[impact.retirement_id] > impact.retirement.quantity_t:
            problems.append(
                f"retirement {impact.retirement.number}: impacts exceed its {impact.retirement.quantity_t} t"
            )
    return problems
