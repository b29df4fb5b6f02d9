"""Market pages: seller listings (create, update, withdraw), ordering on a listing, totals, cancel, decline,
holdings with history and sales figures; other organisations' listings are 404; refusals write nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from zhonghe.footprints.tests.builders import assert_nothing_written, db_snapshot
from zhonghe.registry.listings import listing_create
from zhonghe.registry.models import Listing, Order, OrderStatus
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db

UNTIL = timezone.localdate() + dt.timedelta(days=5)


def _listing(actors, project, quantity_t=100, price="45.50"):
    return listing_create(
        actor=actors.seller,
        project_code=project.code,
        listing_type="credits",
        quantity_t=quantity_t,
        unit_price_cny=Decimal(price),
        valid_until=UNTIL,
    )


def test_seller_publishes_a_listing_from_the_page(actors, projects):
    client = login("seller")
    page = client.get(reverse("web:listings")).content.decode()
    assert 'data-testid="listing-form"' in page
    data = {
        "project_code": projects["cqcer"].code,
        "listing_type": "credits",
        "quantity_t": "120",
        "unit_price_cny": "50.00",
        "valid_until": UNTIL.isoformat(),
    }
    assert client.post(reverse("web:listings"), data).status_code == 302
    listing = Listing.objects.get()
    assert (listing.quantity_t, listing.unit_price_cny, listing.seller) == (120, Decimal("50.00"), actors.orgs.seller)


def test_listing_over_stock_is_refused_on_the_page_and_writes_nothing(actors, projects):
    client = login("seller")
    before = db_snapshot()
    data = {
        "project_code": projects["cqcer"].code,
        "listing_type": "credits",
        "quantity_t": "501",
        "unit_price_cny": "50.00",
        "valid_until": UNTIL.isoformat(),
    }
    response = client.post(reverse("web:listings"), data)
    assert response.status_code == 409
    assert "500" in response.content.decode()
    assert_nothing_written(before)


def test_organiser_orders_on_a_listing_and_sees_the_total(actors, projects):
    listing = _listing(actors, projects["cqcer"])
    client = login("organiser")
    page = client.get(reverse("web:market")).content.decode()
    assert f'data-code="{listing.code}"' in page
    prefix = f"l{listing.pk}"
    response = client.post(reverse("web:listing_order", args=[listing.code]), {f"{prefix}-quantity_t": "3"})
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.listing, order.total_cny) == (listing, Decimal("136.50"))
    orders_page = client.get(reverse("web:orders")).content.decode()
    assert "136.50" in orders_page and 'data-testid="order-cancel"' in orders_page


def test_money_and_tonnes_are_grouped_on_the_market_and_orders_pages(actors, projects):
    listing = _listing(actors, projects["cqcer"], quantity_t=400, price="1234.50")
    client = login("organiser")
    market = client.get(reverse("web:market")).content.decode()
    row = market[market.index(f'data-code="{listing.code}"') :][:2000]
    assert '<td class="text-end">400</td>' in row and '<td class="text-end">1,234.50</td>' in row
    prefix = f"l{listing.pk}"
    assert (
        client.post(reverse("web:listing_order", args=[listing.code]), {f"{prefix}-quantity_t": "300"}).status_code
        == 302
    )
    assert Order.objects.get().total_cny == Decimal("370350.00")
    orders_page = client.get(reverse("web:orders")).content.decode()
    assert 'data-testid="order-total">370,350.00<' in orders_page
    assert "370350" not in orders_page


def test_order_beyond_the_listing_is_refused_on_the_page(actors, projects):
    listing = _listing(actors, projects["cqcer"], 10)
    client = login("organiser")
    before = db_snapshot()
    response = client.post(reverse("web:listing_order", args=[listing.code]), {f"l{listing.pk}-quantity_t": "11"})
    assert response.status_code == 409
    assert 'data-testid="listing-order-error"' in response.content.decode()
    assert_nothing_written(before)


def test_cancel_and_decline_from_the_orders_page(actors, projects):
    from zhonghe.registry.services import order_create

    listing = _listing(actors, projects["cqcer"])
    first = order_create(actor=actors.organiser, listing_code=listing.code, quantity_t=5)
    second = order_create(actor=actors.organiser, listing_code=listing.code, quantity_t=6)
    assert login("outsider").post(reverse("web:order_decide", args=[first.code, "cancel"])).status_code == 404
    assert login("organiser").post(reverse("web:order_decide", args=[first.code, "cancel"])).status_code == 302
    seller = login("seller")
    before = db_snapshot()
    assert seller.post(reverse("web:order_decide", args=[second.code, "reject"])).status_code == 422
    assert_nothing_written(before)
    decided = seller.post(reverse("web:order_decide", args=[second.code, "reject"]), {"note": "暂停出售"})
    assert decided.status_code == 302
    statuses = dict(Order.objects.values_list("code", "status"))
    assert (statuses[first.code], statuses[second.code]) == (OrderStatus.CANCELLED, OrderStatus.REJECTED)
    listing.refresh_from_db()
    assert listing.reserved_t == 0


def test_update_withdraw_and_other_sellers_listing_is_404(actors, projects):
    listing = _listing(actors, projects["cqcer"])
    client = login("seller")
    data = {"quantity_t": "80", "unit_price_cny": "40", "valid_until": UNTIL.isoformat()}
    assert client.post(reverse("web:listing_action", args=[listing.code, "update"]), data).status_code == 302
    listing.refresh_from_db()
    assert (listing.quantity_t, listing.unit_price_cny) == (80, Decimal("40.00"))
    assert login("outsider").post(reverse("web:listing_action", args=[listing.code, "withdraw"])).status_code == 404
    assert client.post(reverse("web:listing_action", args=[listing.code, "withdraw"])).status_code == 302
    listing.refresh_from_db()
    assert listing.status == "withdrawn"


def test_holdings_page_shows_history_and_sales_figures(actors, projects):
    from zhonghe.registry.services import order_confirm, order_create

    listing = _listing(actors, projects["cqcer"])
    order = order_create(actor=actors.organiser, listing_code=listing.code, quantity_t=4)
    order_confirm(actor=actors.seller, order_code=order.code)
    page = login("organiser").get(reverse("web:holdings")).content.decode()
    assert page.count('data-testid="history-row"') == 1 and "买入" in page
    sales = login("seller").get(reverse("web:listings")).content.decode()
    assert "182.00" in sales  # 4 t × 45.50
