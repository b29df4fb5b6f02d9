"""Rows written before issue 6 get the new defaults; frozen versions get their totals by source and phase."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("events", "0005_event_retired_t"), ("footprints", "0002_append_only_guard")]
AFTER = [("events", "0006_activity_accounting_inputs"), ("footprints", "0003_inventory_totals_by_phase_and_source")]

LINES = [
    {"ref": "a", "category": "electricity", "kg_co2e": "558.100"},
    {"ref": "b", "category": "travel", "kg_co2e": "1200.250"},
    {"ref": "c", "category": "electricity", "kg_co2e": "0.004"},
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest():
    # Back to every app's newest migration, not just AFTER: migrations that depend on AFTER's (evaluations,
    # later events and certificates steps) were unapplied by the step back and must return for later tests.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_rows_get_the_defaults_and_totals():
    old = _migrate(BEFORE)
    org = old.get_model("accounts", "Organization").objects.create(name="旧单位", kind="individual")
    event = old.get_model("events", "Event").objects.create(
        organization=org,
        name="旧活动",
        kind="meeting",
        expected_participants=100,
        venue_district="500103",
        start_date=date(2025, 1, 1),
        end_date=date(2025, 1, 2),
    )
    old.get_model("events", "ActivityRecord").objects.create(
        event=event, stage="after", category="travel", factor_key="travel.hsr", travel_mode="hsr", person_trips=3
    )
    old.get_model("footprints", "InventoryVersion").objects.create(
        event=event,
        version=1,
        data_hash="d" * 64,
        release_code="CQ-2025",
        release_hash="r" * 64,
        method_version="zhonghe-method/1",
        total_kg_co2e=Decimal("1758.354"),
        total_t_co2e=Decimal("1.758"),
        required_offset_t=2,
        activities=[],
        lines=LINES,
    )
    try:
        new = _migrate(AFTER)
        record = new.get_model("events", "ActivityRecord").objects.get()
        assert (record.phase, record.quality, record.cabin, record.fuel) == ("holding", "estimated", "", "")
        assert (record.occupancy, record.green_kwh, record.green_share, record.green_certificates) == (
            None,
            None,
            None,
            [],
        )
        assert record.round_trip is False  # an existing row keeps what it was recorded with
        inventory = new.get_model("footprints", "InventoryVersion").objects.get()
        assert inventory.by_source_kg == {"electricity": "558.104", "travel": "1200.250"}
        assert inventory.by_phase_kg == {"holding": "1758.354"}
        assert (inventory.options, inventory.range_low_kg_co2e, inventory.range_high_kg_co2e) == ({}, None, None)
        with pytest.raises(DatabaseError, match="append-only"):  # the guard is back after the table was rebuilt
            with connection.cursor() as cursor:
                cursor.execute("UPDATE footprints_inventoryversion SET version = 2")
    finally:
        _migrate_to_latest()
