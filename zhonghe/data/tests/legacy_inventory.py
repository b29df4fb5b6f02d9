"""A realistic CQ-2025 inventory whose lines and hashes were captured before method/2 existed.

``legacy_cq2025_expected.json`` holds what the code of commit faab584 (the last commit before issue 6)
computed for these activities with release CQ-2025: every line's fields, the total, the release's
content hash and the inventory hash. The file was written once by ``capture()`` and is never
regenerated; ``test_legacy_release.py`` asserts the current code reproduces it byte for byte.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from zhonghe.engine.activities import Activity, Category, Place, TravelActivity, TravelMode

D = Decimal
EXPECTED_JSON = Path(__file__).resolve().with_name("legacy_cq2025_expected.json")

# Coordinates as zhonghe.data.places returned them at capture time (cpca adcodes, airportsdata).
YUZHONG = Place("500103", "渝中区", D("29.552736"), D("106.568896"))
CHENGDU = Place("510100", "成都市", D("30.572893"), D("104.066794"))
BEIJING = Place("110000", "北京市", D("39.904989"), D("116.405285"))
GUIYANG = Place("520100", "贵阳市", D("26.578343"), D("106.713478"))
CKG = Place("CKG", "Chongqing Jiangbei International Airport", D("29.7192"), D("106.642"))
PEK = Place("PEK", "Beijing Capital International Airport", D("40.0801"), D("116.585"))
SIN = Place("SIN", "Singapore Changi Airport", D("1.35019"), D("103.994003"))
SHA = Place("SHA", "Shanghai Hongqiao International Airport", D("31.1979"), D("121.336"))


def activities() -> list[Activity | TravelActivity]:
    """A 300-person conference in Chongqing, touching every factor of CQ-2025."""
    return [
        Activity("el-main", Category.ELECTRICITY, "electricity.grid", D("12500"), "kWh", "主会场用电"),
        Activity("el-mwh", Category.ELECTRICITY, "electricity.grid", D("1.75"), "MWh"),
        Activity("el-du", Category.ELECTRICITY, "electricity.grid", D("333.3"), "度"),
        Activity("el-green", Category.ELECTRICITY, "electricity.green_certified", D("4000"), "kWh"),
        Activity("el-resid", Category.ELECTRICITY, "electricity.grid_residual", D("2100"), "kWh"),
        Activity("heat", Category.HEAT, "heat.purchased", D("42.5"), "GJ"),
        Activity("fuel-gen", Category.FUEL, "fuel.diesel", D("380"), "L", "发电机"),
        Activity("fuel-car", Category.FUEL, "fuel.gasoline", D("120.5"), "L"),
        Activity("fuel-lpg", Category.FUEL, "fuel.lpg", D("0.35"), "t"),
        Activity("fuel-gas", Category.FUEL, "fuel.natural_gas", D("860"), "Nm3", "厨房燃气"),
        Activity("hotel", Category.LODGING, "lodging.hotel_room_night", D("540"), "room-night"),
        Activity("meals", Category.MEALS, "meals.standard", D("1800"), "meal"),
        Activity("paper", Category.MATERIALS, "materials.paper", D("85"), "kg"),
        Activity("waste-lf", Category.WASTE, "waste.landfill", D("1.2"), "t"),
        Activity("waste-inc", Category.WASTE, "waste.incineration", D("640"), "kg"),
        Activity("water", Category.WATER, "water.tap", D("210"), "m3"),
        TravelActivity("fl-pek", TravelMode.FLIGHT_DOMESTIC, 60, origin=PEK, destination=CKG, round_trip=True),
        TravelActivity("fl-sha", TravelMode.FLIGHT_DOMESTIC, 35, origin=SHA, destination=CKG, round_trip=True),
        TravelActivity("fl-sin", TravelMode.FLIGHT_INTERNATIONAL, 8, origin=SIN, destination=CKG, round_trip=True),
        TravelActivity("fl-decl", TravelMode.FLIGHT_DOMESTIC, 12, distance_km=D("1450.5")),
        TravelActivity("hsr-cd", TravelMode.HSR, 90, origin=CHENGDU, destination=YUZHONG, round_trip=True),
        TravelActivity("hsr-gy", TravelMode.HSR, 25, origin=GUIYANG, destination=YUZHONG, round_trip=True),
        TravelActivity("rail-bj", TravelMode.RAIL, 4, origin=BEIJING, destination=YUZHONG),
        TravelActivity("metro", TravelMode.METRO, 300, distance_km=D("12.4"), round_trip=True),
        TravelActivity("bus", TravelMode.BUS, 150, distance_km=D("8"), round_trip=True),
        TravelActivity("coach", TravelMode.COACH, 45, origin=CHENGDU, destination=YUZHONG),
        TravelActivity("taxi", TravelMode.TAXI, 80, distance_km=D("21.7"), round_trip=True),
        TravelActivity("car-own", TravelMode.CAR, 30, distance_km=D("35"), round_trip=True, occupancy=D("2")),
        TravelActivity("car-dflt", TravelMode.CAR, 18, origin=CHENGDU, destination=YUZHONG, round_trip=True),
    ]


def capture(lines: list[dict[str, Any]], total: str, release_hash: str, inventory: str) -> None:
    """Write the expected file (run once, on the code before method/2; kept for the record).

    ``lines`` maps each field to ``str(value)`` so that the Decimal scale (1559.010, not 1559.01) is
    kept as well as the value.
    """
    data = {"release_hash": release_hash, "inventory_hash": inventory, "total_kg_co2e": total, "lines": lines}
    EXPECTED_JSON.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
