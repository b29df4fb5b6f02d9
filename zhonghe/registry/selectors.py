from __future__ import annotations

from django.db.models import F, Q, QuerySet, Sum

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Organization
from zhonghe.events.models import Event
from zhonghe.registry.ledger import GENESIS_HASH
from zhonghe.registry.models import (
    BlockStatus,
    CreditBlock,
    CreditProject,
    CreditType,
    LedgerEntry,
    Order,
    Retirement,
)

# The plan's reference order (四（二）1): CQCER, then CCER from Chongqing projects; allowances after.
TYPE_RANK = {CreditType.CQCER: 0, CreditType.CCER: 1, CreditType.ALLOWANCE: 2}


def project_catalogue() -> list[CreditProject]:
    """Projects with `available_t` (seller's active units), in the plan's order, preferred origins first."""
    projects = list(
        CreditProject.objects.select_related("seller").annotate(
            available_t=Sum(
                "blocks__quantity_t",
                filter=Q(blocks__status=BlockStatus.ACTIVE, blocks__holder=F("seller")),
            )
        )
    )
    for p in projects:
        p.available_t = p.available_t or 0
    return sorted(projects, key=lambda p: (TYPE_RANK.get(p.credit_type, 9), not p.origin_tags, p.code))


def holdings_for_org(org: Organization) -> list[dict]:
    """Active units held by `org`, per project."""
    rows = (
        CreditBlock.objects.filter(holder=org, status=BlockStatus.ACTIVE)
        .values("project__code", "project__name", "project__credit_type", "project__vintage")
        .annotate(quantity_t=Sum("quantity_t"))
        .order_by("project__code")
    )
    return list(rows)


def blocks_for_org(org: Organization) -> QuerySet[CreditBlock]:
    return CreditBlock.objects.filter(holder=org, status=BlockStatus.ACTIVE).select_related("project")


def orders_for_actor(actor: Actor) -> QuerySet[Order]:
    org = actor.organization
    return Order.objects.filter(Q(buyer=org) | Q(seller=org)).select_related("project", "buyer", "seller", "event")


def retirements_for_event(event: Event) -> QuerySet[Retirement]:
    return Retirement.objects.filter(event=event).select_related("block__project").order_by("id")


def retired_t_for_event(event: Event) -> int:
    """Σ tonnes retired against the event, over all its inventory versions."""
    return Retirement.objects.filter(event=event).aggregate(s=Sum("quantity_t"))["s"] or 0


def ledger_head() -> dict[str, str | int]:
    """The chain's head: {"hash": the last entry's hash (GENESIS_HASH when empty), "entries": their count}.

    Sequence numbers run 1..n without gaps (registry_audit checks it), so the count is the last seq.
    """
    last = LedgerEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    seq, head_hash = last if last else (0, GENESIS_HASH)
    return {"hash": head_hash, "entries": seq}
