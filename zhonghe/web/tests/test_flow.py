"""The organiser walks the whole flow through the pages (POSTs only), and the event ends certified."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from zhonghe.accounts.models import Organization
from zhonghe.events.models import ActivityRecord, Event, Plan
from zhonghe.footprints.models import InventoryVersion
from zhonghe.registry.models import Order, Retirement
from zhonghe.web.tests.conftest import login


def _ok_redirect(response):
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def walk_the_evaluation(client, event, url):
    """Invite → finding → return → respond → resubmit → close → checklist → conclude → bureau return → accept."""
    from zhonghe.evaluations.checklist import CHECKLIST
    from zhonghe.evaluations.models import Evaluation

    verifier_uscc = Organization.objects.get(name="重庆某核查机构").uscc
    _ok_redirect(client.post(url("evaluation_request"), {"mode": "third_party", "verifier": verifier_uscc}))
    evaluation = Evaluation.objects.get(event=event)
    page = lambda name, **kw: reverse(f"web:{name}", kwargs={"code": evaluation.code, **kw})  # noqa: E731
    verifier, bureau = login("verifier"), login("bureau")
    dashboard = verifier.get(reverse("web:dashboard")).content.decode()
    assert page("evaluation_detail") in dashboard and event.name in dashboard
    evidence = verifier.get(page("evaluation_detail")).content.decode()
    assert event.inventories.get().data_hash in evidence and 'data-testid="evaluation-retirements"' in evidence
    assert verifier.get(url("event_detail")).status_code == 404  # the verifier reads through its task only
    _ok_redirect(
        verifier.post(page("evaluation_action", action="finding"), {"severity": "major", "text": "缺少电费单"})
    )
    _ok_redirect(verifier.post(page("evaluation_action", action="return"), {"note": "请补充"}))
    event.refresh_from_db()
    assert event.status == "accounted"
    finding = evaluation.findings.get()
    respond = reverse("web:finding_action", kwargs={"code": finding.code, "action": "respond"})
    _ok_redirect(client.post(respond, {"response": "已补充电费单"}))
    _ok_redirect(client.post(url("evaluation_request"), {"mode": "third_party"}))
    _ok_redirect(verifier.post(reverse("web:finding_action", kwargs={"code": finding.code, "action": "close"})))
    for item in CHECKLIST:
        _ok_redirect(verifier.post(page("evaluation_action", action="check"), {"item": item.key, "result": "pass"}))
    conclude = page("evaluation_action", action="conclude")
    assert verifier.post(conclude, {"conclusion": "已实现碳中和"}).status_code == 422  # box not ticked
    _ok_redirect(verifier.post(conclude, {"conclusion": "已实现碳中和", "confirm": "on"}))
    _ok_redirect(bureau.post(page("evaluation_action", action="reject"), {"reason": "请说明住宿边界"}))
    _ok_redirect(verifier.post(conclude, {"conclusion": "住宿不在边界内，已实现碳中和", "confirm": "on"}))
    _ok_redirect(bureau.post(page("evaluation_action", action="accept"), {"confirm": "on"}))
    event.refresh_from_db()
    assert event.status == "accepted"


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
    decide = reverse("web:order_decide", kwargs={"order_code": order.code, "decision": "confirm"})
    _ok_redirect(seller.post(decide, {"confirm": "on"}))
    order.refresh_from_db()
    assert order.status == "confirmed"

    _ok_redirect(
        client.post(
            url("event_retire"),
            {
                "project_code": "CQCER-2025-0001",
                "quantity_t": str(required_t),
                "reason": "大型活动碳中和抵消",
                "confirm": "on",
            },
        )
    )
    assert sum(r.quantity_t for r in Retirement.objects.filter(event=event)) == required_t
    event.refresh_from_db()
    assert event.status == "offset"

    walk_the_evaluation(client, event, url)

    issue = url("event_action", action="issue_certificate")
    assert client.post(issue).status_code == 422  # not confirmed: nothing issued
    assert not event.certificates.exists()
    _ok_redirect(client.post(issue, {"confirm": "on", "idempotency_key": "issue-once"}))
    _ok_redirect(client.post(issue, {"confirm": "on", "idempotency_key": "issue-once"}))  # double click
    event.refresh_from_db()
    assert event.status == "certified"
    page = client.get(url("event_detail")).content.decode()
    cert = event.certificates.get()
    assert cert.number in page
    assert reverse("certificates:verify", args=[cert.number]) in page
