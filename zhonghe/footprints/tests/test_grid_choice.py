"""An event's grid choice (provincial by default, national, 西南 regional): stored with the event, used by its
estimate and inventories, kept in each version's options, shown on the lines and the report; old versions keep
theirs."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from zhonghe.events.models import Event
from zhonghe.events.services import event_create, event_update
from zhonghe.footprints.report import inventory_report
from zhonghe.footprints.selectors import inventory_footprint
from zhonghe.footprints.services import activity_add, inventory_freeze
from zhonghe.footprints.tests.builders import AFTER_EVENT, event_fields, planned_event, refused
from zhonghe.footprints.translate import footprint_lines_json
from zhonghe.lib.errors import Conflict, ValidationFailed
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db

# MEE/NBS announcement 2025 No. 47: 重庆 (table 3) 0.5581, national (table 1) 0.5306, 西南 (table 2) 0.2472.
REPORT_LABELS = {"provincial": "省级电网", "national": "全国电网", "regional": "区域电网"}
KWH = Decimal("10000")
EXPECTED = {
    "provincial": ("electricity.grid_p50", KWH * Decimal("0.5581")),  # 5,581.000 kg
    "national": ("electricity.grid_national", KWH * Decimal("0.5306")),  # 5,306.000 kg
    "regional": ("electricity.grid_region_xinan", KWH * Decimal("0.2472")),  # 2,472.000 kg
}


def _freeze(actor, event):
    with time_machine.travel(AFTER_EVENT, tick=False):
        return inventory_freeze(actor=actor, code=event.code)


def _electricity(actor, event, kwh=KWH):
    activity_add(
        actor=actor, code=event.code, stage="after", category="electricity", factor_key="electricity.grid",
        quantity=str(kwh), unit="kWh",
    )  # fmt: skip


def test_a_new_event_uses_the_provincial_grid(actors):
    event = planned_event(actors.organiser)
    assert event.grid == "provincial"


@pytest.mark.parametrize("grid", ["provincial", "national", "regional"])
def test_the_events_grid_reaches_its_inventory_lines_and_report(actors, grid):
    event = planned_event(actors.organiser, grid=grid)
    _electricity(actors.organiser, event)
    inventory = _freeze(actors.organiser, event)
    key, kg = EXPECTED[grid]
    (line,) = inventory.lines
    assert (line["factor_key"], Decimal(line["kg_co2e"])) == (key, kg)
    assert inventory.options["grid"] == grid and inventory.options["venue_province"] == "50"
    assert ("所选" in line["factor_source"]) == (grid != "provincial")
    assert inventory_report(inventory).options["grid"] == grid
    response = login("organiser").get(f"/events/{event.code}/inventories/{inventory.version}/report.xlsx")
    method = [row for row in load_workbook(io.BytesIO(response.content))["核算方法"].iter_rows(values_only=True)]
    assert any(row[0] == "电网排放因子" and row[1].startswith(REPORT_LABELS[grid]) for row in method)


def test_the_estimate_uses_the_events_grid_too(actors):
    event = planned_event(actors.organiser, grid="regional", before_kwh="1000")
    (line,) = event.plan.estimate_lines
    assert (line["factor_key"], line["kg_co2e"]) == ("electricity.grid_region_xinan", "247.200")  # 1,000 × 0.2472


def test_an_unknown_grid_is_refused_by_field_and_nothing_written(actors):
    error = refused(ValidationFailed, "validation_failed", event_create, actor=actors.organiser,
                    **event_fields(grid="hydro"))  # fmt: skip
    assert "grid" in error.fields


def test_a_draft_may_change_its_grid(actors):
    event = event_create(actor=actors.organiser, **event_fields())
    event_update(actor=actors.organiser, code=event.code, **event_fields(grid="national"))
    event.refresh_from_db()
    assert event.grid == "national"


def test_a_new_grid_choice_freezes_a_new_version_and_the_old_one_keeps_its_lines(actors):
    organiser = actors.organiser
    event = planned_event(organiser)
    _electricity(organiser, event)
    first = _freeze(organiser, event)
    refused(Conflict, "inventory_unchanged", _freeze, organiser, event)  # same data, same options
    Event.objects.filter(pk=event.pk).update(grid="regional")  # set-up: the choice is made on the draft's form
    second = _freeze(organiser, event)
    assert (second.version, second.data_hash) == (2, first.data_hash)
    assert Decimal(second.lines[0]["kg_co2e"]) == EXPECTED["regional"][1]
    first.refresh_from_db()
    assert first.options["grid"] == "provincial"
    assert Decimal(first.lines[0]["kg_co2e"]) == EXPECTED["provincial"][1]
    assert footprint_lines_json(inventory_footprint(first)) == first.lines  # recomputed with ITS options
    assert footprint_lines_json(inventory_footprint(second)) == second.lines
