"""A small hand-built factor release for engine tests, independent of the shipped data files.

Values are round on purpose where the arithmetic is checked by hand; grid and flight values match
CQ-2025 so that the worked examples of emission-factors.md §13 can be reproduced.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from zhonghe.engine.activities import Place
from zhonghe.engine.factors import FactorRelease, parse_release


def _factor(value: str, activity_unit: str, gas: str = "CO2e", **extra: Any) -> dict[str, Any]:
    return {
        "value": value,
        "unit": f"kg{gas}/{activity_unit}",
        "activity_unit": activity_unit,
        "gas_basis": gas,
        "year": 2024,
        "source": "test source",
        "doc_no": "TEST-1",
        "url": "https://example.org/factor",
        "boundary": "not stated",
        "reliability": "secondary",
        **extra,
    }


def release_data() -> dict[str, Any]:
    """A fresh, valid release as parsed JSON (callers may mutate their copy)."""
    return copy.deepcopy(_RELEASE_DATA)


def make_release(**changes: Any) -> FactorRelease:
    data = release_data()
    data.update(changes)
    return parse_release(data)


_RELEASE_DATA: dict[str, Any] = {
    "code": "TEST-1",
    "title": "测试因子库",
    "title_en": "Test release",
    "published": "2026-01-15",
    "method_version": "zhonghe-method/1",
    "gwp_set": "AR5",
    "default_car_occupancy": "1.5",
    "notes": ["for tests"],
    "factors": {
        "electricity.grid": _factor("0.5581", "kWh", gas="CO2", boundary="direct"),
        "heat.purchased": _factor("110", "GJ", gas="CO2", boundary="direct"),
        "fuel.diesel": _factor("3096", "t", gas="CO2", density_kg_per_l="0.84"),
        "fuel.lpg": _factor("3101", "t", gas="CO2"),
        "fuel.natural_gas": _factor("2.162", "Nm3", gas="CO2"),
        "lodging.hotel_room_night": _factor("66.52", "room-night"),
        "meals.standard": _factor("2.0", "meal", reliability="unconfirmed"),
        "materials.tiny": _factor("0.0005", "kg"),
        "travel.flight_domestic": _factor("0.0829", "passenger-km", boundary="life-cycle"),
        "travel.hsr": _factor("0.0204", "passenger-km"),
        "travel.bus": _factor("0.053", "passenger-km"),
        "travel.car": _factor("0.19567", "vehicle-km", per_vehicle=True),
    },
    "distance_rules": {
        "flight_domestic": {"multiplier": "1", "add_km": "95", "source": "EN 16258 via co2calculator"},
        "hsr": {"multiplier": "1.2", "add_km": "0", "source": "co2calculator rail"},
        "bus": {"multiplier": "1.5", "add_km": "0", "source": "co2calculator bus"},
        "car": {"multiplier": "1.3", "add_km": "0", "source": "travel-footprint-calculator"},
    },
}

# Airport coordinates as airportsdata 20260905 gives them (CKG, PEK).
CKG = Place("CKG", "Chongqing Jiangbei", Decimal("29.7192"), Decimal("106.642"))
PEK = Place("PEK", "Beijing Capital", Decimal("40.0801"), Decimal("116.585"))
YUZHONG = Place("500103", "渝中区", Decimal("29.552736"), Decimal("106.568896"))
CHENGDU = Place("510100", "成都市", Decimal("30.572893"), Decimal("104.066794"))
