"""Travel distances: great-circle (method/1) or WGS84 geodesic (method/2) plus the release's conventions.

zhonghe-method/1 releases keep the 6,371 km sphere (``great_circle_km``) so that their inventories
recompute unchanged; zhonghe-method/2 uses the WGS84 geodesic (``geodesic_km``, GeographicLib) and the
release's rail table of published line lengths (``travel_distance_v2``).

The convention (multiplier, constant) is data in the factor release, cited there, never a constant in
code: choosing "+95 km for flights" is a methodological decision a release must own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, localcontext
from functools import lru_cache

from geographiclib.geodesic import Geodesic

from .activities import Place, TravelActivity
from .errors import InvalidActivity, UnknownFactor
from .factors import FactorRelease
from .release_v2 import RailDistance
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


# --- zhonghe-method/2 ---------------------------------------------------------------------------


def geodesic_km(a: Place, b: Place) -> Decimal:
    """Shortest distance between ``a`` and ``b`` on the WGS84 ellipsoid, in km to 0.001 km.

    Karney's algorithm as implemented by GeographicLib (accurate to ~15 nm); float inside the
    library, quantized to 1 m on the way out like ``great_circle_km``. Pure and cached.
    """
    return _geodesic_km(a.lat, a.lon, b.lat, b.lon)


@lru_cache(maxsize=8192)
def _geodesic_km(lat_a: Decimal, lon_a: Decimal, lat_b: Decimal, lon_b: Decimal) -> Decimal:
    metres = Geodesic.WGS84.Inverse(float(lat_a), float(lon_a), float(lat_b), float(lon_b), Geodesic.DISTANCE)["s12"]
    return (Decimal(repr(metres)) / 1000).quantize(DISTANCE_QUANTUM_KM)


@dataclass(frozen=True)
class Distance:
    """A one-way distance and how it was found, in English and Chinese."""

    km: Decimal
    method: str
    method_zh: str
    estimated: bool = False


def _rail_match(activity: TravelActivity, release: FactorRelease) -> RailDistance | None:
    parts = release.method2
    if parts is None or activity.origin is None or activity.destination is None:
        return None
    for entry in parts.rail_distances:
        if activity.mode.value in entry.modes and entry.matches(activity.origin.code, activity.destination.code):
            return entry
    return None


def travel_distance_v2(activity: TravelActivity, release: FactorRelease) -> Distance:
    """One-way km for ``activity`` under zhonghe-method/2, with the method in English and Chinese.

    Declared distances are used as is. Otherwise: rail and high-speed rail take the published line
    length of the release's rail table when the city pair is in it; every other case is the WGS84
    geodesic × multiplier + add_km of the mode's cited distance rule (flights: + 95 km), and rail
    pairs that fall back to it are marked "estimated distance". Raises ``UnknownFactor`` when the
    release has no rule for the mode.
    """
    if activity.distance_km is not None:
        km = _km_text(activity.distance_km)
        return Distance(activity.distance_km, f"declared {km} km", f"申报距离 {km} 公里")
    if activity.origin is None or activity.destination is None:  # TravelActivity prevents this
        raise InvalidActivity(f"{activity.ref}: neither a distance nor both places given")
    entry = _rail_match(activity, release)
    if entry is not None:
        length = entry.length
        km = _km_text(length.value)
        return Distance(
            length.value,
            f"published line length {km} km ({entry.chain_en}; {length.source_en}, {length.doc_no})",
            f"公布线路长度 {km} 公里（{entry.chain}；{length.source}，{length.doc_no}）",
        )
    rule = release.distance_rules.get(activity.mode.value)
    if rule is None:
        raise UnknownFactor(f"{activity.ref}: release {release.code} has no distance rule for {activity.mode.value}")
    geodesic = geodesic_km(activity.origin, activity.destination)
    with localcontext(DECIMAL_CONTEXT):
        km_value = (geodesic * rule.multiplier + rule.add_km).quantize(DISTANCE_QUANTUM_KM)
    en, zh = f"WGS84 geodesic {_km_text(geodesic)} km", f"WGS84大地线距离 {_km_text(geodesic)} 公里"
    if rule.multiplier != 1:
        en, zh = en + f" × {rule.multiplier}", zh + f" × {rule.multiplier}"
    if rule.add_km != 0:
        en, zh = en + f" + {rule.add_km} km", zh + f" + {rule.add_km} 公里"
    en, zh = f"{en} ({rule.source_en or rule.source})", f"{zh}（{rule.source}）"
    estimated = activity.mode.value in ("hsr", "rail")
    if estimated:
        en = f"estimated distance, no published line length for this pair: {en}"
        zh = f"估算距离（该城市对无公布线路长度）：{zh}"
    return Distance(km_value, en, zh, estimated)
