"""Flow, step 3 — accounting (事后): actual data after the event, frozen, corrected into a new version."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine

from zhonghe.events.models import Status
from zhonghe.footprints.selectors import inventory_latest
from zhonghe.footprints.services import activity_add, activity_delete, inventory_freeze
from zhonghe.footprints.tests.builders import AFTER_EVENT, DURING_EVENT, TZ, planned_event
from zhonghe.lib.errors import Conflict

pytestmark = pytest.mark.django_db


def test_actual_data_frozen_after_the_event_then_corrected(actors, settings):
    settings.DEFAULT_FACTOR_RELEASE = "CQ-2025"  # the figures below are hand-computed with CQ-2025 (method/1)
    organiser = actors.organiser
    event = planned_event(organiser)

    def add(**fields):
        return activity_add(actor=organiser, code=event.code, stage="after", **fields)

    with time_machine.travel(DURING_EVENT, tick=False):
        meter = add(category="electricity", factor_key="electricity.grid", quantity="18500")  # 10,324.850 kg
        add(category="fuel", factor_key="fuel.natural_gas", quantity="1200")  # 2,594.400 kg
        add(
            category="travel",
            travel_mode="hsr",
            person_trips=120,
            origin="成都市",
            destination="渝中区",
            round_trip=True,
        )
        add(category="waste", factor_key="waste.incineration", quantity="1.8")  # 1,009.800 kg
        with pytest.raises(Conflict) as info:
            inventory_freeze(actor=organiser, code=event.code)
        assert info.value.code == "event_not_ended"

    with time_machine.travel(AFTER_EVENT, tick=False):
        v1 = inventory_freeze(actor=organiser, code=event.code)
    event.refresh_from_db()
    assert event.status == Status.ACCOUNTED
    kg = {line["factor_key"]: Decimal(line["kg_co2e"]) for line in v1.lines}
    assert kg["electricity.grid"] == Decimal("10324.850")
    assert kg["fuel.natural_gas"] == Decimal("2594.400")
    assert kg["waste.incineration"] == Decimal("1009.800")
    assert v1.total_kg_co2e == sum(kg.values())
    assert v1.required_offset_t == math.ceil(v1.total_kg_co2e / 1000)  # whole tonnes, rounded up

    # The meter was read wrong: correct it, freeze again; v1 stays as it was.
    with time_machine.travel(datetime(2027, 3, 22, 9, tzinfo=TZ), tick=False):
        activity_delete(actor=organiser, code=event.code, activity_code=meter.code)
        add(category="electricity", factor_key="electricity.grid", quantity="21000")
        v2 = inventory_freeze(actor=organiser, code=event.code)
        with pytest.raises(Conflict) as info:
            inventory_freeze(actor=organiser, code=event.code)
        assert info.value.code == "inventory_unchanged"
    assert (v1.version, v2.version) == (1, 2)
    assert v2.total_kg_co2e - v1.total_kg_co2e == Decimal("2500") * Decimal("0.5581")
    assert v2.data_hash != v1.data_hash and v2.release_hash == v1.release_hash
    assert inventory_latest(event) == v2
    v1.refresh_from_db()
    assert Decimal(next(x for x in v1.lines if x["factor_key"] == "electricity.grid")["kg_co2e"]) == Decimal(
        "10324.850"
    )
    assert list(event.transitions.values_list("action", flat=True)) == [
        "submit",
        "publish_plan",
        "freeze_inventory",
        "freeze_inventory",
    ]
