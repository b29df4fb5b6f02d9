"""Basket page: proposal with reasons, one-step order, warning + acknowledgement when leaving the plan's order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from zhonghe.footprints.tests.builders import accounted_event, assert_nothing_written, db_snapshot
from zhonghe.registry.listings import listing_create
from zhonghe.registry.models import Order
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers(actors, projects):
    until = timezone.localdate() + dt.timedelta(days=5)
    made = {}
    for key, quantity in (("cqcer", 10), ("ccer", 100)):
        made[key] = listing_create(
            actor=actors.seller,
            project_code=projects[key].code,
            listing_type="credits",
            quantity_t=quantity,
            unit_price_cny=Decimal("20"),
            valid_until=until,
        )
    return made


def test_page_proposes_and_orders_in_one_step(actors, offers):
    event, _ = accounted_event(actors.organiser)  # 13 t
    client = login("organiser")
    page = client.get(reverse("web:event_basket", args=[event.code])).content.decode()
    assert page.count('data-testid="basket-line"') == 2 and "260.00" in page  # 13 t × 20
    assert "渝东南武陵山区城镇群" in page
    data = {"token": "t-1", "buffer_pct": "0", f"q-{offers['cqcer'].code}": "10", f"q-{offers['ccer'].code}": "3"}
    assert client.post(reverse("web:event_basket", args=[event.code]), data).status_code == 302
    assert sorted(Order.objects.values_list("quantity_t", flat=True)) == [3, 10]
    assert client.post(reverse("web:event_basket", args=[event.code]), data).status_code == 302  # same token
    assert Order.objects.count() == 2


def test_leaving_the_order_needs_acknowledgement(actors, offers):
    event, _ = accounted_event(actors.organiser)
    client = login("organiser")
    data = {"token": "t-2", "buffer_pct": "0", f"q-{offers['cqcer'].code}": "0", f"q-{offers['ccer'].code}": "13"}
    before = db_snapshot()
    response = client.post(reverse("web:event_basket", args=[event.code]), data)
    assert response.status_code == 200 and 'data-testid="basket-warnings"' in response.content.decode()
    assert_nothing_written(before)
    assert client.post(reverse("web:event_basket", args=[event.code]), {**data, "acknowledge": "1"}).status_code == 302
    assert list(Order.objects.values_list("quantity_t", flat=True)) == [13]


def test_refusals_and_other_organisations(actors, offers):
    event, _ = accounted_event(actors.organiser)
    assert login("outsider").get(reverse("web:event_basket", args=[event.code])).status_code == 404
    client = login("organiser")
    assert client.get(reverse("web:event_basket", args=[event.code]) + "?buffer_pct=abc").status_code == 422
    before = db_snapshot()
    data = {"token": "t-3", f"q-{offers['cqcer'].code}": "11"}
    response = client.post(reverse("web:event_basket", args=[event.code]), data)
    assert response.status_code == 409 and 'data-testid="page-error"' in response.content.decode()
    assert_nothing_written(before)


def test_the_summary_shows_required_buffer_and_need_in_whole_tonnes(actors, offers):
    event, inventory = accounted_event(actors.organiser)  # 13 t; a 10 % buffer rounds up to 15 t
    page = login("organiser").get(reverse("web:event_basket", args=[event.code]), {"buffer_pct": "10"})
    html = page.content.decode()
    assert inventory.required_offset_t == 13
    assert "应抵消 13 吨，含缓冲 15 吨，已注销 0 吨，还需 15 吨。" in html
