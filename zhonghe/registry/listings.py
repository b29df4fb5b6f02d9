"""Listings (挂牌) and the reservations orders hold on them. A ledger writer next to registry/services.py.

A listing offers part of a seller's active stock of one project. While it is open and valid, its unsold
part (`quantity_t - sold_t`) is earmarked: a direct (listing-less) order, a new listing or a larger
listing can never take earmarked tonnes, so every reservation can be honoured at confirmation.

An order on a listing reserves its tonnes at order time (`reserved_t`) under the listing's row lock; the
reservation is released when the seller declines (reason required), the buyer cancels (pending only) or
the order expires (`manage.py expire_orders`), and becomes `sold_t` when the seller confirms.

Lock order: see the top of registry/services.py (order row → listing row → project row → blocks).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Organization, Role
from zhonghe.audit.services import audit_append, audit_snapshot
from zhonghe.lib.errors import Conflict, NotFound, ValidationFailed
from zhonghe.lib.ids import parse_code
from zhonghe.lib.numbers import format_number
from zhonghe.lib.rows import locked_rows
from zhonghe.registry.models import (
    BlockStatus,
    CreditBlock,
    CreditProject,
    CreditType,
    Listing,
    ListingStatus,
    ListingType,
    Order,
    OrderStatus,
)

# How long an order on a listing holds its tonnes before `expire_orders` releases them.
ORDER_HOLD = dt.timedelta(hours=72)
MAX_LISTING_T = 100_000_000
MAX_PRICE_CNY = Decimal("99999999.99")  # the column's 10 digits, 2 places


_EARMARKED_SQL = (
    "SELECT COALESCE(SUM(CASE WHEN status = %s AND valid_until >= %s THEN quantity_t - sold_t ELSE reserved_t END), 0)"
    f" FROM {Listing._meta.db_table} WHERE project_id = %s AND seller_id = %s"
)


def earmarked_t(project: CreditProject, seller: Organization, *, today: dt.date, exclude: Listing | None = None) -> int:
    """Tonnes of `seller`'s stock of `project` promised to listings: unsold part of open, valid listings,
    plus what pending orders still reserve on closed or lapsed ones."""
    # One fixed statement (it runs inside the project lock): what Listing.objects.filter(project, seller)
    # .aggregate(Sum(Case(When(open and valid, then=quantity_t - sold_t), default=reserved_t))) would compute.
    sql, params = earmarked_sql(project, seller, today=today)
    if exclude is not None:
        sql, params = sql + " AND id <> %s", [*params, exclude.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def earmarked_sql(project: CreditProject, seller: Organization, *, today: dt.date) -> tuple[str, list]:
    """earmarked_t as (SQL, params), for a caller that reads it in the statement that locks the blocks."""
    return _EARMARKED_SQL, [ListingStatus.OPEN, connection.ops.adapt_datefield_value(today), project.pk, seller.pk]


def active_t(project: CreditProject, holder: Organization) -> int:
    rows = CreditBlock.objects.filter(project=project, holder=holder, status=BlockStatus.ACTIVE)
    return rows.aggregate(t=Sum("quantity_t"))["t"] or 0


def free_t(project: CreditProject, seller: Organization, *, exclude: Listing | None = None) -> int:
    """Active stock not earmarked for a listing. Callers hold the project row lock."""
    return active_t(project, seller) - earmarked_t(project, seller, today=timezone.localdate(), exclude=exclude)


def _lock_project(project_code: str) -> CreditProject:
    found = locked_rows(CreditProject, "code = %s", [str(project_code).strip()])
    if not found:
        raise NotFound(_("项目不存在"))
    return found[0]


def _check_terms(
    project: CreditProject, listing_type: str, quantity_t: object, unit_price_cny: object, valid_until: object
) -> tuple[int, Decimal, dt.date]:
    errors: dict[str, str] = {}
    if listing_type not in ListingType.values:
        errors["listing_type"] = _("未知的挂牌类型")
    elif listing_type == ListingType.ALLOWANCE_DONATION and project.credit_type != CreditType.ALLOWANCE:
        errors["listing_type"] = _("只有碳排放配额可以挂牌捐赠")
    elif listing_type == ListingType.CREDITS and project.credit_type == CreditType.ALLOWANCE:
        errors["listing_type"] = _("节余配额请以“捐赠节余配额”挂牌")
    ok_quantity = isinstance(quantity_t, int) and not isinstance(quantity_t, bool)
    if not ok_quantity or not 1 <= quantity_t <= MAX_LISTING_T:  # type: ignore[operator]
        errors["quantity_t"] = _("数量应为1至100,000,000之间的整数（吨）")
    try:
        price = Decimal(str(unit_price_cny)) if not isinstance(unit_price_cny, float | bool) else None
    except InvalidOperation:
        price = None
    if price is None or not price.is_finite() or price < 0 or price > MAX_PRICE_CNY or -price.as_tuple().exponent > 2:  # type: ignore[operator]
        errors["unit_price_cny"] = _("单价应为不小于0的金额，最多两位小数")
    elif listing_type == ListingType.ALLOWANCE_DONATION and price != 0:
        errors["unit_price_cny"] = _("捐赠的节余配额单价应为0")
    elif listing_type == ListingType.CREDITS and price == 0:
        errors["unit_price_cny"] = _("出售减排量请填写大于0的单价")
    if not isinstance(valid_until, dt.date) or isinstance(valid_until, dt.datetime):
        errors["valid_until"] = _("请填写有效期（日期）")
    elif valid_until < timezone.localdate():
        errors["valid_until"] = _("有效期不能早于今天")
    if errors:
        raise ValidationFailed(_("挂牌信息有误"), fields=errors)
    return quantity_t, price.quantize(Decimal("0.01")), valid_until  # type: ignore[union-attr,return-value]


@transaction.atomic
def listing_create(
    *,
    actor: Actor,
    project_code: str,
    listing_type: str,
    quantity_t: int,
    unit_price_cny: Decimal,
    valid_until: dt.date,
) -> Listing:
    """Offer `quantity_t` of the seller's own free stock of a project. Raises ValidationFailed, NotFound,
    Conflict(insufficient_credits) when the free (unlisted) stock is smaller."""
    actor.require(Role.SELLER)
    project = _lock_project(project_code)
    quantity, price, until = _check_terms(project, listing_type, quantity_t, unit_price_cny, valid_until)
    available = free_t(project, actor.organization)
    if quantity > available:
        raise Conflict(
            _("未挂牌的可用减排量仅%(n)s吨") % {"n": format_number(max(available, 0), "credits")},
            code="insufficient_credits",
            fields={"quantity_t": quantity},
        )
    listing = Listing.objects.create(
        project=project,
        seller=actor.organization,
        listing_type=listing_type,
        quantity_t=quantity,
        unit_price_cny=price,
        valid_until=until,
    )
    audit_append(actor=actor, action="listing.create", target=listing)
    return listing


def locked_listing(listing_code: object, **scope) -> Listing:
    listing = (
        Listing.objects.select_for_update(of=("self",))
        .select_related("project", "seller")
        .filter(code=parse_code(listing_code, "listing"), **scope)
        .first()
    )
    if listing is None:
        raise NotFound(_("挂牌不存在"))
    return listing


@transaction.atomic
def listing_update(
    *,
    actor: Actor,
    listing_code: object,
    quantity_t: int,
    unit_price_cny: Decimal,
    valid_until: dt.date,
) -> Listing:
    """Change an open listing's terms. Pending orders keep the price they were placed at; the quantity can
    neither drop below what is reserved + sold nor exceed the seller's free stock. Raises as listing_create."""
    actor.require(Role.SELLER)
    listing = locked_listing(listing_code, seller=actor.organization)
    if listing.status != ListingStatus.OPEN:
        raise Conflict(_("挂牌已下架"), code="listing_closed")
    project = _lock_project(listing.project.code)
    quantity, price, until = _check_terms(project, listing.listing_type, quantity_t, unit_price_cny, valid_until)
    committed = listing.reserved_t + listing.sold_t
    if quantity < committed:
        raise Conflict(
            _("数量不能少于已预留和已成交的%(n)s吨") % {"n": format_number(committed, "credits")},
            code="below_committed",
            fields={"quantity_t": quantity},
        )
    available = free_t(project, actor.organization, exclude=listing) + listing.sold_t
    if quantity > available:
        raise Conflict(
            _("可挂牌的减排量仅%(n)s吨") % {"n": format_number(max(available, 0), "credits")},
            code="insufficient_credits",
            fields={"quantity_t": quantity},
        )
    before = audit_snapshot(listing)
    listing.quantity_t, listing.unit_price_cny, listing.valid_until = quantity, price, until
    listing.save(update_fields=["quantity_t", "unit_price_cny", "valid_until", "updated_at"])
    audit_append(actor=actor, action="listing.update", target=listing, before=before)
    return listing


