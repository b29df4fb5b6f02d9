"""ORM ⇄ engine: turn ActivityRecord rows into engine activities and results into JSON-safe dicts."""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from decimal import Decimal
from enum import Enum
from typing import Any

from django.utils.translation import gettext as _

from zhonghe.data.districts import UnknownDistrict, district_by_code
from zhonghe.data.places import UnknownPlace, airport_place, city_place
from zhonghe.engine.activities import (
    Activity,
    Cabin,
    Category,
    Phase,
    Place,
    Quality,
    TravelActivity,
    TravelMode,
    VehicleFuel,
)
from zhonghe.engine.errors import EngineError
from zhonghe.engine.footprint import AccountingOptions, Footprint
from zhonghe.events.models import ActivityRecord, Event, PlaceKind
from zhonghe.footprints.refusal_text import refusal_sentence
from zhonghe.lib.errors import ValidationFailed

ENGINE_FIELD = re.compile(r"^[^:]+: ([a-z_]+)\b")
ENGINE_FIELDS = {
    name: name
    for name in (
        "quantity", "unit", "factor_key", "green_kwh", "green_share", "green_certificates", "occupancy",
        "cabin", "fuel", "distance_km", "person_trips", "grid", "radiative_forcing", "venue_province",
    )
} | {"mode": "travel_mode"}  # fmt: skip


def engine_refusal(exc: Exception, *, row: str = "", **fields: str) -> ValidationFailed:
    """The engine's refusal for people: a translated headline per error code and a sentence naming the row
    (`row`, default "this activity") and the field (footprints/refusal_text.py); no internal ids. The engine's
    own words stay in fields["detail"]."""
    code = getattr(exc, "code", "invalid_activity")
    headlines = {
        "invalid_activity": _("活动数据无效"),
        "unknown_factor": _("排放因子库中没有对应的因子"),
        "unknown_release": _("未知的排放因子版本"),
        "unit_mismatch": _("单位与排放因子不匹配"),
    }
    advice = {
        "charging_kwh_as_electricity": _(
            "本因子版本没有电动车每公里耗电量的引用数据：请将充电电量（千瓦时/度）录入为电力活动"
            "（电网排放因子），系统按举办地电网排放因子核算"
        ),
        "diesel_as_fuel": _(
            "本因子版本没有柴油车按公里计的排放因子：请将所用柴油（升或吨）录入为燃料活动（移动源柴油）"
        ),
    }.get(getattr(exc, "advice", ""), "")
    detail = str(getattr(exc, "message", exc))
    message = headlines.get(code, _("无法核算该活动数据"))
    if advice:
        message = _("%(headline)s：%(advice)s") % {"headline": message, "advice": advice}
    elif sentence := refusal_sentence(detail, row):
        message = _("%(headline)s：%(advice)s") % {"headline": message, "advice": sentence}
    # The engine words its refusals "<ref>: <field>: …"; name that field too (API envelopes, form fields).
    named = ENGINE_FIELD.match(detail)
    field = ENGINE_FIELDS.get(named.group(1)) if named else None
    extra = {field: message} if field and field not in fields else {}
    return ValidationFailed(message, code=code, fields={**fields, **extra, "detail": detail})


def _place(kind: str, query: str) -> Place:
    try:
        return airport_place(query) if kind == PlaceKind.AIRPORT else city_place(query)
    except UnknownPlace as exc:
        raise ValidationFailed(
            _("未知地点：%(q)s") % {"q": query}, code="unknown_place", fields={"place": query}
        ) from exc


def accounting_options(event: Event | None) -> AccountingOptions:
    """The event's accounting options: the venue's province from its district (Chongqing → "50"), its grid."""
    if event is None:
        return AccountingOptions()
    try:
        province = district_by_code(event.venue_district).adcode[:2]
    except UnknownDistrict:
        province = ""  # unknown venue → the engine's national average
    return AccountingOptions(venue_province=province, grid=event.grid or "provincial")


def options_from_json(data: dict[str, Any]) -> AccountingOptions:
    """Options stored with an inventory version; {} (versions frozen before options existed) → defaults."""
    return AccountingOptions(**data)


def to_engine(record: ActivityRecord, ref: str | None = None) -> Activity | TravelActivity:
    """Build the engine activity for one record (ref: the record's code unless given).

    Raises ValidationFailed with the engine's reason.
    """
    ref = str(record.code) if ref is None else ref
    common = {
        "phase": Phase(record.phase),
        "quality": Quality(record.quality),
        "description": record.description,
    }
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
                cabin=Cabin(record.cabin) if record.cabin else None,
                fuel=VehicleFuel(record.fuel) if record.fuel else None,
                occupancy=record.occupancy,
                **common,
            )
        return Activity(
            ref=ref,
            category=Category(record.category),
            factor_key=record.factor_key,
            quantity=record.quantity if record.quantity is not None else Decimal("-1"),
            unit=record.unit,
            green_kwh=record.green_kwh,
            green_share=record.green_share,
            green_certificates=tuple(record.green_certificates or ()),
            **common,
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


def _from_json(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _from_json(options[0], value) if len(options) == 1 else value
    if hint is Decimal:
        return Decimal(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is Place:
        return _dataclass_from_json(Place, value)
    if typing.get_origin(hint) is tuple:
        return tuple(value)
    return value


def _dataclass_from_json(kind: type, data: dict[str, Any]) -> Any:
    hints = typing.get_type_hints(kind)
    names = {f.name for f in dataclasses.fields(kind)}
    return kind(**{name: _from_json(hints[name], value) for name, value in data.items() if name in names})


def from_jsonable(data: dict[str, Any]) -> Activity | TravelActivity:
    """The engine activity an inventory version stored with `to_jsonable` (travel rows carry a mode)."""
    return _dataclass_from_json(TravelActivity if "mode" in data else Activity, data)


def footprint_lines_json(footprint: Footprint) -> list[dict[str, Any]]:
    return [to_jsonable(line) for line in footprint.lines]
