"""Inventory versions: the default release, totals by phase and source, the 95 % range, the venue's province;
a version frozen with CQ-2025 keeps its release, still shows and recomputes with it."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.conf import settings as django_settings

from zhonghe.events.models import Event
from zhonghe.footprints.report import inventory_report
from zhonghe.footprints.selectors import inventory_footprint
from zhonghe.footprints.services import activity_add, inventory_freeze, plan_estimate
from zhonghe.footprints.tests.builders import AFTER_EVENT, planned_event, save_plan, submitted_event
from zhonghe.footprints.translate import accounting_options, footprint_lines_json
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db


def _freeze(actors, **fields_by_phase):
    event = planned_event(actors.organiser)
    for phase, kwh in fields_by_phase.items():
        activity_add(
            actor=actors.organiser, code=event.code, stage="after", category="electricity",
            factor_key="electricity.grid", quantity=kwh, phase=phase,
        )  # fmt: skip
    activity_add(
        actor=actors.organiser, code=event.code, stage="after", category="travel", travel_mode="hsr",
        person_trips=50, distance_km="300", phase="holding",
    )  # fmt: skip
    with time_machine.travel(AFTER_EVENT, tick=False):
        return inventory_freeze(actor=actors.organiser, code=event.code)


def _sums(lines, key, default=""):
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.get(key, default)] = totals.get(line.get(key, default), Decimal(0)) + Decimal(line["kg_co2e"])
    return totals


def test_the_default_release_is_cq_2025_2():
    assert django_settings.DEFAULT_FACTOR_RELEASE == "CQ-2025.2"


def test_freeze_stores_totals_by_phase_and_source_and_the_range(actors):
    inventory = _freeze(actors, preparation="1200", holding="9000", closing="300")
    inventory.refresh_from_db()
    assert inventory.release_code == "CQ-2025.2"
    assert {k: Decimal(v) for k, v in inventory.by_phase_kg.items()} == _sums(inventory.lines, "phase")
    assert {k: Decimal(v) for k, v in inventory.by_source_kg.items()} == _sums(inventory.lines, "category")
    assert sum(Decimal(v) for v in inventory.by_phase_kg.values()) == inventory.total_kg_co2e
    assert inventory.range_low_kg_co2e < inventory.total_kg_co2e < inventory.range_high_kg_co2e
    assert inventory.options["venue_province"] == "50"  # 渝中区 500103 → Chongqing


def test_estimates_use_the_default_release(actors):
    event = submitted_event(actors.organiser)
    save_plan(actors.organiser, event.code)
    activity_add(
        actor=actors.organiser, code=event.code, stage="before", category="electricity",
        factor_key="electricity.grid", quantity="100",
    )  # fmt: skip
    assert plan_estimate(actor=actors.organiser, code=event.code).estimate_release == "CQ-2025.2"


def test_the_venue_gives_the_province():
    assert accounting_options(Event(venue_district="500103")).venue_province == "50"
    assert accounting_options(Event(venue_district="999999")).venue_province == ""  # unknown → national average
    assert accounting_options(None).venue_province == "50"


def test_a_cq_2025_version_keeps_its_release_shows_and_recomputes(actors, settings):
    settings.DEFAULT_FACTOR_RELEASE = "CQ-2025"
    old = _freeze(actors, holding="23000")
    settings.DEFAULT_FACTOR_RELEASE = "CQ-2025.2"
    old.refresh_from_db()
    assert (old.release_code, old.method_version) == ("CQ-2025", "zhonghe-method/1")
    recomputed = inventory_footprint(old)
    assert (recomputed.release_code, recomputed.release_hash) == (old.release_code, old.release_hash)

    def by_ref(lines):  # the version stores its activities sorted by ref, its lines in recording order
        return sorted(lines, key=lambda line: (line["ref"], line.get("part", "")))

    assert by_ref(footprint_lines_json(recomputed)) == by_ref(old.lines)
    assert recomputed.total_kg_co2e == old.total_kg_co2e
    report = inventory_report(old)
    assert sum(kg for _k, kg in report.by_source_kg) == old.total_kg_co2e
    page = login("organiser").get(f"/events/{old.event.code}/")
    assert page.status_code == 200 and old.data_hash in page.content.decode()
    assert login("organiser").get(f"/events/{old.event.code}/inventories/1/report.pdf").status_code == 200
