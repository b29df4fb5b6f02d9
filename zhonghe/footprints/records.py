"""Activity fields (from a form, the API or the calculator) → one validated, unsaved ActivityRecord.

One cleaning path for every entry point, so the page, `POST /events/{code}/activities` and the stateless
calculator refuse the same inputs with the same field names and feed the engine the same activities.
Raises ValidationFailed naming the field; the engine's own checks (units, places, factors) come after.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from zhonghe.engine.errors import EngineError
from zhonghe.engine.factors import FactorRelease
from zhonghe.events.models import (
    ActivityCategory,
    ActivityRecord,
    Cabin,
    DataQuality,
    Event,
    Phase,
    PlaceKind,
    VehicleFuel,
)
from zhonghe.footprints.translate import engine_refusal
from zhonghe.lib.errors import ValidationFailed

ROUND_TRIP_DEFAULT = True  # attendees travel there and back: the conservative default of API, form and service
FLIGHT_MODES = frozenset({"flight_domestic", "flight_international"})
FUEL_MODES = frozenset({"car", "taxi"})
OCCUPANCY_MODES = frozenset({"car", "taxi", "coach"})
MAX_OCCUPANCY = Decimal("100")
MAX_CERTIFICATES = 1000
MAX_CERTIFICATE_ID = 64
QUANTIZE_CONTEXT = Context(prec=40)
GREEN_FIELDS = ("green_kwh", "green_share", "green_certificates")
GRID_KEY = "electricity.grid"


def _refuse(message: str, field: str, value: object) -> ValidationFailed:
    return ValidationFailed(message, fields={field: str(value)})


def clean_decimal(value: object, field: str, places: int) -> Decimal | None:
    """A finite Decimal at the places of its column, as the database will return it (so an unsaved record —
    the calculator's — computes exactly like a stored one)."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise _refuse(_("请输入数字"), field, value) from exc
    if not number.is_finite():
        raise _refuse(_("请输入有限的数字"), field, value)
    try:
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN, context=QUANTIZE_CONTEXT)
    except InvalidOperation as exc:  # more digits than any column holds: the engine's ceilings refuse it anyway
        raise _refuse(_("数值过大"), field, value) from exc


def _choice(fields: dict, name: str, allowed: list[str], default: str) -> str:
    value = fields.get(name)
    value = default if value in (None, "") else str(value)
    if value not in allowed:
        raise _refuse(_("无效的选项：%(v)s") % {"v": value}, name, value)
    return value


def _clean_common(record: ActivityRecord, fields: dict) -> None:
    record.description = str(fields.get("description") or "")[:200]
    record.phase = _choice(fields, "phase", Phase.values, Phase.HOLDING)
    record.quality = _choice(fields, "quality", DataQuality.values, DataQuality.ESTIMATED)


def _clean_travel(record: ActivityRecord, fields: dict) -> None:
    record.travel_mode = mode = str(fields.get("travel_mode") or "")
    record.factor_key = f"travel.{mode}"
    trips = fields.get("person_trips")
    is_int = isinstance(trips, int) and not isinstance(trips, bool)
    if not is_int and not (isinstance(trips, str) and trips.isascii() and trips.isdecimal()):
        raise _refuse(_("请填写人次（正整数）"), "person_trips", trips)
    record.person_trips = int(trips)
    record.distance_km = clean_decimal(fields.get("distance_km"), "distance_km", 3)
    record.place_kind = str(fields.get("place_kind") or PlaceKind.CITY)
    record.origin = str(fields.get("origin") or "").strip()
    record.destination = str(fields.get("destination") or "").strip()
    round_trip = fields.get("round_trip", ROUND_TRIP_DEFAULT)
    record.round_trip = ROUND_TRIP_DEFAULT if round_trip is None else bool(round_trip)
    record.cabin = _choice(fields, "cabin", ["", *Cabin.values], "")
    if record.cabin and mode not in FLIGHT_MODES:
        raise _refuse(_("舱位只适用于航班"), "cabin", record.cabin)
    record.fuel = _choice(fields, "fuel", ["", *VehicleFuel.values], "")
    if record.fuel and mode not in FUEL_MODES:
        raise _refuse(_("燃料类型只适用于小汽车和出租车"), "fuel", record.fuel)
    record.occupancy = clean_decimal(fields.get("occupancy"), "occupancy", 2)
    if record.occupancy is not None:
        if mode not in OCCUPANCY_MODES:
            raise _refuse(_("每车人数只适用于小汽车、出租车和大巴"), "occupancy", record.occupancy)
        if not Decimal(1) <= record.occupancy <= MAX_OCCUPANCY:
            raise _refuse(_("每车人数应在1至100之间"), "occupancy", record.occupancy)


