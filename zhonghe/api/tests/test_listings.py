"""Listings API: seller creates/updates/withdraws; organisers order on a listing; totals; cancel; sales."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhonghe.api.tests.support import assert_envelope, credit_project
from zhonghe.registry.models import Listing, Order

pytestmark = pytest.mark.django_db

UNTIL = (timezone.localdate() + dt.timedelta(days=10)).isoformat()


@pytest.fixture
def project(actors):
    return credit_project(actors)


def _create(api, project, **overrides):
    body = {
        "project_code": project.code,
        "listing_type": "credits",
        "quantity_t": 100,
        "unit_price_cny": "45.5",
        "valid_until": UNTIL,
    }
    body.update(overrides)
    return api.post("/listings", body)


def test_seller_lists_and_organiser_orders_with_totals(api_for, actors, project):
    created = _create(api_for("seller"), project)
    assert created.status_code == 201, created.content
    listing = created.json()
    assert listing["unit_price_cny"] == "45.50" and listing["remaining_t"] == 100 and listing["status"] == "open"
    assert [x["code"] for x in api_for("organiser").get("/listings").json()] == [listing["code"]]
    order = api_for("organiser").post("/orders", {"listing_code": listing["code"], "quantity_t": 3})
    assert order.status_code == 201, order.content
    body = order.json()
    assert (body["unit_price_cny"], body["total_cny"], body["listing_code"]) == ("45.50", "136.50", listing["code"])
    assert body["expires_at"] is not None
    mine = api_for("seller").get(f"/listings/{listing['code']}").json()
    assert (mine["reserved_t"], mine["remaining_t"]) == (3, 97)
    confirmed = api_for("seller").post(f"/orders/{body['code']}/confirm").json()
    assert confirmed["status"] == "confirmed"
    [sale] = api_for("seller").get("/sales").json()
    assert (sale["sold_t"], sale["revenue_cny"], sale["reserved_t"]) == (3, "136.50", 0)
    history = api_for("organiser").get("/holdings/history").json()
    assert [(h["kind"], h["quantity_t"], h["to_org"]) for h in history] == [("transfer", 3, actors.orgs.organiser.name)]


def test_order_beyond_listing_is_409_and_writes_nothing(api_for, project):
    listing = _create(api_for("seller"), project, quantity_t=10).json()
    error = assert_envelope(
        api_for("organiser").post("/orders", {"listing_code": listing["code"], "quantity_t": 11}),
        409,
        "exceeds_listing",
    )
    assert error["fields"] == {"quantity_t": 11}
    assert Order.objects.count() == 0 and Listing.objects.get().reserved_t == 0


def test_bad_listing_input_is_an_envelope(api_for, project):
    assert_envelope(_create(api_for("seller"), project, unit_price_cny=1.5), 422)
    assert_envelope(_create(api_for("seller"), project, listing_type="gift"), 422, "validation_failed")
    assert_envelope(_create(api_for("seller"), project, quantity_t=5000), 409, "insufficient_credits")
    assert_envelope(_create(api_for("organiser"), project), 403, "permission_denied")
    assert Listing.objects.count() == 0


def test_other_organisations_listing_is_404(api_for, project):
    listing = _create(api_for("seller"), project).json()
    assert_envelope(api_for("outsider").get(f"/listings/{listing['code']}"), 404, "not_found")
    assert_envelope(api_for("outsider").post(f"/listings/{listing['code']}/withdraw"), 403)
    assert api_for("outsider").get("/listings/mine").json() == []


def test_update_and_withdraw(api_for, project):
    seller = api_for("seller")
    listing = _create(seller, project).json()
    changed = seller.put(
        f"/listings/{listing['code']}", {"quantity_t": 50, "unit_price_cny": "40", "valid_until": UNTIL}
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["quantity_t"], changed.json()["unit_price_cny"]) == (50, "40.00")
    assert seller.post(f"/listings/{listing['code']}/withdraw").json()["status"] == "withdrawn"
    assert api_for("organiser").get("/listings").json() == []
    assert_envelope(
        api_for("organiser").post("/orders", {"listing_code": listing["code"], "quantity_t": 1}), 409, "listing_closed"
    )


def test_cancel_and_decline_release(api_for, project):
    listing = _create(api_for("seller"), project).json()
    org = api_for("organiser")
    first = org.post("/orders", {"listing_code": listing["code"], "quantity_t": 20}).json()
    second = org.post("/orders", {"listing_code": listing["code"], "quantity_t": 30}).json()
    assert_envelope(api_for("outsider").post(f"/orders/{first['code']}/cancel"), 404, "not_found")
    assert org.post(f"/orders/{first['code']}/cancel").json()["status"] == "cancelled"
    assert_envelope(api_for("seller").post(f"/orders/{second['code']}/reject"), 422, "validation_failed")
    declined = api_for("seller").post(f"/orders/{second['code']}/reject", {"note": "暂停出售"}).json()
    assert declined["status"] == "rejected"
    assert api_for("seller").get(f"/listings/{listing['code']}").json()["reserved_t"] == 0
