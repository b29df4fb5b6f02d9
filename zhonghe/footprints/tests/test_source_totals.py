"""InventorySourceTotal: the bureau dashboard's copy of each version's by-source totals, written on freeze."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zhonghe.events.models import ActivityCategory
from zhonghe.footprints.models import InventorySourceTotal
from zhonghe.footprints.services import activity_add, inventory_freeze
from zhonghe.footprints.source_totals import source_column
from zhonghe.footprints.tests.builders import AFTER_EVENT, KWH_FOR_13_T, add_electricity, planned_event, refused
from zhonghe.lib.errors import Conflict


def _row(inventory) -> dict:
    row = InventorySourceTotal.objects.get(inventory=inventory)
    sources = {c: getattr(row, source_column(c)) for c in ActivityCategory.values}
    return {"latest": row.latest, "event": row.event_id, "total": row.total_kg_co2e, **sources}


def _expected(inventory, *, latest: bool) -> dict:
    sources = {c: Decimal(inventory.by_source_kg.get(c, "0")) for c in ActivityCategory.values}
    return {"latest": latest, "event": inventory.event_id, "total": inventory.total_kg_co2e, **sources}


def test_every_source_category_has_a_column():
    columns = {f.name for f in InventorySourceTotal._meta.get_fields() if f.name.endswith("_kg")}
    assert columns == {source_column(c) for c in ActivityCategory.values}


@pytest.fixture
def planned(actors):
    event = planned_event(actors.organiser)
    add_electricity(actors.organiser, event.code, "after", KWH_FOR_13_T)
    activity_add(
        actor=actors.organiser, code=event.code, stage="after", category="meals", factor_key="meals.standard",
        quantity="900",
    )  # fmt: skip
    return event


def test_freeze_writes_the_versions_source_totals(actors, planned):
    with time_machine.travel(AFTER_EVENT, tick=False):
        inventory = inventory_freeze(actor=actors.organiser, code=planned.code)
    inventory.refresh_from_db()
    assert len(inventory.by_source_kg) == 2  # two sources, so the rows are not just the total
    assert _row(inventory) == _expected(inventory, latest=True)
    assert sum(_row(inventory)[c] for c in ActivityCategory.values) == inventory.total_kg_co2e
    assert InventorySourceTotal.objects.count() == 1


def test_a_new_version_takes_over_latest(actors, planned):
    with time_machine.travel(AFTER_EVENT, tick=False):
        first = inventory_freeze(actor=actors.organiser, code=planned.code)
        add_electricity(actors.organiser, planned.code, "after", "2000")
        second = inventory_freeze(actor=actors.organiser, code=planned.code)
    first.refresh_from_db()
    second.refresh_from_db()
    assert _row(first) == _expected(first, latest=False)
    assert _row(second) == _expected(second, latest=True)
    assert InventorySourceTotal.objects.filter(event=planned, latest=True).get().inventory == second


def test_a_refused_freeze_writes_no_rows(actors, planned):
    with time_machine.travel(AFTER_EVENT, tick=False):
        inventory = inventory_freeze(actor=actors.organiser, code=planned.code)
        before = list(InventorySourceTotal.objects.order_by("id").values())
        refused(Conflict, "inventory_unchanged", inventory_freeze, actor=actors.organiser, code=planned.code)
    assert list(InventorySourceTotal.objects.order_by("id").values()) == before
    assert [r["inventory_id"] for r in before] == [inventory.pk]


def test_a_freeze_refused_before_the_end_writes_no_rows(actors, planned):
    refused(Conflict, "event_not_ended", inventory_freeze, actor=actors.organiser, code=planned.code)
    assert not InventorySourceTotal.objects.exists()


BEFORE = [("events", "0012_model_names"), ("footprints", "0004_model_names")]
AFTER = [("events", "0012_model_names"), ("footprints", "0005_superv2_source_totals")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_rows_for_existing_versions():
    from datetime import date

    old = _migrate(BEFORE)
    org = old.get_model("accounts", "Organization").objects.create(name="旧单位", kind="individual")
    event = old.get_model("events", "Event").objects.create(
        organization=org, name="旧活动", kind="meeting", expected_participants=100, venue_district="500103",
        obligation_reason_en="",
        start_date=date(2025, 1, 1), end_date=date(2025, 1, 2),
    )  # fmt: skip
    versions = old.get_model("footprints", "InventoryVersion")
    common = dict(data_hash="a" * 64, release_code="R", release_hash="b" * 64, method_version="m", activities=[])
    for version, by_source, total in [
        (1, {"electricity": "558.104", "travel": "0.000"}, "558.104"),
        (2, {"electricity": "558.1045", "travel": "1200.250"}, "1758.355"),
    ]:
        versions.objects.create(
            event=event, version=version, total_kg_co2e=Decimal(total), total_t_co2e=Decimal(total) / 1000,
            required_offset_t=2, lines=[], by_source_kg=by_source, **common,
        )  # fmt: skip
    try:
        new = _migrate(AFTER)
        rows = new.get_model("footprints", "InventorySourceTotal").objects
        got = list(
            rows.order_by("inventory__version").values_list(
                "inventory__version", "latest", "total_kg_co2e", "electricity_kg", "travel_kg", "meals_kg"
            )
        )
        assert got == [
            (1, False, Decimal("558.104"), Decimal("558.104"), Decimal("0"), Decimal("0")),
            (2, True, Decimal("1758.355"), Decimal("558.105"), Decimal("1200.250"), Decimal("0")),  # half up
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
