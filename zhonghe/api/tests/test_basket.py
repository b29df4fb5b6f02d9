"""Basket API: proposal with reasons, check an edit (warnings), order in one step (atomic, idempotent)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhonghe.api.tests.support import accounted_event, assert_envelope, credit_project
from zhonghe.registry.listings import listing_create
from zhonghe.registry.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(actors):
    event = accounted_event(actors.organiser)  # 12 t
    until = timezone.localdate() + dt.timedelta(days=5)
    listings = []
    for code, kind, tags, quantity in (("CQCER-W", "CQCER", ["WULING"], 5), ("CCER-CQ", "CCER", [], 100)):
        project = credit_project(actors, code=code, credit_type=kind, origin_tags=tags, quantity_t=quantity)
        listings.append(
            listing_create(
                actor=actors.seller,
                project_code=code,
                listing_type="credits",
                quantity_t=quantity,
                unit_price_cny=Decimal("10.05"),
                valid_until=until,
            )
        )
        assert project.code == code
    return event, listings


def test_proposal(api_for, setup):
    event, (priority, ccer) = setup
    response = api_for("organiser").get(f"/events/{event.code}/basket?buffer_pct=5")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["required_t"], body["buffer_pct"], body["target_t"], body["need_t"]) == (12, "5", 13, 13)
    assert [(x["project_code"], x["quantity_t"], x["tier"]) for x in body["lines"]] == [
        ("CQCER-W", 5, 0),
        ("CCER-CQ", 8, 2),
    ]
    assert body["total_cny"] == "130.65" and body["lines"][0]["total_cny"] == "50.25"
    assert all(line["reasons"] for line in body["lines"])
    assert_envelope(api_for("organiser").get(f"/events/{event.code}/basket?buffer_pct=x"), 422, "validation_failed")
    assert_envelope(api_for("outsider").get(f"/events/{event.code}/basket"), 404, "not_found")


def test_check_and_order(api_for, setup):
    event, (priority, ccer) = setup
    org = api_for("organiser")
    edited = {"lines": [{"listing_code": str(ccer.code), "quantity_t": 12}]}
    [warning] = org.post(f"/events/{event.code}/basket/check", edited).json()["warnings"]
    assert "CQCER-W" in warning
    created = org.post(f"/events/{event.code}/basket/orders", edited, headers={"Idempotency-Key": "bk-1"})
    assert created.status_code == 201, created.content
    assert created.json()["warnings"] == [warning]
    [order] = created.json()["orders"]
    assert (order["quantity_t"], order["total_cny"], order["event_code"]) == (12, "120.60", str(event.code))
    replay = org.post(f"/events/{event.code}/basket/orders", edited, headers={"Idempotency-Key": "bk-1"})
    assert replay.status_code == 200 and Order.objects.count() == 1


def test_order_over_offer_writes_nothing(api_for, setup):
    event, (priority, ccer) = setup
    lines = {
        "lines": [
            {"listing_code": str(ccer.code), "quantity_t": 5},
            {"listing_code": str(priority.code), "quantity_t": 6},
        ]
    }
    assert_envelope(api_for("organiser").post(f"/events/{event.code}/basket/orders", lines), 409, "exceeds_listing")
    assert Order.objects.count() == 0
    assert_envelope(api_for("organiser").post(f"/events/{event.code}/basket/orders", {"lines": []}), 422)
