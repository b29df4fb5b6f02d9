from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Organization, Role
from zhonghe.events.models import Event
from zhonghe.lib.errors import NotFound, PermissionDenied, ValidationFailed
from zhonghe.lib.ids import parse_code
from zhonghe.registry import ranking
from zhonghe.registry.ledger import GENESIS_HASH
from zhonghe.registry.models import (
    BlockStatus,
    CreditBlock,
    CreditProject,
    ExternalCancellation,
    ExternalStatus,
    InvalidationImpact,
    LedgerEntry,
    Listing,
    ListingStatus,
    Order,
    OrderStatus,
    Retirement,
)


def project_tier(project: CreditProject) -> int:
    """The project's tier in the plan's order (registry/ranking.py): priority-origin CQCER, other CQCER,
    Chongqing CCER, other CCER, allowances. (project_register accepts only Chongqing district codes.)"""
    offer = ranking.Offer(
        code=project.code,
        credit_type=project.credit_type,
        origin_tags=tuple(project.origin_tags or ()),
        chongqing=bool(project.district_code),
        vintage=project.vintage,
        unit_price_cny=Decimal(0),
        available_t=0,
    )
    return ranking.tier_of(offer)


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
    # Tier first (a non-Chongqing CCER project never comes before a Chongqing one), then newer vintage, code.
    return sorted(projects, key=lambda p: (project_tier(p), -p.vintage, p.code))


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
    return Order.objects.filter(Q(buyer=org) | Q(seller=org)).select_related(
        "project", "buyer", "seller", "event", "listing"
    )


def retirements_for_event(event: Event) -> QuerySet[Retirement]:
    return Retirement.objects.filter(event=event).select_related("block__project").order_by("id")


def retired_t_for_event(event: Event) -> int:
    """Σ tonnes retired against the event, over all its inventory versions."""
    return Retirement.objects.filter(event=event).aggregate(s=Sum("quantity_t"))["s"] or 0


def ledger_head() -> dict[str, str | int]:
    """The sealed chain's head: {"hash": the last sealed entry's hash (GENESIS_HASH when none), "entries": their
    count}. Sequence numbers run 1..n without gaps (registry_audit checks it), so the count is the last seq.
    Pending entries are not in it: callers that need them in run registry.services.ledger_seal_all() first.
    """
    last = LedgerEntry.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "entry_hash").first()
    seq, head_hash = last if last else (0, GENESIS_HASH)
    return {"hash": head_hash, "entries": seq}


def listings_on_offer(*, today: date | None = None) -> list[Listing]:
    """Open, valid listings with tonnes left, in the catalogue's order, cheaper first within a project."""
    today = today or timezone.localdate()
    rows = (
        Listing.objects.filter(
            status=ListingStatus.OPEN, valid_until__gte=today, quantity_t__gt=F("reserved_t") + F("sold_t")
        )
        .select_related("project", "seller")
        .order_by("unit_price_cny", "created_at", "id")
    )
    return sorted(rows, key=lambda x: (project_tier(x.project), -x.project.vintage, x.unit_price_cny, x.project.code))


def listings_for_seller(org: Organization) -> QuerySet[Listing]:
    return Listing.objects.filter(seller=org).select_related("project").order_by("-created_at", "-id")


def listing_for_seller(org: Organization, code: object) -> Listing:
    """The seller's own listing; another organisation's (or a forged code) is NotFound."""
    listing = listings_for_seller(org).filter(code=parse_code(code, "listing")).first()
    if listing is None:
        raise NotFound(_("挂牌不存在"))
    return listing


def holdings_history_for_org(org: Organization, *, limit: int = 200) -> list[LedgerEntry]:
    """The organisation's ledger moves (issued to it, bought, sold, retired), newest first."""
    return list(
        LedgerEntry.objects.filter(Q(from_org=org) | Q(to_org=org))
        .select_related("project", "from_org", "to_org")
        .order_by("-id")[:limit]  # pending entries too (seq NULL until sealed)
    )


def sales_for_seller(org: Organization) -> list[dict]:
    """Per project: tonnes sold and their value (Σ quantity × price, to the fen), tonnes reserved by pending
    orders, and the number of orders in each state."""
    figures: dict[str, dict] = {}
    for order in Order.objects.filter(seller=org).select_related("project").order_by("project__code", "id"):
        row = figures.setdefault(
            order.project.code,
            {
                "project_code": order.project.code,
                "project_name": order.project.name,
                "sold_t": 0,
                "revenue_cny": Decimal("0.00"),
                "reserved_t": 0,
                "orders": dict.fromkeys(OrderStatus.values, 0),
            },
        )
        row["orders"][order.status] += 1
        if order.status == OrderStatus.CONFIRMED:
            row["sold_t"] += order.quantity_t
            row["revenue_cny"] += order.total_cny or Decimal("0.00")
        elif order.status == OrderStatus.PENDING:
            row["reserved_t"] += order.quantity_t
    return list(figures.values())


def external_for_event(event: Event) -> QuerySet[ExternalCancellation]:
    """The event's external cancellations (every status), oldest first."""
    return ExternalCancellation.objects.filter(event=event).select_related("event").order_by("recorded_at", "id")


def external_for_review(actor: Actor, status: str = ExternalStatus.PENDING) -> QuerySet[ExternalCancellation]:
    """Records in one status for the bureau or the registry operator (others: PermissionDenied)."""
    if not actor.has(Role.REVIEWER):
        raise PermissionDenied(_("只有生态环境局或登记机构可以审核外部注销"))
    if status not in ExternalStatus.values:
        raise ValidationFailed(_("状态无效"), fields={"status": str(status)[:20]})
    records = ExternalCancellation.objects.filter(status=status).select_related("event", "event__organization")
    return records.order_by("recorded_at", "id")


def invalidation_impacts_for_event(event: Event) -> QuerySet[InvalidationImpact]:
    """The event's retirements hit by invalidations: it needs replacement credits (certificate: a top-up)."""
    return InvalidationImpact.objects.filter(event=event).select_related("invalidation", "retirement", "certificate")


def certificate_top_up_t(certificate) -> int:
    """Tonnes by which a certificate needs a top-up (its retired credits invalidated since); 0 when none."""
    return int(certificate.top_ups_needed.aggregate(t=Sum("quantity_t"))["t"] or 0)