@transaction.atomic
def listing_withdraw(*, actor: Actor, listing_code: object) -> Listing:
    """Close a listing to new orders. Pending orders on it stay reserved until decided, cancelled or expired."""
    actor.require(Role.SELLER)
    listing = locked_listing(listing_code, seller=actor.organization)
    if listing.status != ListingStatus.OPEN:
        raise Conflict(_("挂牌已下架"), code="listing_closed")
    before = audit_snapshot(listing)
    listing.status = ListingStatus.WITHDRAWN
    listing.save(update_fields=["status", "updated_at"])
    audit_append(actor=actor, action="listing.withdraw", target=listing, before=before)
    return listing


def check_reservable(listing: Listing, quantity_t: int) -> None:
    """Refuse an order on a locked listing that is closed, lapsed or asks for more than it still offers."""
    if listing.status != ListingStatus.OPEN or listing.valid_until < timezone.localdate():
        raise Conflict(_("挂牌已下架或已过有效期"), code="listing_closed")
    if quantity_t > listing.remaining_t:
        raise Conflict(
            _("挂牌可订购的数量仅%(n)s吨") % {"n": format_number(listing.remaining_t, "credits")},
            code="exceeds_listing",
            fields={"quantity_t": quantity_t},
        )


def reserve(listing: Listing, quantity_t: int) -> None:
    """Reserve `quantity_t` on a locked listing for the order just created (check_reservable ran first)."""
    listing.reserved_t += quantity_t
    listing.save(update_fields=["reserved_t", "updated_at"])


