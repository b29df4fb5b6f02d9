"""Engine benchmark: a synthetic event, the engine's timing and a deliberately naive baseline.

The event has N attendees; each travels to Chongqing and back by a random mode (flights from an
airport, rail/coach/car from a city, metro/bus/taxi from a Chongqing district), stays 1-4 room-nights
and eats 2-9 meals: three activities per attendee. Randomness is seeded, so every run times the same
event. Nothing here is imported by the application or its tests.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhonghe.data.places import airport_place, city_place
from zhonghe.engine import distance as engine_distance
from zhonghe.engine.activities import Activity, Category, Place, TravelActivity, TravelMode
from zhonghe.engine.factors import FactorRelease
from zhonghe.engine.footprint import calculate_footprint
from zhonghe.engine.hashing import inventory_hash

AIRPORTS = "PEK PVG CAN SZX WUH XIY HGH NKG CSX KMG TSN CGO SHE HRB URC LXA NNG XMN".split()
FOREIGN_AIRPORTS = "HKG SIN NRT ICN FRA LHR BKK".split()
CITIES = ["北京市", "上海市", "广州市", "成都市", "武汉市", "西安市", "贵阳市", "长沙市", "昆明市", "郑州市"]
CQ_DISTRICTS = ["万州区", "涪陵区", "500105", "沙坪坝区", "九龙坡区", "南岸区", "北碚区", "渝北区", "巴南区",
                "永川区", "合川区", "江津区", "黔江区", "开州区", "綦江区", "大足区"]  # fmt: skip
LONG_MODES = [TravelMode.FLIGHT_DOMESTIC, TravelMode.FLIGHT_DOMESTIC, TravelMode.HSR, TravelMode.RAIL,
              TravelMode.COACH, TravelMode.CAR]  # fmt: skip
LOCAL_MODES = [TravelMode.METRO, TravelMode.BUS, TravelMode.TAXI]


def build_event(attendees: int, seed: int = 2025) -> list[Activity | TravelActivity]:
    """3 activities per attendee: one round trip to the venue, a hotel stay, meals."""
    rng = random.Random(seed)
    venue_city, venue_airport = city_place("渝中区"), airport_place("CKG")
    airports = [airport_place(code) for code in AIRPORTS]
    foreign = [airport_place(code) for code in FOREIGN_AIRPORTS]
    cities = [city_place(name) for name in CITIES]
    districts = [city_place(name) for name in CQ_DISTRICTS]
    activities: list[Activity | TravelActivity] = []
    for index in range(attendees):
        ref = f"a{index:06d}"
        roll = rng.random()
        if roll < 0.05:
            mode, origin, destination = TravelMode.FLIGHT_INTERNATIONAL, rng.choice(foreign), venue_airport
        elif roll < 0.65:
            mode = rng.choice(LONG_MODES)
            is_flight = mode is TravelMode.FLIGHT_DOMESTIC
            origin = rng.choice(airports) if is_flight else rng.choice(cities)
            destination = venue_airport if is_flight else venue_city
        else:
            mode, origin, destination = rng.choice(LOCAL_MODES), rng.choice(districts), venue_city
        activities.append(TravelActivity(f"{ref}-travel", mode, 1, origin=origin, destination=destination,
                                         round_trip=True))  # fmt: skip
        activities.append(Activity(f"{ref}-hotel", Category.LODGING, "lodging.hotel_room_night",
                                   Decimal(rng.randint(1, 4)), "room-night"))  # fmt: skip
        activities.append(Activity(f"{ref}-meals", Category.MEALS, "meals.standard",
                                   Decimal(rng.randint(2, 9)), "meal"))  # fmt: skip
    return activities


Activities = Sequence[Activity | TravelActivity]


def engine_run(activities: Activities, release: FactorRelease) -> tuple[Decimal, str]:
    """What the application does: footprint and inventory hash."""
    return calculate_footprint(activities, release).total_kg_co2e, inventory_hash(activities, release)


def _naive_km(a: Place, b: Place) -> float:
    phi_a, phi_b = math.radians(float(a.lat)), math.radians(float(b.lat))
    d_lambda = math.radians(float(b.lon) - float(a.lon))
    h = math.sin((phi_b - phi_a) / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(d_lambda / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def naive_run(activities: Activities, release: FactorRelease) -> tuple[Decimal, str]:
    """The baseline a first draft would write: factors found by scanning a list, every distance
    recomputed, float arithmetic summed in float and only the total turned into Decimal, the release
    re-serialised for every hash. Same rules otherwise, so the totals can be compared."""
    factor_list = list(release.factors.values())
    total = 0.0
    for item in activities:
        factor = next(f for f in factor_list if f.key == item.factor_key)
        if isinstance(item, TravelActivity):
            assert item.origin is not None and item.destination is not None
            rule = next(r for r in release.distance_rules.values() if r.mode == item.mode)
            km = _naive_km(item.origin, item.destination) * float(rule.multiplier) + float(rule.add_km)
            quantity = km * (2 if item.round_trip else 1) * item.person_trips
            if factor.per_vehicle:
                quantity /= float(item.occupancy or release.default_car_occupancy)
        else:
            quantity = float(item.quantity)
        total += quantity * float(factor.value)
    release_json = json.dumps(_plain(release), sort_keys=True, default=str)
    rows = sorted(json.dumps(_plain(item), sort_keys=True, default=str) for item in activities)
    digest = hashlib.sha256((release_json + "".join(rows)).encode()).hexdigest()
    return Decimal(total).quantize(Decimal("0.001")), digest


def _plain(obj: Any) -> Any:
    if hasattr(obj, "__dataclass_fields__"):
        return {name: _plain(getattr(obj, name)) for name in obj.__dataclass_fields__}
    if isinstance(obj, dict) or hasattr(obj, "items"):
        return {str(key): _plain(value) for key, value in obj.items()}
    return obj


@dataclass(frozen=True)
class Timing:
    best_ms: float
    median_ms: float


def time_it(run: Callable[[], object], repetitions: int, before_each: Callable[[], None] | None = None) -> Timing:
    """Best and median wall time over ``repetitions`` runs (time.perf_counter)."""
    samples = []
    for _ in range(repetitions):
        if before_each is not None:
            before_each()
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return Timing(min(samples), statistics.median(samples))


def cold_distance_cache() -> None:
    """Each engine run starts with an empty great-circle cache, as a fresh worker would."""
    engine_distance._great_circle_km.cache_clear()
