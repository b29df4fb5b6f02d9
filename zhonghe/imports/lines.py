"""Engine activities of a clean file → the activity fields an ActivityRecord is recorded from (pure).

The fields are taken from the very activities ``file_footprint`` computes (``footprint.py``), so the
committed inventory and ``manage.py footprint_file`` agree to the last digit. A record has one
``place_kind`` for both ends; a line from an airport to a city (北京大兴国际机场 → the venue) is
recorded with the one-way distance the engine computes for it under the release — distances are
quantized to 0.001 km by the engine and stored at 0.001 km, so the result is unchanged. Names are
never part of a line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zhonghe.engine.activities import Activity, Place, TravelActivity
from zhonghe.engine.distance import travel_distance_km, travel_distance_v2
from zhonghe.engine.factors import FactorRelease

METHOD_1 = "zhonghe-method/1"
DESCRIPTION_MAX = 200


def _kind(place: Place) -> str:
    return "city" if place.code.isdigit() else "airport"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def travel_fields(activity: TravelActivity, release: FactorRelease) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "category": "travel",
        "travel_mode": activity.mode.value,
        "person_trips": activity.person_trips,
        "round_trip": activity.round_trip,
        "description": activity.description[:DESCRIPTION_MAX],
        "phase": activity.phase.value,
        "quality": activity.quality.value,
        "cabin": activity.cabin.value if activity.cabin else "",
        "occupancy": _text(activity.occupancy),
    }
    origin, destination = activity.origin, activity.destination
    if activity.distance_km is not None or origin is None or destination is None:
        fields["distance_km"] = _text(activity.distance_km)
    elif _kind(origin) == _kind(destination):
        fields.update(place_kind=_kind(origin), origin=origin.code, destination=destination.code)
    else:
        fields["distance_km"] = str(one_way_km(activity, release))
    return fields


def one_way_km(activity: TravelActivity, release: FactorRelease) -> Decimal:
    if release.method_version == METHOD_1:
        return travel_distance_km(activity, release)[0]
    return travel_distance_v2(activity, release).km


def activity_fields(activity: Activity) -> dict[str, Any]:
    return {
        "category": activity.category.value,
        "factor_key": activity.factor_key,
        "quantity": str(activity.quantity),
        "unit": activity.unit,
        "description": activity.description[:DESCRIPTION_MAX],
        "phase": activity.phase.value,
        "quality": activity.quality.value,
    }


def record_fields(activities: list[Activity | TravelActivity], release: FactorRelease) -> list[dict[str, Any]]:
    """JSON-able fields per activity, for ``footprints.services.activity_add``."""
    return [
        travel_fields(activity, release) if isinstance(activity, TravelActivity) else activity_fields(activity)
        for activity in activities
    ]