def release(order: Order, status: str, note: str = "") -> Order:
    """End a pending order without a sale: give its reservation back to its listing (locked here)."""
    if order.listing_id:
        listing = locked_listing(order.listing.code)
        listing.reserved_t -= order.quantity_t
        listing.save(update_fields=["reserved_t", "updated_at"])
    order.status = status
    order.note = note
    order.decided_at = timezone.now()
    order.save(update_fields=["status", "note", "decided_at"])
    return order


@transaction.atomic
def order_cancel(*, actor: Actor, order_code: object) -> Order:
    """The buyer withdraws its own pending order; the reserved tonnes return to the listing."""
    actor.require(Role.ORGANISER)
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("listing")
        .filter(code=parse_code(order_code, "order"), buyer=actor.organization)
        .first()
    )
    if order is None:
        raise NotFound(_("订单不存在"))
    if order.status != OrderStatus.PENDING:
        raise Conflict(_("只能取消待确认的订单"), code="order_not_pending")
    release(order, OrderStatus.CANCELLED, _("买方已取消订单"))
    audit_append(actor=actor, action="order.cancel", target=order)
    return order


def orders_expire(*, now: dt.datetime | None = None) -> int:
    """Expire every pending order past its deadline, one transaction per order; returns how many.

    Idempotent: an expired order is no longer pending. On PostgreSQL rows another worker is handling
    are skipped (skip_locked), so several workers can run at once.
    """
    now = now or timezone.now()
    due = Order.objects.filter(status=OrderStatus.PENDING, expires_at__lt=now).order_by("expires_at", "id")
    count = 0
    for code in list(due.values_list("code", flat=True)):
        with transaction.atomic():
            rows = Order.objects.select_for_update(
                of=("self",), skip_locked=connection.features.has_select_for_update_skip_locked
            )
            order = rows.select_related("listing").filter(code=code, status=OrderStatus.PENDING).first()
            if order is None:
                continue
            release(order, OrderStatus.EXPIRED, _("超过订单保留期限，预留已释放"))
            audit_append(actor=None, action="order.expire", target=order)  # the worker: audit_acting_as label
            count += 1
    return count
