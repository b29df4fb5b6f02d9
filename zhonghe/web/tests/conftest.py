"""Web test helpers: logged-in clients, credit projects and events arranged through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client

PASSWORD = "pass-1234"


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def organiser_client(actors):
    return login("organiser")


@pytest.fixture
def seller_client(actors):
    return login("seller")


@pytest.fixture
def projects(actors):
    """A CQCER project (preferred origins) and a CCER project, both sold by the seller org, with credits."""
    from zhonghe.registry.services import credits_issue, project_register

    cqcer = project_register(
        actor=actors.platform,
        code="CQCER-2025-0001",
        name="武隆区林场村森林经营碳汇项目",
        credit_type="CQCER",
        product_category="eco_sink",
        methodology_code="CQCM-009-V001",
        vintage=2025,
        origin_tags=["RURAL_REVITALIZATION", "WULING"],
        district_code="500156",
        seller=actors.orgs.seller,
        unit_price_cny=Decimal("48.00"),
    )
    ccer = project_register(
        actor=actors.platform,
        code="CCER-2024-0002",
        name="万州区分布式光伏项目",
        credit_type="CCER",
        methodology_code="CCER-01-001-V01",
        vintage=2024,
        district_code="500101",
        seller=actors.orgs.seller,
        unit_price_cny=Decimal("85.00"),
    )
    credits_issue(actor=actors.platform, project=cqcer, quantity_t=500)
    credits_issue(actor=actors.platform, project=ccer, quantity_t=200)
    return {"cqcer": cqcer, "ccer": ccer}


def make_event(actor, *, name="2026年重庆绿色发展论坛", days_ago=10, **overrides):
    """A draft event through the service; by default it ended `days_ago` days ago."""
    from zhonghe.events.services import event_create

    start = date.today() - timedelta(days=days_ago + 1)
    fields = dict(
        name=name,
        kind="forum",
        meeting_class=2,
        expected_participants=600,
        area_m2=Decimal("3000"),
        venue_district="500103",
        venue_address="人民路173号",
        start_date=start,
        end_date=start + timedelta(days=1),
    )
    fields.update(overrides)
    return event_create(actor=actor, **fields)


@pytest.fixture
def event(actors):
    return make_event(actors.organiser)


@pytest.fixture
def outsider_event(actors):
    return make_event(actors.outsider, name="另一家单位的活动")
