"""Racing buyers on PostgreSQL: the listing row lock means its last tonnes are reserved once, never twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from zhonghe.footprints.tests.builders import project_with_credits
from zhonghe.registry.listings import listing_create, order_cancel
from zhonghe.registry.models import Listing, Order, OrderStatus
from zhonghe.registry.services import order_confirm, order_create
from zhonghe.registry.tests.test_concurrency import THREADS, _is_conflict, assert_ledger_whole, run_racing

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SELECT … FOR UPDATE)"),
    pytest.mark.django_db(transaction=True),
]


def _listing(actors, project, quantity_t):
    return listing_create(
        actor=actors.seller,
        project_code=project.code,
        listing_type="credits",
        quantity_t=quantity_t,
        unit_price_cny=Decimal("50"),
        valid_until=timezone.localdate() + dt.timedelta(days=3),
    )


@pytest.mark.parametrize("attempt", range(5))
def test_two_buyers_for_the_last_tonnes_of_a_listing(actors, attempt):
    project = project_with_credits(actors, 1000)
    listing = _listing(actors, project, 100)
    order_create(actor=actors.organiser, listing_code=listing.code, quantity_t=90)  # 10 t left
    buyers = [actors.organiser, actors.outsider]

    results = run_racing(2, lambda i: order_create(actor=buyers[i], listing_code=listing.code, quantity_t=10))
    winners = [r for r in results if isinstance(r, Order)]
    losers = [r for r in results if not isinstance(r, Order)]
    assert len(winners) == 1 and all(_is_conflict(r, "exceeds_listing") for r in losers), results
    listing.refresh_from_db()
    assert (listing.reserved_t, listing.sold_t) == (100, 0)
    pending = Order.objects.filter(listing=listing, status=OrderStatus.PENDING).aggregate(s=Sum("quantity_t"))["s"]
    assert pending == 100


def test_many_buyers_confirm_and_cancel_while_ordering(actors):
    project = project_with_credits(actors, 1000)
    listing = _listing(actors, project, 200)
    first = order_create(actor=actors.organiser, listing_code=listing.code, quantity_t=50)
    second = order_create(actor=actors.outsider, listing_code=listing.code, quantity_t=50)

    def work(i: int):
        if i == 0:
            return order_confirm(actor=actors.seller, order_code=first.code)
        if i == 1:
            return order_cancel(actor=actors.outsider, order_code=second.code)
        return order_create(
            actor=actors.organiser if i % 2 else actors.outsider, listing_code=listing.code, quantity_t=30
        )

    results = run_racing(THREADS, work)
    assert not [r for r in results if isinstance(r, Exception) and not _is_conflict(r, "exceeds_listing")], results
    listing = Listing.objects.get(pk=listing.pk)
    orders = Order.objects.filter(listing=listing)
    reserved = orders.filter(status=OrderStatus.PENDING).aggregate(s=Sum("quantity_t"))["s"] or 0
    sold = orders.filter(status=OrderStatus.CONFIRMED).aggregate(s=Sum("quantity_t"))["s"] or 0
    assert (listing.reserved_t, listing.sold_t) == (reserved, sold) and sold == 50
    assert reserved + sold <= listing.quantity_t
    assert_ledger_whole(project)
