"""Footprint lines (with factor provenance), plan and inventory shapes shared by several routers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field

from zhonghe.api.schemas import decimal_out

Kg = decimal_out(3)  # kg CO2e and t CO2e columns keep three places


class LineOut(Schema):
    """One footprint line as frozen: every number is a string, the factor's citation travels with it.

    Fields a later release adds to its lines pass through unchanged (extra="allow")."""

    model_config = ConfigDict(extra="allow")

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
    # Lines frozen with release CQ-2025.2 or later also carry these (older versions: the defaults).
    part: str = Field("", description='"" normally; "green"/"residual" halves of a meter reading; "rf" for flights')
    phase: str = "holding"
    quality: str = "estimated"
    factor_source_en: str = ""
    distance_method_zh: str = ""
    uncertainty_pct: str | None = Field(None, description="95 % half-width in % of the line")
    kg_co2: str | None = None
    kg_ch4: str | None = None
    kg_n2o: str | None = None
    evidence: list[str] = Field(default_factory=list, description="e.g. the 绿证 ids behind a green line")


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
    range_low_kg_co2e: Kg | None = Field(None, description="95 % range of the total (None: frozen before CQ-2025.2)")
    range_high_kg_co2e: Kg | None = None
    by_phase_kg: dict[str, str]
    by_source_kg: dict[str, str]
    created_at: datetime


class InventoryOut(InventorySummary):
    lines: list[LineOut]
    activities: list[dict[str, Any]]
