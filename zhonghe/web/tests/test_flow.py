"""The organiser walks the whole flow through the pages (POSTs only), and the event ends certified."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from zhonghe.events.models import ActivityRecord, Event, Plan
from zhonghe.footprints.models import InventoryVersion
from zhonghe.registry.models import Order, Retirement
from zhonghe.web.tests.conftest import login


def _ok_redirect(response):
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_whole_flow_ends_certified(actors, projects):
    client = login("organiser")
    start = date.today() - timedelta(days=12)
    response = _ok_redirect(
        client.post(
            reverse("web:event_new"),
            {
                "name": "2026年重庆市生态环保大会",
                "kind": "meeting",
                "meeting_class": "2",
                "expected_participants": "800",
                "area_m2": "2500",
                "venue_district": "500103",
                "venue_address": "人民路173号",
                "start_date": start.isoformat(),
                "end_date": (start + timedelta(days=1)).isoformat(),
            },
        )
    )
    event = Event.objects.get(name="2026年重庆市生态环保大会")
    assert response["Location"] == reverse("web:event_detail", kwargs={"code": event.code})
    url = lambda name, **kw: reverse(f"web:{name}", kwargs={"code": event.code, **kw})  # noqa: E731

    _ok_redirect(client.post(url("event_action", action="submit")))
    event.refresh_from_db()
    assert event.status == "submitted" and event.deadline is not None

    _ok_redirect(client.post(url("plan_save"), {"boundary": "会场用电、交通、住宿", "reduction_measures": "无纸化"}))
    _ok_redirect(
        client.post(
            url("activity_add", stage="before", kind="qty"),
            {"category": "electricity", "factor_key": "electricity.grid", "quantity": "20000", "unit": ""},
        )
    )
    _ok_redirect(client.post(url("plan_estimate")))
    assert Plan.objects.get(event=event).estimate_kg_co2e is not None
    _ok_redirect(client.post(url("event_action", action="publish_plan")))

    _ok_redirect(
        client.post(
            url("activity_add", stage="after", kind="qty"),
            {"category": "electricity", "factor_key": "electricity.grid", "quantity": "18000", "unit": "kWh"},
        )
    )
    _ok_redirect(
        client.post(
            url("activity_add", stage="after", kind="travel"),
            {
                "travel_mode": "flight_domestic",
                "person_trips": "40",
                "place_kind": "airport",
                "origin": "PEK",
                "destination": "CKG",
                "round_trip": "on",
            },
        )
    )
    _ok_redirect(
        client.post(
            url("activity_add", stage="after", kind="travel"),
            {
                "travel_mode": "hsr",
                "person_trips": "100",
                "place_kind": "city",
                "origin": "成都市",
                "destination": "渝中区",
                "round_trip": "on",
            },
        )
    )
    assert ActivityRecord.objects.filter(event=event, stage="after").count() == 3
    _ok_redirect(client.post(url("event_action", action="freeze_inventory")))
    inventory = InventoryVersion.objects.get(event=event)
    required_t = inventory.required_offset_t
    assert required_t > 0

    page = client.get(url("event_detail"))
    assert inventory.data_hash in page.content.decode()

    _ok_redirect(client.post(url("event_order"), {"project_code": "CQCER-2025-0001", "quantity_t": str(required_t)}))
    order = Order.objects.get(event=event)
    seller = login("seller")
    _ok_redirect(seller.post(reverse("web:order_decide", kwargs={"order_code": order.code, "decision": "confirm"})))
    order.refresh_from_db()
    assert order.status == "confirmed"

    _ok_redirect(
        client.post(
            url("event_retire"),
            {"project_code": "CQCER-2025-0001", "quantity_t": str(required_t), "reason": "大型活动碳中和抵消"},
        )
    )
    assert sum(r.quantity_t for r in Retirement.objects.filter(event=event)) == required_t
    event.refresh_from_db()
    assert event.status == "offset"

    _ok_redirect(client.post(url("event_action", action="issue_certificate")))
    event.refresh_from_db()
    assert event.status == "certified"
    page = client.get(url("event_detail")).content.decode()
    cert = event.certificates.get()
    assert cert.number in page
    assert reverse("certificates:verify", args=[cert.number]) in page