def _clean_certificates(value: object) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):  # a form's text area: one id per line or separated by commas
        value = [part for line in value.splitlines() for part in line.split(",")]
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise _refuse(_("绿证编号应为文本列表"), "green_certificates", value)
    ids = [item.strip() for item in value if item.strip()]
    if len(ids) > MAX_CERTIFICATES or any(len(item) > MAX_CERTIFICATE_ID for item in ids):
        raise _refuse(_("绿证编号最多1000个，每个不超过64个字符"), "green_certificates", len(ids))
    if len(set(ids)) != len(ids):
        raise _refuse(_("绿证编号重复"), "green_certificates", ", ".join(ids))
    return ids


def _clean_green(record: ActivityRecord, fields: dict) -> None:
    record.green_kwh = clean_decimal(fields.get("green_kwh"), "green_kwh", 4)
    record.green_share = clean_decimal(fields.get("green_share"), "green_share", 4)
    record.green_certificates = _clean_certificates(fields.get("green_certificates"))
    given = [name for name in GREEN_FIELDS if getattr(record, name) not in (None, [])]
    if given and record.category != ActivityCategory.ELECTRICITY:
        raise _refuse(_("绿色电力只适用于电力"), given[0], getattr(record, given[0]))
    if record.green_kwh is not None and record.green_share is not None:
        raise _refuse(_("绿电电量和绿电比例只能填写一项"), "green_share", record.green_share)
    if record.green_share is not None and not Decimal(0) <= record.green_share <= Decimal(1):
        raise _refuse(_("绿电比例应在0至1之间"), "green_share", record.green_share)
    if record.green_kwh is not None and record.green_kwh < 0:
        raise _refuse(_("绿电电量不能为负数"), "green_kwh", record.green_kwh)


def default_unit(release: FactorRelease, factor_key: str) -> str:
    """The unit a quantity is taken in when none is given: the factor's activity unit.

    `electricity.grid` names no single factor in method/2 releases (the engine picks the venue province's grid
    factor); its unit is that of the release's grid factors. Raises ValidationFailed for an unknown key.
    """
    try:
        return release.factor(factor_key).activity_unit
    except EngineError as exc:
        grid = sorted(key for key in release.factors if key.startswith(GRID_KEY + "_"))
        if factor_key == GRID_KEY and grid:
            return release.factor(grid[0]).activity_unit
        raise engine_refusal(exc, factor_key=factor_key) from exc


def activity_record_build(
    *, event: Event | None, stage: str, category: str, fields: dict, release: FactorRelease
) -> ActivityRecord:
    """An unsaved record from raw fields; raises ValidationFailed naming the first bad field."""
    if category not in ActivityCategory.values:
        raise ValidationFailed(_("未知的类别"), fields={"category": category})
    record = ActivityRecord(event=event, stage=stage, category=category)
    _clean_common(record, fields)
    if category == ActivityCategory.TRAVEL:
        _clean_travel(record, fields)
        for name in GREEN_FIELDS:
            if fields.get(name) not in (None, "", []):
                raise _refuse(_("绿色电力只适用于电力"), name, fields[name])
        return record
    for name in ("cabin", "fuel", "occupancy"):
        if fields.get(name) not in (None, ""):
            raise _refuse(_("该字段只适用于交通出行"), name, fields[name])
    record.factor_key = str(fields.get("factor_key") or "")
    if not record.factor_key.startswith(category + "."):
        raise _refuse(_("排放因子与类别不符"), "factor_key", record.factor_key)
    record.quantity = clean_decimal(fields.get("quantity"), "quantity", 4)
    if record.quantity is None:
        raise ValidationFailed(_("请填写数量"), fields={"quantity": "required"})
    record.unit = str(fields.get("unit") or default_unit(release, record.factor_key))
    _clean_green(record, fields)
    if record.green_kwh is not None and record.unit in ("kWh", "度") and record.green_kwh > record.quantity:
        raise _refuse(_("绿电电量不能超过用电量"), "green_kwh", record.green_kwh)
    return record
