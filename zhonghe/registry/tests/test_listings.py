"""Listings and reservations: listing_create/update/withdraw, orders on listings, decline, cancel, expiry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from zhonghe.footprints.tests.builders import active_blocks, project_with_credits, refused, register_project
from zhonghe.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhonghe.registry.audit import audit_registry
from zhonghe.registry.listings import ORDER_HOLD, listing_create, listing_update, listing_withdraw, order_cancel
from zhonghe.registry.models import BlockStatus, CreditBlock, Listing, OrderStatus
from zhonghe.registry.selectors import holdings_history_for_org, listings_on_offer, sales_for_seller
from zhonghe.registry.services import credits_issue, order_confirm, order_create, order_reject

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def project(actors):
    return project_with_credits(actors, 1000)


def _listing(actors, project, quantity_t=100, price="50.00", **extra) -> Listing:
    terms = dict(
        project_code=project.code,
        listing_type="credits",
        quantity_t=quantity_t,
        unit_price_cny=Decimal(price),
        valid_until=TOMORROW,
    )
    terms.update(extra)
    return listing_create(actor=actors.seller, **terms)


def _order(actors, listing, quantity_t, buyer=None, **extra):
    return order_create(actor=buyer or actors.organiser, listing_code=listing.code, quantity_t=quantity_t, **extra)


def _reload(listing):
    listing.refresh_from_db()
    return listing.quantity_t, listing.reserved_t, listing.sold_t


# ---------------------------------------------------------------- listing_create / update / withdraw


def test_listing_create_happy_path(actors, project):
    listing = _listing(actors, project, 100, "48.5")
    assert (listing.seller, listing.project, listing.remaining_t) == (actors.orgs.seller, project, 100)
    assert listing.unit_price_cny == Decimal("48.50")
    assert [x.code for x in listings_on_offer()] == [listing.code]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"listing_type": "gift"}, "listing_type"),
        ({"listing_type": "allowance_donation", "unit_price_cny": Decimal("0")}, "listing_type"),
        ({"quantity_t": 0}, "quantity_t"),
        ({"quantity_t": True}, "quantity_t"),
        ({"quantity_t": 100_000_001}, "quantity_t"),
        ({"unit_price_cny": Decimal("-1")}, "unit_price_cny"),
        ({"unit_price_cny": Decimal("0")}, "unit_price_cny"),
        ({"unit_price_cny": Decimal("1.005")}, "unit_price_cny"),
        ({"unit_price_cny": 1.5}, "unit_price_cny"),
        ({"unit_price_cny": Decimal("NaN")}, "unit_price_cny"),
        ({"valid_until": timezone.localdate() - dt.timedelta(days=1)}, "valid_until"),
        ({"valid_until": "2030-01-01"}, "valid_until"),
    ],
)
def test_listing_create_refuses_bad_terms(actors, project, overrides, field):
    error = refused(ValidationFailed, "validation_failed", _listing, actors, project, **overrides)
    assert field in error.fields


def test_allowance_only_as_donation_at_zero_price(actors):
    allowance = register_project(actors, code="CQEA-2024-001", credit_type="ALLOWANCE", origin_tags=[])
    credits_issue(actor=actors.platform, project=allowance, quantity_t=50)
    error = refused(ValidationFailed, "validation_failed", _listing, actors, allowance, 10)
    assert "listing_type" in error.fields
    error = refused(
        ValidationFailed, "validation_failed", _listing, actors, allowance, 10, listing_type="allowance_donation"
    )
    assert "unit_price_cny" in error.fields  # a donation costs nothing
    donation = _listing(actors, allowance, 10, "0", listing_type="allowance_donation")
    order = _order(actors, donation, 10)
    assert order.total_cny == Decimal("0.00")


def test_listing_cannot_exceed_unlisted_stock(actors, project):
    _listing(actors, project, 600)
    error = refused(Conflict, "insufficient_credits", _listing, actors, project, 401)
    assert "400" in error.message
    _listing(actors, project, 400)  # exactly the rest


def test_listing_needs_seller_role_and_own_stock(actors, project):
    refused(
        PermissionDenied,
        "permission_denied",
        listing_create,
        actor=actors.organiser,
        project_code=project.code,
        listing_type="credits",
        quantity_t=1,
        unit_price_cny=Decimal("1"),
        valid_until=TOMORROW,
    )
    refused(NotFound, "not_found", _listing, actors, project, project_code="NO-SUCH")


def test_listing_update_bounds(actors, project):
    listing = _listing(actors, project, 100)
    _order(actors, listing, 30)
    refused(
        Conflict,
        "below_committed",
        listing_update,
        actor=actors.seller,
        listing_code=listing.code,
        quantity_t=29,
        unit_price_cny=Decimal("50"),
        valid_until=TOMORROW,
    )
    refused(
        Conflict,
        "insufficient_credits",
        listing_update,
        actor=actors.seller,
        listing_code=listing.code,
        quantity_t=1001,
        unit_price_cny=Decimal("50"),
        valid_until=TOMORROW,
    )
    updated = listing_update(
        actor=actors.seller,
        listing_code=listing.code,
        quantity_t=1000,
        unit_price_cny=Decimal("55"),
        valid_until=TOMORROW,
    )
    assert (updated.quantity_t, updated.reserved_t, updated.unit_price_cny) == (1000, 30, Decimal("55.00"))


def test_listing_of_another_seller_is_not_found(actors, project):
    other = register_project(actors, code="CQCER-2025-0100", seller=actors.orgs.outsider)
    listing = _listing(actors, project)
    outsider_as_seller = type(actors.seller)(organization=actors.orgs.outsider, roles=frozenset({"seller"}))
    refused(NotFound, "not_found", listing_withdraw, actor=outsider_as_seller, listing_code=listing.code)
    refused(
        NotFound,
        "not_found",
        listing_update,
        actor=outsider_as_seller,
        listing_code=listing.code,
        quantity_t=1,
        unit_price_cny=Decimal("1"),
        valid_until=TOMORROW,
    )
    assert other.code != project.code


def test_withdrawn_listing_takes_no_orders_but_keeps_pending_ones(actors, project):
    listing = _listing(actors, project, 100)
    pending = _order(actors, listing, 20)
    listing_withdraw(actor=actors.seller, listing_code=listing.code)
    refused(Conflict, "listing_closed", _order, actors, listing, 1)
    refused(Conflict, "listing_closed", listing_withdraw, actor=actors.seller, listing_code=listing.code)
    # The withdrawn listing still earmarks the 20 t reserved, no more: 980 t can be listed again.
    refused(Conflict, "insufficient_credits", _listing, actors, project, 981)
    order_confirm(actor=actors.seller, order_code=pending.code)
    assert _reload(listing) == (100, 0, 20)


# ---------------------------------------------------------------- orders on listings: reservation


def test_order_reserves_at_the_listing_price_and_totals_to_the_fen(actors, project):
    listing = _listing(actors, project, 100, "33.33")
    order = _order(actors, listing, 7)
    assert (order.listing, order.unit_price_cny, order.total_cny) == (listing, Decimal("33.33"), Decimal("233.31"))
    assert order.expires_at == pytest.approx(timezone.now() + ORDER_HOLD, abs=dt.timedelta(seconds=30))
    assert _reload(listing) == (100, 7, 0)
    listing_update(
        actor=actors.seller,
        listing_code=listing.code,
        quantity_t=100,
        unit_price_cny=Decimal("99"),
        valid_until=TOMORROW,
    )
    order.refresh_from_db()
    assert order.total_cny == Decimal("233.31")  # a price change never touches a placed order


def test_order_for_more_than_on_offer_is_refused_at_order_time(actors, project):
    listing = _listing(actors, project, 100)
    _order(actors, listing, 60)
    error = refused(Conflict, "exceeds_listing", _order, actors, listing, 41, buyer=actors.outsider)
    assert "40" in error.message and error.fields == {"quantity_t": 41}
    _order(actors, listing, 40, buyer=actors.outsider)
    assert _reload(listing) == (100, 100, 0)


def test_lapsed_listing_takes_no_orders(actors, project):
    listing = _listing(actors, project, 100)
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        refused(Conflict, "listing_closed", _order, actors, listing, 1)


def test_order_on_own_listing_and_wrong_project_refused(actors, project):
    listing = _listing(actors, project, 100)
    both = type(actors.seller)(organization=actors.orgs.seller, roles=frozenset({"seller", "organiser"}))
    refused(Conflict, "self_trade", _order, actors, listing, 1, buyer=both)
    refused(ValidationFailed, "validation_failed", _order, actors, listing, 1, project_code="OTHER-1")
    refused(NotFound, "not_found", order_create, actor=actors.organiser, listing_code="not-a-code", quantity_t=1)


def test_idempotent_listing_order_reserves_once(actors, project):
    listing = _listing(actors, project, 100)
    first = _order(actors, listing, 10, idempotency_key="k-1")
    again = _order(actors, listing, 10, idempotency_key="k-1")
    assert first.pk == again.pk and _reload(listing) == (100, 10, 0)


def test_confirm_turns_reservation_into_sale_and_moves_holdings(actors, project):
    listing = _listing(actors, project, 100, "50")
    order = _order(actors, listing, 30)
    order_confirm(actor=actors.seller, order_code=order.code)
    assert _reload(listing) == (100, 0, 30)
    assert active_blocks(actors.orgs.organiser, project) == [(1, 30)]
    [sale] = sales_for_seller(actors.orgs.seller)
    assert (sale["sold_t"], sale["revenue_cny"], sale["orders"]["confirmed"]) == (30, Decimal("1500.00"), 1)
    kinds = [(e.kind, e.quantity_t) for e in holdings_history_for_org(actors.orgs.organiser)]
    assert kinds == [("transfer", 30)]
    assert audit_registry() == []


def test_a_listing_order_whose_stock_vanished_is_refused_and_writes_nothing(actors, project):
    # order_confirm writes the order, the listing and the audit entry before it takes the project lock: a
    # shortfall found inside the lock must roll all of them back.
    listing = _listing(actors, project, 100)
    order = _order(actors, listing, 30)
    # No service can take reserved stock away (planted): the seller's whole holding moves to someone else.
    held = CreditBlock.objects.filter(project=project, holder=actors.orgs.seller, status=BlockStatus.ACTIVE)
    held.update(holder=actors.orgs.organiser)
    refused(Conflict, "insufficient_credits", order_confirm, actor=actors.seller, order_code=order.code)
    listing.refresh_from_db()
    assert (listing.reserved_t, listing.sold_t) == (30, 0)


def test_direct_order_cannot_take_listed_tonnes(actors, project):
    _listing(actors, project, 900)
    direct = order_create(actor=actors.organiser, project_code=project.code, quantity_t=101)
    refused(Conflict, "insufficient_credits", order_confirm, actor=actors.seller, order_code=direct.code)
    fits = order_create(actor=actors.organiser, project_code=project.code, quantity_t=100)
    order_confirm(actor=actors.seller, order_code=fits.code)


# ---------------------------------------------------------------- releases: decline, cancel, expiry


def test_decline_needs_a_reason_and_releases(actors, project):
    listing = _listing(actors, project, 100)
    order = _order(actors, listing, 30)
    refused(ValidationFailed, "validation_failed", order_reject, actor=actors.seller, order_code=order.code, note=" ")
    declined = order_reject(actor=actors.seller, order_code=order.code, note="库存核对中")
    assert (declined.status, declined.note) == (OrderStatus.REJECTED, "库存核对中")
    assert _reload(listing) == (100, 0, 0)


def test_buyer_cancels_only_own_pending_orders(actors, project):
    listing = _listing(actors, project, 100)
    order = _order(actors, listing, 30)
    refused(NotFound, "not_found", order_cancel, actor=actors.outsider, order_code=order.code)
    cancelled = order_cancel(actor=actors.organiser, order_code=order.code)
    assert cancelled.status == OrderStatus.CANCELLED and _reload(listing) == (100, 0, 0)
    refused(Conflict, "order_not_pending", order_cancel, actor=actors.organiser, order_code=order.code)
    refused(Conflict, "order_not_pending", order_confirm, actor=actors.seller, order_code=order.code)


def test_expire_orders_releases_after_the_deadline_idempotently(actors, project):
    listing = _listing(actors, project, 100)
    old = _order(actors, listing, 30)
    with time_machine.travel(timezone.now() + ORDER_HOLD + dt.timedelta(minutes=1)):
        refused(Conflict, "order_expired", order_confirm, actor=actors.seller, order_code=old.code)
        call_command("expire_orders")
        call_command("expire_orders")  # a second run finds nothing to do
    old.refresh_from_db()
    assert old.status == OrderStatus.EXPIRED and _reload(listing) == (100, 0, 0)


def test_expire_orders_leaves_fresh_and_direct_orders(actors, project):
    listing = _listing(actors, project, 100)
    fresh = _order(actors, listing, 30)
    direct = order_create(actor=actors.organiser, project_code=project.code, quantity_t=5)
    call_command("expire_orders")
    for order in (fresh, direct):
        order.refresh_from_db()
        assert order.status == OrderStatus.PENDING
    assert _reload(listing) == (100, 30, 0)


def test_a_refused_quantity_names_the_free_tonnes_grouped(actors):
    project = project_with_credits(actors, 12_345)
    error = refused(Conflict, "insufficient_credits", _listing, actors, project, quantity_t=20_000)
    assert "仅12,345吨" in error.message  # whole tonnes, grouped, as on every page
    assert not Listing.objects.exists()
