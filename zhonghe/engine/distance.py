"""Travel distances: great-circle distance plus the release's detour convention per mode.

The convention (multiplier, constant) is data in the factor release, cited there, never a constant in
code: choosing "+95 km for flights" is a methodological decision a release must own.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from functools import lru_cache

from .activities import Place, TravelActivity
from .errors import InvalidActivity, UnknownFactor
from .factors import FactorRelease
from .units import DECIMAL_CONTEXT

EARTH_RADIUS_KM = 6371.0  # mean radius, as co2calculator's distances.py uses
DISTANCE_QUANTUM_KM = Decimal("0.001")


def great_circle_km(a: Place, b: Place) -> Decimal:
    """Haversine distance between ``a`` and ``b`` on a 6,371 km sphere, in km to 0.001 km.

    This is the one place the engine uses float: Decimal has no trigonometry, and float haversine is
    accurate to far better than a metre at Earth scale, while the sphere itself is off by up to
    ~0.5 %. Quantizing to 1 m turns the float into a stable Decimal for every later step.
    Pure and cached, because an event repeats the same city pairs thousands of times.
    """
    return _great_circle_km(a.lat, a.lon, b.lat, b.lon)


@lru_cache(maxsize=8192)
def _great_circle_km(lat_a: Decimal, lon_a: Decimal, lat_b: Decimal, lon_b: Decimal) -> Decimal:
    phi_a, phi_b = math.radians(float(lat_a)), math.radians(float(lat_b))
    d_phi = phi_b - phi_a
    d_lambda = math.radians(float(lon_b) - float(lon_a))
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(d_lambda / 2) ** 2
    central_angle = 2 * math.asin(min(1.0, math.sqrt(h)))  # min(): rounding can push h past 1
    # repr() gives the shortest text that round-trips, so the Decimal carries no binary noise.
    return Decimal(repr(EARTH_RADIUS_KM * central_angle)).quantize(DISTANCE_QUANTUM_KM)


def _km_text(distance_km: Decimal) -> str:
    return f"{distance_km:,}"


def travel_distance_km(activity: TravelActivity, release: FactorRelease) -> tuple[Decimal, str]:
    """One-way distance in km for ``activity`` and a human-readable statement of how it was found.

    A declared ``distance_km`` is used as is ("declared"); otherwise great-circle × multiplier +
    add_km from the release's ``DistanceRule`` for the mode, to 0.001 km. Raises ``UnknownFactor``
    when the release has no rule for the mode.
    """
    if activity.distance_km is not None:
        return activity.distance_km, f"declared {_km_text(activity.distance_km)} km"
    if activity.origin is None or activity.destination is None:  # TravelActivity prevents this
        raise InvalidActivity(f"{activity.ref}: neither a distance nor both places given")
    rule = release.distance_rules.get(activity.mode.value)
    if rule is None:
        raise UnknownFactor(f"release {release.code} has no distance rule for {activity.mode.value}")
    great_circle = great_circle_km(activity.origin, activity.destination)
    with localcontext(DECIMAL_CONTEXT):
        distance_km = (great_circle * rule.multiplier + rule.add_km).quantize(DISTANCE_QUANTUM_KM)
    method = f"great-circle {_km_text(great_circle)} km"
    if rule.multiplier != 1:
        method += f" × {rule.multiplier}"
    if rule.add_km != 0:
        method += f" + {rule.add_km} km"
    return distance_km, f"{method} ({rule.source})"
