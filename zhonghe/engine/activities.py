"""Activity data: what was consumed or travelled, as frozen, validated dataclasses.

An activity is checked when it is built, so the footprint calculation only ever sees quantities that
are Decimal, finite, non-negative and below an absurdity ceiling. Validation raises
``InvalidActivity`` with a message naming the activity's ``ref`` and the offending field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar, TypeVar

from .errors import InvalidActivity, UnitMismatch
from .units import convert_quantity, require_finite_decimal

# A quantity above 10^12 (a trillion kWh, tonnes, meals...) is a typing or unit error for any event.
MAX_QUANTITY = Decimal(10) ** 12
# One-way trip distance: Earth's circumference is ~40,075 km, so 10^5 km is certainly a mistake.
MAX_DISTANCE_KM = Decimal(10) ** 5
MAX_PERSON_TRIPS = 10**9
_E = TypeVar("_E", bound=StrEnum)
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# Modes whose factor may be per vehicle-km and so may be shared by a declared occupancy.
OCCUPANCY_MODES = frozenset({"car", "taxi", "coach"})
FLIGHT_MODES = frozenset({"flight_domestic", "flight_international"})


class Category(StrEnum):
    ELECTRICITY = "electricity"
    HEAT = "heat"
    FUEL = "fuel"
    TRAVEL = "travel"
    LODGING = "lodging"
    MEALS = "meals"
    MATERIALS = "materials"
    WASTE = "waste"
    WATER = "water"
    FREIGHT = "freight"


class Phase(StrEnum):
    """The phase of the event an activity belongs to (MEE 2019 guide: 筹备, 举办, 收尾)."""

    PREPARATION = "preparation"  # 筹备
    HOLDING = "holding"  # 举办
    CLOSING = "closing"  # 收尾


class Quality(StrEnum):
    """How the activity amount was obtained; each tier has a documented uncertainty in the release."""

    METERED = "metered"
    INVOICED = "invoiced"
    SURVEYED = "surveyed"
    ESTIMATED = "estimated"
    DEFAULT = "default"


class Cabin(StrEnum):
    ECONOMY = "economy"
    PREMIUM_ECONOMY = "premium_economy"
    BUSINESS = "business"
    FIRST = "first"


class VehicleFuel(StrEnum):
    PETROL = "petrol"
    DIESEL = "diesel"
    ELECTRIC = "electric"


class TravelMode(StrEnum):
    FLIGHT_DOMESTIC = "flight_domestic"
    FLIGHT_INTERNATIONAL = "flight_international"
    HSR = "hsr"
    RAIL = "rail"
    METRO = "metro"
    BUS = "bus"
    COACH = "coach"
    TAXI = "taxi"
    CAR = "car"


def _require_ref(ref: object) -> str:
    if not isinstance(ref, str) or not ref.strip():
        raise InvalidActivity("every activity needs a non-empty ref")
    return ref


def _bounded(value: object, what: str, maximum: Decimal) -> Decimal:
    number = require_finite_decimal(value, what)
    if number < 0:
        raise InvalidActivity(f"{what} must not be negative, got {number}")
    if number > maximum:
        raise InvalidActivity(f"{what} {number} is above the plausible maximum {maximum}")
    return number


@dataclass(frozen=True)
class Place:
    """A point on Earth: ``code`` (adcode, IATA...), display ``name``, WGS84-ish degrees.

    ``country`` is the ISO 3166-1 alpha-2 code when known (airports), "" otherwise; it decides
    domestic vs international flights under zhonghe-method/2.
    """

    code: str
    name: str
    lat: Decimal
    lon: Decimal
    country: str = ""

    # Fields added after zhonghe-method/1: left out of hashes while they hold their default, so an
    # inventory hashed before they existed keeps its hash.
    HASH_OMIT_DEFAULTS: ClassVar[dict[str, object]] = {"country": ""}

    def __post_init__(self) -> None:
        if not isinstance(self.country, str) or (self.country and not _COUNTRY.match(self.country)):
            raise InvalidActivity(f"country of {self.code!r} must be an ISO 3166 alpha-2 code, got {self.country!r}")
        lat = require_finite_decimal(self.lat, f"latitude of {self.code!r}")
        lon = require_finite_decimal(self.lon, f"longitude of {self.code!r}")
        if not Decimal(-90) <= lat <= Decimal(90):
            raise InvalidActivity(f"latitude of {self.code!r} must be within ±90, got {lat}")
        if not Decimal(-180) <= lon <= Decimal(180):
            raise InvalidActivity(f"longitude of {self.code!r} must be within ±180, got {lon}")
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)


@dataclass(frozen=True)
class Activity:
    """A non-travel activity: ``quantity`` of ``unit`` to be multiplied by factor ``factor_key``.

    Invariants: category is not TRAVEL (use ``TravelActivity``); ``factor_key`` starts with the
    category value and a dot (``electricity.grid``), so electricity can never meet a fuel factor;
    0 ≤ quantity ≤ 10^12, finite. Raises ``InvalidActivity`` otherwise.
    """

    ref: str
    category: Category
    factor_key: str
    quantity: Decimal
    unit: str
    description: str = ""
    phase: Phase = Phase.HOLDING
    quality: Quality = Quality.ESTIMATED
    green_kwh: Decimal | None = None
    green_share: Decimal | None = None
    green_certificates: tuple[str, ...] = ()

    HASH_OMIT_DEFAULTS: ClassVar[dict[str, object]] = {
        "phase": Phase.HOLDING, "quality": Quality.ESTIMATED, "green_kwh": None, "green_share": None,
        "green_certificates": (),
    }  # fmt: skip

    def __post_init__(self) -> None:
        ref = _require_ref(self.ref)
        try:
            category = Category(self.category)
        except ValueError:
            raise InvalidActivity(f"{ref}: unknown category {self.category!r}") from None
        if category is Category.TRAVEL:
            raise InvalidActivity(f"{ref}: travel is recorded as a TravelActivity, not an Activity")
        if not str(self.factor_key).startswith(f"{category.value}."):
            raise InvalidActivity(f"{ref}: factor {self.factor_key!r} does not belong to category {category.value!r}")
        if not isinstance(self.unit, str) or not self.unit.strip():
            raise InvalidActivity(f"{ref}: unit must be given")
        quantity = _bounded(self.quantity, f"{ref}: quantity", MAX_QUANTITY)
        object.__setattr__(self, "category", category)
        object.__setattr__(self, "quantity", quantity)
        _set_phase_quality(self, ref)
        self._check_green(ref, category, quantity)

    def _check_green(self, ref: str, category: Category, quantity: Decimal) -> None:
        certificates = self.green_certificates
        if isinstance(certificates, list):
            certificates = tuple(certificates)
        if not isinstance(certificates, tuple) or not all(isinstance(c, str) and c.strip() for c in certificates):
            raise InvalidActivity(f"{ref}: green_certificates must be a list of non-empty certificate ids")
        object.__setattr__(self, "green_certificates", certificates)
        if self.green_kwh is None and self.green_share is None:
            if certificates:
                raise InvalidActivity(f"{ref}: green_certificates need green_kwh or green_share")
            return
        if category is not Category.ELECTRICITY:
            raise InvalidActivity(f"{ref}: green_kwh / green_share apply to electricity only, not {category.value}")
        if self.green_kwh is not None and self.green_share is not None:
            raise InvalidActivity(f"{ref}: give green_kwh or green_share, not both")
        if self.green_share is not None:
            share = require_finite_decimal(self.green_share, f"{ref}: green_share")
            if not Decimal(0) <= share <= Decimal(1):
                raise InvalidActivity(f"{ref}: green_share must be between 0 and 1, got {share}")
            object.__setattr__(self, "green_share", share)
            return
        green_kwh = _bounded(self.green_kwh, f"{ref}: green_kwh", MAX_QUANTITY)
        try:
            reading_kwh = convert_quantity(quantity, self.unit, "kWh")
        except UnitMismatch as exc:
            raise InvalidActivity(f"{ref}: unit: green_kwh needs an energy reading ({exc.message})") from None
        if green_kwh > reading_kwh:
            raise InvalidActivity(f"{ref}: green_kwh {green_kwh} is more than the reading, {reading_kwh} kWh")
        object.__setattr__(self, "green_kwh", green_kwh)


@dataclass(frozen=True)
class TravelActivity:
    """Trips by one mode: ``person_trips`` people each travelling the same route.

    Invariants: exactly one of ``distance_km`` (declared one-way, 0 ≤ d ≤ 10^5 km) or both
    ``origin`` and ``destination`` (distinct points) is given; 1 ≤ person_trips ≤ 10^9;
    ``occupancy`` (persons per vehicle, ≥ 1) only for car, taxi and coach; ``cabin`` only for
    flights; ``fuel`` only for car and taxi. Raises ``InvalidActivity`` otherwise.
    """

    ref: str
    mode: TravelMode
    person_trips: int
    distance_km: Decimal | None = None
    origin: Place | None = None
    destination: Place | None = None
    round_trip: bool = False
    occupancy: Decimal | None = None
    description: str = ""
    cabin: Cabin | None = None
    fuel: VehicleFuel | None = None
    phase: Phase = Phase.HOLDING
    quality: Quality = Quality.ESTIMATED

    HASH_OMIT_DEFAULTS: ClassVar[dict[str, object]] = {
        "cabin": None, "fuel": None, "phase": Phase.HOLDING, "quality": Quality.ESTIMATED,
    }  # fmt: skip

    @property
    def factor_key(self) -> str:
        return f"travel.{self.mode.value}"

    @property
    def category(self) -> Category:
        return Category.TRAVEL

    def __post_init__(self) -> None:
        ref = _require_ref(self.ref)
        try:
            mode = TravelMode(self.mode)
        except ValueError:
            raise InvalidActivity(f"{ref}: unknown travel mode {self.mode!r}") from None
        object.__setattr__(self, "mode", mode)
        trips = self.person_trips
        if isinstance(trips, bool) or not isinstance(trips, int) or not 1 <= trips <= MAX_PERSON_TRIPS:
            raise InvalidActivity(f"{ref}: person_trips must be a whole number ≥ 1, got {trips!r}")
        if not isinstance(self.round_trip, bool):
            raise InvalidActivity(f"{ref}: round_trip must be True or False")
        self._check_route(ref)
        if self.occupancy is not None:
            if mode.value not in OCCUPANCY_MODES:
                raise InvalidActivity(f"{ref}: occupancy applies to car, taxi and coach only, not {mode.value}")
            occupancy = require_finite_decimal(self.occupancy, f"{ref}: occupancy")
            if occupancy < 1:
                raise InvalidActivity(f"{ref}: occupancy must be at least 1 person, got {occupancy}")
            object.__setattr__(self, "occupancy", occupancy)
        if self.cabin is not None:
            object.__setattr__(self, "cabin", _member(Cabin, self.cabin, ref, "cabin"))
            if mode.value not in FLIGHT_MODES:
                raise InvalidActivity(f"{ref}: cabin applies to flights only, not {mode.value}")
        if self.fuel is not None:
            object.__setattr__(self, "fuel", _member(VehicleFuel, self.fuel, ref, "fuel"))
            if mode not in (TravelMode.CAR, TravelMode.TAXI):
                raise InvalidActivity(f"{ref}: fuel applies to car and taxi only, not {mode.value}")
        _set_phase_quality(self, ref)

    def _check_route(self, ref: str) -> None:
        has_points = self.origin is not None or self.destination is not None
        if self.distance_km is not None:
            if has_points:
                raise InvalidActivity(f"{ref}: give distance_km or origin/destination, not both")
            distance_km = _bounded(self.distance_km, f"{ref}: distance_km", MAX_DISTANCE_KM)
            object.__setattr__(self, "distance_km", distance_km)
            return
        if self.origin is None or self.destination is None:
            raise InvalidActivity(f"{ref}: give distance_km or both origin and destination")
        if not isinstance(self.origin, Place) or not isinstance(self.destination, Place):
            raise InvalidActivity(f"{ref}: origin and destination must be Place values")
        if (self.origin.lat, self.origin.lon) == (self.destination.lat, self.destination.lon):
            # A zero great-circle distance would silently report nothing (or only a detour
            # constant); a trip within one place needs a declared distance.
            raise InvalidActivity(f"{ref}: origin and destination are the same point; give distance_km")


def _member(kind: type[_E], value: object, ref: str, field_name: str) -> _E:
    try:
        return kind(str(value)) if isinstance(value, str) else kind(value)  # type: ignore[arg-type]
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidActivity(f"{ref}: {field_name} must be one of {allowed}; got {value!r}") from None


def _set_phase_quality(activity: Activity | TravelActivity, ref: str) -> None:
    object.__setattr__(activity, "phase", _member(Phase, activity.phase, ref, "phase"))
    object.__setattr__(activity, "quality", _member(Quality, activity.quality, ref, "quality"))
