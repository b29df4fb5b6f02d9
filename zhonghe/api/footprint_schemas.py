"""Footprint lines (with factor provenance), plan and inventory shapes shared by several routers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema

from zhonghe.api.schemas import decimal_out

Kg = decimal_out(3)  # kg CO2e and t CO2e columns keep three places


class LineOut(Schema):
    """One footprint line as frozen: every number is a string, the factor's citation travels with it."""

    ref: str
    category: str
    description: str
    quantity: str
    unit: str
    factor_key: str
    factor_value: str
    factor_unit: str
    factor_source: str
    factor_doc_no: str
    factor_year: int
    factor_boundary: str
    factor_reliability: str
    distance_km: str | None = None
    distance_method: str = ""
    kg_co2e: str


class PlanOut(Schema):
    boundary: str
    reduction_measures: str
    offset_plan: str
    estimate_kg_co2e: Kg | None
    estimate_release: str
    estimate_lines: list[LineOut]
    updated_at: datetime
    published_at: datetime | None


class PlanSummary(Schema):
    boundary: str
    estimate_kg_co2e: Kg | None
    estimate_release: str
    published_at: datetime | None


class InventorySummary(Schema):
    code: UUID
    version: int
    data_hash: str
    release_code: str
    release_hash: str
    method_version: str
    total_kg_co2e: Kg
    total_t_co2e: Kg
    required_offset_t: int
    created_at: datetime


class InventoryOut(InventorySummary):
    lines: list[LineOut]
    activities: list[dict[str, Any]]
