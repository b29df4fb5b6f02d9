"""Shared builders for service and flow tests: events in each status, credit projects, DB snapshots.

Everything is written through the services (so a builder can never create a state the rules forbid),
except ``force_status``, which tests use to reach a status directly when the path there is not the
subject. The clock is moved with time-machine around the steps that depend on it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Organization
from zhonghe.events.models import Event
from zhonghe.events.services import event_create, event_submit, plan_publish, plan_save
from zhonghe.footprints.models import InventoryVersion
from zhonghe.footprints.services import activity_add, inventory_freeze, plan_estimate

TZ = ZoneInfo("Asia/Shanghai")
EVENT_START = date(2027, 3, 10)
EVENT_END = date(2027, 3, 11)
BEFORE_EVENT = datetime(2027, 2, 1, 10, 0, tzinfo=TZ)
DURING_EVENT = datetime(2027, 3, 10, 15, 0, tzinfo=TZ)
AFTER_EVENT = datetime(2027, 3, 20, 10, 0, tzinfo=TZ)

GRID = Decimal("0.5581")  # CQ-2025 electricity.grid, kgCO2/kWh
# 23,000 kWh × 0.5581 = 12,836.300 kg → 12.836 t → 13 whole tonnes to offset.
KWH_FOR_13_T = "23000"

APP_LABELS = ("accounts", "interop", "events", "footprints", "registry", "certificates")


def event_fields(**overrides) -> dict:
    fields = dict(
        name="2027年重庆市绿色发展论坛",
        kind="forum",
        meeting_class=2,
        expected_participants=300,
        area_m2=Decimal("2500"),
        venue_district="500103",
        venue_address="重庆市渝中区人民路173号",
        start_date=EVENT_START,
        end_date=EVENT_END,
    )
    fields.update(overrides)
    return fields


def make_event(actor: Actor, **overrides) -> Event:
    return event_create(actor=actor, **event_fields(**overrides))


def submitted_event(actor: Actor, **overrides) -> Event:
    event = make_event(actor, **overrides)
    return event_submit(actor=actor, code=event.code)


def save_plan(actor: Actor, code: object) -> None:
    plan_save(
        actor=actor,
        code=code,
        boundary="会场能源、参会人员交通与住宿、餐饮、物料、废弃物",
        reduction_measures="无纸化会议",
        offset_plan="购买CQCER",
    )


def electricity_fields(event: Event, **overrides) -> dict:
    """Keyword arguments of activity_add for a BEFORE-stage grid electricity reading; give actor and quantity."""
    fields = dict(
        code=event.code,
        stage="before",
        category="electricity",
        factor_key="electricity.grid",
    )
    fields.update(overrides)
    return fields


def add_electricity(actor: Actor, code: object, stage: str, kwh: str, **extra) -> object:
    return activity_add(
        actor=actor,
        code=code,
        stage=stage,
        category="electricity",
        factor_key="electricity.grid",
        quantity=kwh,
        **extra,
    )


def planned_event(actor: Actor, *, before_kwh: str = "1000", **overrides) -> Event:
    event = submitted_event(actor, **overrides)
    save_plan(actor, event.code)
    add_electricity(actor, event.code, "before", before_kwh)
    plan_estimate(actor=actor, code=event.code)
    return plan_publish(actor=actor, code=event.code)


def accounted_event(actor: Actor, *, after_kwh: str = KWH_FOR_13_T, **overrides) -> tuple[Event, InventoryVersion]:
    """A PLANNED event with one AFTER electricity line, frozen after the event's end (clock moved)."""
    event = planned_event(actor, **overrides)
    add_electricity(actor, event.code, "after", after_kwh)
    with time_machine.travel(AFTER_EVENT, tick=False):
        inventory = inventory_freeze(actor=actor, code=event.code)
    event.refresh_from_db()
    return event, inventory


def force_status(event: Event, status: str) -> Event:
    """Test set-up only: put an event in a status without going through the workflow."""
    Event.objects.filter(pk=event.pk).update(status=status)
    event.refresh_from_db()
    return event


def register_project(actors, *, code: str = "CQCER-2025-0007", seller: Organization | None = None, **extra):
    from zhonghe.registry.services import project_register

    spec = dict(
        code=code,
        name="武隆区仙女山镇林场村森林经营碳汇项目",
        credit_type="CQCER",
        product_category="eco_sink",
        methodology_code="CQCM-009-V001",
        vintage=2025,
        origin_tags=["RURAL_REVITALIZATION", "WULING"],
        district_code="500156",
        seller=seller or actors.orgs.seller,
        unit_price_cny=Decimal("48.00"),
    )
    spec.update(extra)
    return project_register(actor=actors.platform, **spec)


def project_with_credits(actors, quantity_t: int = 1000, **extra):
    from zhonghe.registry.services import credits_issue

    project = register_project(actors, **extra)
    credits_issue(actor=actors.platform, project=project, quantity_t=quantity_t)
    return project


def buy(actors, project, quantity_t: int, *, buyer: Actor | None = None, key: str = ""):
    """Order and confirm: `buyer` (default the organiser) ends up holding `quantity_t` of `project`."""
    from zhonghe.registry.services import order_confirm, order_create

    order = order_create(
        actor=buyer or actors.organiser, project_code=project.code, quantity_t=quantity_t, idempotency_key=key
    )
    return order_confirm(actor=actors.seller, order_code=order.code)


def active_blocks(org: Organization, project=None) -> list[tuple[int, int]]:
    from zhonghe.registry.models import BlockStatus, CreditBlock

    qs = CreditBlock.objects.filter(holder=org, status=BlockStatus.ACTIVE)
    if project is not None:
        qs = qs.filter(project=project)
    return list(qs.order_by("serial_first").values_list("serial_first", "serial_last"))


def db_snapshot(*, except_models: frozenset[str] = frozenset()) -> dict[str, list[dict]]:
    """Every row of every project table (values, not just counts), so in-place updates show up too.

    `except_models` leaves out tables a refused request may legitimately touch (an API key's last use).
    """
    snapshot = {}
    for label in APP_LABELS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label not in except_models:
                snapshot[model._meta.label] = list(model.objects.order_by("pk").values())
    return snapshot


def assert_nothing_written(before: dict[str, list[dict]]) -> None:
    after = db_snapshot()
    changed = {
        table: f"{len(before[table])} → {len(after[table])} rows"
        if len(before[table]) != len(after[table])
        else "rows changed in place"
        for table in before
        if before[table] != after[table]
    }
    assert changed == {}, f"a refused call wrote to the database: {changed}"


def refused(exc_type, error_code: str, call, /, *args, **kwargs):
    """Run a call that must be refused; assert its error code and that nothing was written. Returns the error."""
    before = db_snapshot()
    with pytest.raises(exc_type) as info:
        call(*args, **kwargs)
    assert info.value.code == error_code, info.value.message
    assert_nothing_written(before)
    return info.value
