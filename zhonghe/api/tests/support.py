"""Test helpers for the API: a JSON client that sends an API key, keys per actor, service-built fixtures."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.test import Client

from zhonghe.interop.services import api_key_create

PAST_START, PAST_END = date(2025, 3, 10), date(2025, 3, 12)


class Api:
    """`Api(client, key).post("/events", {...})` → response with `.json()`; paths are under /api/v1."""

    def __init__(self, client: Client, key: str | None = None, header: str = "bearer"):
        self.client, self.key, self.header = client, key, header

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.key is not None:
            if self.header == "bearer":
                headers["Authorization"] = f"Bearer {self.key}"
            else:
                headers["X-API-Key"] = self.key
        headers.update(extra or {})
        return headers

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None):
        kwargs: dict[str, Any] = {"headers": self.headers(headers)}
        if method in ("post", "put", "patch"):
            # No body means an empty body (as curl sends), not Django's empty multipart form.
            data = json.dumps(body) if body is not None else ""
            kwargs.update(data=data, content_type="application/json")
        return getattr(self.client, method)("/api/v1" + path, **kwargs)

    def get(self, path: str, **kw: Any):
        return self.call("get", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any):
        return self.call("post", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any):
        return self.call("put", path, body, **kw)

    def delete(self, path: str, **kw: Any):
        return self.call("delete", path, **kw)


def make_key(actors, who: str, scopes: tuple[str, ...] = ("read", "write")) -> str:
    _row, text = api_key_create(
        organization=getattr(actors.orgs, who), scopes=list(scopes), created_by=getattr(actors.users, who)
    )
    return text


def assert_envelope(response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]


def event_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "2025年重庆市测试大会",
        "kind": "meeting",
        "meeting_class": 2,
        "chengyu_meeting": False,
        "expected_participants": 300,
        "area_m2": "1200.50",
        "venue_district": "500103",
        "venue_address": "渝中区某会议中心",
        "start_date": PAST_START.isoformat(),
        "end_date": PAST_END.isoformat(),
    }
    body.update(overrides)
    return body


# --- arrange steps through the services (the API is what the tests act on) -----------------------


def event_for(actor, **overrides: Any):
    from zhonghe.events.services import event_create

    fields = event_body(**overrides)
    fields["area_m2"] = Decimal(fields["area_m2"]) if fields.get("area_m2") else None
    fields["start_date"] = date.fromisoformat(fields["start_date"])
    fields["end_date"] = date.fromisoformat(fields["end_date"])
    return event_create(actor=actor, **fields)


def planned_event(actor, **overrides: Any):
    """An event (past dates) with a published plan: ready for AFTER-stage activity data."""
    from zhonghe.events.services import event_submit, plan_publish, plan_save
    from zhonghe.footprints.services import activity_add, plan_estimate

    event = event_for(actor, **overrides)
    event_submit(actor=actor, code=event.code)
    plan_save(actor=actor, code=event.code, boundary="会场用电、差旅、住宿、餐饮")
    activity_add(
        actor=actor, code=event.code, stage="before", category="electricity",
        factor_key="electricity.grid", quantity="10000", unit="kWh",
    )  # fmt: skip
    plan_estimate(actor=actor, code=event.code)
    plan_publish(actor=actor, code=event.code)
    event.refresh_from_db()
    return event


def accounted_event(actor, kwh: str = "20000", **overrides: Any):
    """A planned event with AFTER electricity data and a frozen inventory (20,000 kWh → 11.162 t, 12 t)."""
    from zhonghe.footprints.services import activity_add, inventory_freeze

    event = planned_event(actor, **overrides)
    activity_add(
        actor=actor, code=event.code, stage="after", category="electricity",
        factor_key="electricity.grid", quantity=kwh, unit="kWh",
    )  # fmt: skip
    inventory_freeze(actor=actor, code=event.code)
    event.refresh_from_db()
    return event


def credit_project(actors, code: str = "CQCER-2024-WL01", quantity_t: int = 1000, **extra: Any):
    """A project of the seller with one issued block (as the platform admin)."""
    from zhonghe.registry.services import credits_issue, project_register

    fields: dict[str, Any] = {
        "name": "武隆区林业碳汇项目",
        "credit_type": "CQCER",
        "methodology_code": "CQ-TH-001",
        "vintage": 2024,
        "product_category": "eco_sink",
        "origin_tags": ["WULING"],
        "district_code": "500156",
    }
    fields.update(extra)
    project = project_register(actor=actors.platform, code=code, seller=actors.orgs.seller, **fields)
    credits_issue(actor=actors.platform, project=project, quantity_t=quantity_t)
    return project


def holding(actors, project, quantity_t: int, buyer=None):
    """Units moved from the seller to `buyer` (default: the organiser) through a confirmed order."""
    from zhonghe.registry.services import order_confirm, order_create

    order = order_create(actor=buyer or actors.organiser, project_code=project.code, quantity_t=quantity_t)
    return order_confirm(actor=actors.seller, order_code=order.code)


def certified_event(actors):
    """An event taken all the way to an issued certificate; returns (event, certificate)."""
    from zhonghe.certificates.services import certificate_issue
    from zhonghe.registry.services import credits_retire

    event = accounted_event(actors.organiser)
    required = event.inventories.get().required_offset_t
    project = credit_project(actors)
    holding(actors, project, required)
    credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=required,
        reason="抵消活动排放",
    )  # fmt: skip
    from zhonghe.evaluations.tests.builders import accepted_evaluation

    accepted_evaluation(actors, event)
    return event, certificate_issue(actor=actors.organiser, event_code=event.code)
