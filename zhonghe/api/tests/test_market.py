"""Projects catalogue, holdings, orders (idempotent create, confirm, reject)."""

from __future__ import annotations

import uuid

import pytest

from zhonghe.api.tests.support import assert_envelope, credit_project, event_for, holding
from zhonghe.registry.models import CreditBlock, LedgerEntry, Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(actors):
    return credit_project(actors)


def test_catalogue_in_the_plans_order_with_available_t(api_for, actors, project):
    credit_project(actors, code="CCER-2023-CQ01", credit_type="CCER", origin_tags=[], quantity_t=50)
    credit_project(actors, code="CQCER-2024-ZZ09", origin_tags=[], quantity_t=5)
    body = api_for("organiser").get("/projects").json()
    assert [p["code"] for p in body] == ["CQCER-2024-WL01", "CQCER-2024-ZZ09", "CCER-2023-CQ01"]
    first = body[0]
    assert first["available_t"] == 1000 and first["seller_name"] == actors.orgs.seller.name
    assert first["origin_tags"] == ["WULING"] and first["unit_price_cny"] is None
    holding(actors, project, 30)
    assert api_for("organiser").get("/projects").json()[0]["available_t"] == 970


def test_holdings_are_the_callers(api_for, actors, project):
    holding(actors, project, 30)
    assert api_for("organiser").get("/holdings").json() == [
        {
            "project_code": project.code,
            "project_name": project.name,
            "credit_type": "CQCER",
            "vintage": 2024,
            "quantity_t": 30,
        }
    ]
    assert api_for("seller").get("/holdings").json()[0]["quantity_t"] == 970
    assert api_for("outsider").get("/holdings").json() == []


def test_order_create_is_idempotent(api_for, actors, project):
    event = event_for(actors.organiser)
    org = api_for("organiser")
    body = {"project_code": project.code, "quantity_t": 12, "event_code": str(event.code)}
    first = org.post("/orders", body, headers={"Idempotency-Key": "order-1"})
    assert first.status_code == 201, first.content
    created = first.json()
    assert created["status"] == "pending" and created["quantity_t"] == 12
    assert created["event_code"] == str(event.code) and created["idempotency_key"] == "order-1"
    assert created["buyer_name"] == actors.orgs.organiser.name
    replay = org.post("/orders", body, headers={"Idempotency-Key": "order-1"})
    assert replay.status_code == 200 and replay.json() == created
    assert Order.objects.count() == 1
    other = {**body, "quantity_t": 13}
    assert_envelope(org.post("/orders", other, headers={"Idempotency-Key": "order-1"}), 409, "idempotency_key_reused")
    assert org.post("/orders", body).status_code == 201  # no key: a new order each time
    assert Order.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"quantity_t": 0}, 422, "quantity_t"),
        ({"quantity_t": "12"}, 422, "quantity_t"),
        ({"quantity_t": 1.5}, 422, "quantity_t"),
        ({"quantity_t": True}, 422, "quantity_t"),
        ({"project_code": None}, 422, "project_code"),
    ],
)
def test_bad_order_input_writes_nothing(api_for, project, body, status, field):
    payload = {"project_code": project.code, "quantity_t": 5, **body}
    error = assert_envelope(api_for("organiser").post("/orders", payload), status, "validation_failed")
    assert field in error["fields"]
    assert Order.objects.count() == 0


def test_overlong_idempotency_key_is_422(api_for, project):
    response = api_for("organiser").post(
        "/orders", {"project_code": project.code, "quantity_t": 5}, headers={"Idempotency-Key": "k" * 81}
    )
    assert "Idempotency-Key" in assert_envelope(response, 422, "validation_failed")["fields"]
    assert Order.objects.count() == 0


def test_unknown_project_and_foreign_event_are_404(api_for, actors, project):
    org = api_for("organiser")
    assert_envelope(org.post("/orders", {"project_code": "NOPE", "quantity_t": 5}), 404, "not_found")
    theirs = event_for(actors.outsider)
    body = {"project_code": project.code, "quantity_t": 5, "event_code": str(theirs.code)}
    assert_envelope(org.post("/orders", body), 404, "not_found")
    assert_envelope(org.post("/orders", {**body, "event_code": "bogus"}), 404, "not_found")
    assert Order.objects.count() == 0


def test_read_only_key_cannot_order(api_for, project):
    body = {"project_code": project.code, "quantity_t": 5}
    assert_envelope(api_for("organiser_read").post("/orders", body), 403, "insufficient_scope")
    assert_envelope(api_for(None).post("/orders", body), 401, "unauthenticated")
    assert Order.objects.count() == 0


def test_seller_confirms_and_units_move(api_for, actors, project):
    created = api_for("organiser").post("/orders", {"project_code": project.code, "quantity_t": 40}).json()
    assert [o["code"] for o in api_for("seller").get("/orders").json()] == [created["code"]]
    assert api_for("outsider").get("/orders").json() == []
    confirmed = api_for("seller").post(f"/orders/{created['code']}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["decided_at"]
    assert api_for("organiser").get("/holdings").json()[0]["quantity_t"] == 40
    assert_envelope(api_for("seller").post(f"/orders/{created['code']}/confirm"), 409, "order_not_pending")


def test_only_the_seller_decides(api_for, actors, project):
    created = api_for("organiser").post("/orders", {"project_code": project.code, "quantity_t": 40}).json()
    entries = LedgerEntry.objects.count()
    assert_envelope(api_for("organiser").post(f"/orders/{created['code']}/confirm"), 403, "permission_denied")
    assert_envelope(api_for("seller_read").post(f"/orders/{created['code']}/confirm"), 403, "insufficient_scope")
    assert_envelope(api_for("seller").post(f"/orders/{uuid.uuid4()}/confirm"), 404, "not_found")
    assert_envelope(api_for("seller").post("/orders/not-a-code/reject"), 404, "not_found")
    assert Order.objects.get().status == "pending"
    assert LedgerEntry.objects.count() == entries
    assert CreditBlock.objects.filter(holder=actors.orgs.organiser).count() == 0


def test_seller_rejects_with_note(api_for, project):
    created = api_for("organiser").post("/orders", {"project_code": project.code, "quantity_t": 40}).json()
    rejected = api_for("seller").post(f"/orders/{created['code']}/reject", {"note": "价格未谈妥"}).json()
    assert rejected["status"] == "rejected" and rejected["note"] == "价格未谈妥"
    assert api_for("organiser").get("/holdings").json() == []


def test_confirm_with_too_few_units_is_409(api_for, actors):
    small = credit_project(actors, code="CQCER-2024-SM01", quantity_t=5)
    created = api_for("organiser").post("/orders", {"project_code": small.code, "quantity_t": 6}).json()
    assert_envelope(api_for("seller").post(f"/orders/{created['code']}/confirm"), 409, "insufficient_credits")
    assert Order.objects.get().status == "pending"
