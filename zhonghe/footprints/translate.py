"""ORM ⇄ engine: turn ActivityRecord rows into engine activities and results into JSON-safe dicts."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from enum import Enum
from typing import Any

from django.utils.translation import gettext as _

from zhonghe.data.places import UnknownPlace, airport_place, city_place
from zhonghe.engine.activities import Activity, Category, Place, TravelActivity, TravelMode
from zhonghe.engine.errors import EngineError
from zhonghe.engine.footprint import Footprint
from zhonghe.events.models import ActivityRecord, PlaceKind
from zhonghe.lib.errors import ValidationFailed


def engine_refusal(exc: Exception, **fields: str) -> ValidationFailed:
    """The engine's refusal for people: a translated headline per error code, the engine's detail kept."""
    code = getattr(exc, "code", "invalid_activity")
    headlines = {
        "invalid_activity": _("活动数据无效"),
        "unknown_factor": _("排放因子库中没有对应的因子"),
        "unknown_release": _("未知的排放因子版本"),
        "unit_mismatch": _("单位与排放因子不匹配"),
    }
    detail = str(getattr(exc, "message", exc))
    headline = headlines.get(code, _("无法核算该活动数据"))
    return ValidationFailed(
        _("%(headline)s（%(detail)s）") % {"headline": headline, "detail": detail},
        code=code,
        fields={**fields, "detail": detail},
    )


def _place(kind: str, query: str) -> Place:
    try:
        return airport_place(query) if kind == PlaceKind.AIRPORT else city_place(query)
    except UnknownPlace as exc:
        raise ValidationFailed(
            _("未知地点：%(q)s") % {"q": query}, code="unknown_place", fields={"place": query}
        ) from exc


def to_engine(record: ActivityRecord) -> Activity | TravelActivity:
    """Build the engine activity for one record. Raises ValidationFailed with the engine's reason."""
    ref = str(record.code)
    try:
        if record.category == Category.TRAVEL:
            origin = destination = None
            if record.distance_km is None:
                origin = _place(record.place_kind, record.origin)
                destination = _place(record.place_kind, record.destination)
            return TravelActivity(
                ref=ref,
                mode=TravelMode(record.travel_mode),
                person_trips=record.person_trips or 0,
                distance_km=record.distance_km,
                origin=origin,
                destination=destination,
                round_trip=record.round_trip,
                description=record.description,
            )
        return Activity(
            ref=ref,
            category=Category(record.category),
            factor_key=record.factor_key,
            quantity=record.quantity if record.quantity is not None else Decimal("-1"),
            unit=record.unit,
            description=record.description,
        )
    except (EngineError, ValueError) as exc:
        raise engine_refusal(exc) from exc


def to_jsonable(value: Any) -> Any:
    """Dataclasses/Decimals/Enums → JSON-safe values; Decimals become strings so nothing turns into float."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def footprint_lines_json(footprint: Footprint) -> list[dict[str, Any]]:
    return [to_jsonable(line) for line in footprint.lines]
