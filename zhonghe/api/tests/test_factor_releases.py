"""Factor releases with every factor's citation."""

from __future__ import annotations

import pytest

from zhonghe.api.tests.support import assert_envelope

pytestmark = pytest.mark.django_db


def test_release_lists_every_factor_with_citation(api_for):
    body = api_for("organiser_read").get("/factor-releases/CQ-2025").json()
    assert body["code"] == "CQ-2025" and body["method_version"] == "zhonghe-method/1"
    assert len(body["content_hash"]) == 64 and body["default_car_occupancy"] == "1.5"
    factors = {f["key"]: f for f in body["factors"]}
    grid = factors["electricity.grid"]
    assert grid["value"] == "0.5581" and grid["unit"] == "kgCO2/kWh" and grid["year"] == 2023
    assert grid["doc_no"] == "公告2025年第47号" and grid["url"].startswith("https://www.mee.gov.cn/")
    assert grid["boundary"] == "direct" and grid["reliability"] == "secondary"
    assert "travel.flight_domestic" in factors and factors["travel.car"]["per_vehicle"] is True
    rules = {r["mode"]: r for r in body["distance_rules"]}
    assert rules["flight_domestic"]["add_km"] == "95"


@pytest.mark.parametrize("code", ["CQ-1999", "..%2F..%2Fsettings", "x" * 80])
def test_unknown_release_is_404(api_for, code):
    assert_envelope(api_for("organiser").get(f"/factor-releases/{code}"), 404, "not_found")


def test_needs_a_key(api_for):
    assert_envelope(api_for(None).get("/factor-releases/CQ-2025"), 401, "unauthenticated")
