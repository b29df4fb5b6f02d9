"""The whole flow through the public API only: apply → plan → account → buy → retire → certificate.

Arrange (services, as the platform admin): a CQCER project of the seller with one issued block, and
API keys for the organiser and the seller. Everything after that is HTTP against /api/v1.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from zhonghe.api.tests.support import Api, assert_envelope
from zhonghe.certificates.models import Certificate
from zhonghe.certificates.signing import load_public_key_pem, verify_canonical
from zhonghe.interop.services import api_key_create
from zhonghe.registry.services import credits_issue, project_register

pytestmark = pytest.mark.django_db

PROJECT = "CQCER-2024-WL01"


@pytest.fixture
def arranged(actors, client):
    project = project_register(
        actor=actors.platform, code=PROJECT, name="武隆区林业碳汇项目", credit_type="CQCER",
        methodology_code="CQ-TH-001", vintage=2024, seller=actors.orgs.seller, product_category="eco_sink",
        origin_tags=["WULING"], district_code="500156", unit_price_cny=Decimal("45.00"),
    )  # fmt: skip
    credits_issue(actor=actors.platform, project=project, quantity_t=500)
    keys = {
        who: api_key_create(
            organization=getattr(actors.orgs, who), scopes=["read", "write"], created_by=getattr(actors.users, who)
        )[1]
        for who in ("organiser", "seller")
    }
    return Api(client, keys["organiser"]), Api(client, keys["seller"]), Api(client)


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def test_event_to_certificate_through_the_api(arranged, actors, client):
    organiser, seller, public = arranged

    # Apply: a 300-person class-2 meeting of a municipal agency that already took place.
    event = ok(
        organiser.post(
            "/events",
            {
                "name": "2025重庆绿色发展论坛",
                "kind": "meeting",
                "meeting_class": 2,
                "expected_participants": 300,
                "area_m2": "2500.00",
                "venue_district": "500103",
                "venue_address": "重庆市渝中区会展中心",
                "start_date": "2025-03-10",
                "end_date": "2025-03-12",
            },  # fmt: skip
        ),
        201,
    )
    code = event["code"]
    submitted = ok(organiser.post(f"/events/{code}/submit"))
    assert submitted["obliged"] is True and submitted["deadline"] == "2025-04-12"

    # Plan: boundary, ex-ante estimate from BEFORE data, publish.
    ok(
        organiser.put(
            f"/events/{code}/plan", {"boundary": "会场用电、差旅、住宿、餐饮、废弃物", "offset_plan": "CQCER"}
        )
    )
    before = [
        {"category": "electricity", "factor_key": "electricity.grid", "quantity": "20000", "unit": "kWh"},
        {"category": "lodging", "factor_key": "lodging.hotel_room_night", "quantity": "100", "unit": "room-night"},
    ]
    for row in before:
        ok(organiser.post(f"/events/{code}/activities", {"stage": "before", **row}), 201)
    estimate = ok(organiser.post(f"/events/{code}/plan/estimate"))
    assert Decimal(estimate["estimate_kg_co2e"]) == Decimal("11162.000") + Decimal("6652.000")
    assert ok(organiser.post(f"/events/{code}/plan/publish"))["status"] == "planned"

    # Account: actual (AFTER) data, then freeze an inventory version.
    after = [
        {"category": "electricity", "factor_key": "electricity.grid", "quantity": "24000", "unit": "kWh"},
        {"category": "travel", "travel_mode": "flight_domestic", "person_trips": 50, "place_kind": "airport",
         "origin": "CKG", "destination": "PEK", "round_trip": True, "description": "嘉宾往返北京"},
        {"category": "lodging", "factor_key": "lodging.hotel_room_night", "quantity": "120", "unit": "room-night"},
        {"category": "meals", "factor_key": "meals.standard", "quantity": "900", "unit": "meal"},
        {"category": "waste", "factor_key": "waste.landfill", "quantity": "0.8", "unit": "t"},
    ]  # fmt: skip
    for row in after:
        ok(organiser.post(f"/events/{code}/activities", {"stage": "after", **row}), 201)
    assert len(ok(organiser.get(f"/events/{code}/activities"))) == 7
    inventory = ok(organiser.post(f"/events/{code}/inventory"), 201)
    lines = inventory["lines"]
    assert len(lines) == 5
    assert sum(Decimal(line["kg_co2e"]) for line in lines) == Decimal(inventory["total_kg_co2e"])
    [electricity] = [line for line in lines if line["category"] == "electricity"]
    assert electricity["factor_doc_no"] == "生态环境部 国家统计局公告2025年第47号"
    assert electricity["kg_co2e"] == "13394.400"
    [flight] = [line for line in lines if line["category"] == "travel"]
    assert Decimal(flight["quantity"]) > 50 * 2 * 1500  # passenger-km of 50 round trips CKG⇄PEK
    required = inventory["required_offset_t"]
    assert required == math.ceil(Decimal(inventory["total_kg_co2e"]) / 1000)
    assert ok(organiser.get(f"/events/{code}"))["latest_inventory"]["data_hash"] == inventory["data_hash"]

    # Buy: an idempotent order; the seller confirms with its own key.
    [project] = ok(organiser.get("/projects"))
    assert project["code"] == PROJECT and project["available_t"] == 500 and project["unit_price_cny"] == "45.00"
    order_body = {"project_code": PROJECT, "quantity_t": required, "event_code": code}
    order = ok(organiser.post("/orders", order_body, headers={"Idempotency-Key": "flow-order-1"}), 201)
    replay = ok(organiser.post("/orders", order_body, headers={"Idempotency-Key": "flow-order-1"}), 200)
    assert replay == order and len(ok(organiser.get("/orders"))) == 1
    assert ok(seller.post(f"/orders/{order['code']}/confirm"))["status"] == "confirmed"
    assert ok(organiser.get("/holdings"))[0]["quantity_t"] == required

    # Retire too little: no certificate, nothing written.
    ok(organiser.post(f"/events/{code}/retirements", {"project_code": PROJECT, "quantity_t": required - 3,
                                                       "reason": "抵消论坛排放（第一批）"}), 201)  # fmt: skip
    assert_envelope(organiser.post(f"/events/{code}/certificate"), 409, "insufficient_offset")
    assert Certificate.objects.count() == 0
    assert ok(organiser.get(f"/events/{code}"))["status"] == "accounted"

    # Retire the rest: the event is offset.
    ok(organiser.post(f"/events/{code}/retirements", {"project_code": PROJECT, "quantity_t": 3,
                                                       "reason": "抵消论坛排放（第二批）"}), 201)  # fmt: skip
    detail = ok(organiser.get(f"/events/{code}"))
    assert detail["status"] == "offset" and detail["retired_t"] == required
    retirements = ok(organiser.get(f"/events/{code}/retirements"))
    assert [r["serial_first"] for r in retirements] == [f"{PROJECT}-000000001", f"{PROJECT}-{required - 2:09d}"]
    assert retirements[-1]["serial_last"] == f"{PROJECT}-{required:09d}"

    # Evaluation: the verifier (invited by the organiser) checks every item and signs; the bureau accepts.
    assert_envelope(organiser.post(f"/events/{code}/certificate"), 409, "evaluation_not_accepted")
    verifier, bureau = (
        Api(client, api_key_create(organization=getattr(actors.orgs, who), scopes=["read", "write"])[1])
        for who in ("verifier", "bureau")
    )
    evaluation = ok(organiser.post("/evaluations", {"event": code, "mode": "third_party",
                                                    "verifier_uscc": actors.orgs.verifier.uscc}), 201)  # fmt: skip
    for row in evaluation["checklist"]:
        ok(verifier.put(f"/evaluations/{evaluation['code']}/checks/{row['item']}", {"result": "pass"}))
    ok(verifier.post(f"/evaluations/{evaluation['code']}/conclude", {"conclusion": "已实现碳中和"}))
    assert ok(bureau.post(f"/evaluations/{evaluation['code']}/accept", {}))["status"] == "accepted"

    # Certificate: issued once, public, and verifiable with only the published public key.
    issued = ok(organiser.post(f"/events/{code}/certificate"), 201)
    number = issued["number"]
    certificate = ok(public.get(f"/certificates/{number}"))
    assert certificate == issued and certificate["status"] == "valid"
    payload = certificate["payload"]
    assert payload["inventory"]["hash"] == inventory["data_hash"]
    assert payload["inventory"]["total_t_co2e"] == inventory["total_t_co2e"]
    assert payload["offsets"]["retired_t"] == required
    assert [r["serial_first"] for r in payload["offsets"]["retirements"]] == [r["serial_first"] for r in retirements]
    [key] = [k for k in ok(public.get("/keys")) if k["key_id"] == certificate["key_id"]]
    public_key = load_public_key_pem(key["public_key_pem"])
    assert verify_canonical(certificate["payload_canonical"], certificate["signature"], public_key)
    listed = ok(public.get("/certificates"))
    assert [c["number"] for c in listed["items"]] == [number]
    assert listed["items"][0]["retired_t"] == required

    assert_envelope(organiser.post(f"/events/{code}/certificate"), 409, "illegal_transition")
    assert Certificate.objects.count() == 1
    log = ok(organiser.get(f"/events/{code}/transitions"))
    assert [t["to_status"] for t in log] == [
        "submitted",
        "planned",
        "accounted",
        "offset",
        "evaluating",
        "evaluated",
        "accepted",
        "certified",
    ]
    assert payload["evaluation"]["mode"] == "third_party" and payload["evaluation"]["verifier"]["uscc"]
