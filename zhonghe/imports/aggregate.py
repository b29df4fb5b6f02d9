"""Validated rows → inventory lines and engine activities (pure).

Attendee rows are summed into one ``TravelLine`` per (origin, destination, mode, cabin, round trip,
occupancy, declared distance), so an inventory of 10,000 attendees has a few hundred readable lines.
Names never reach a line. The declared one-way distance is part of the key: rows with different
declared distances cannot share one line without changing the result.

Flights: ``flight`` becomes ``flight_domestic`` when both places are in mainland China (country CN),
otherwise ``flight_international`` (Hong Kong, Macao and Taiwan count as international, as in CAAC's
statistics of "国际/地区航线").

Engine and release compatibility: ``travel_activities(lines, release)`` passes ``cabin``, and
``occupancy`` for taxis and coaches, only when both the engine's ``TravelActivity`` has a ``cabin`` field
and the release computes by zhonghe-method/2 (method/1 releases such as CQ-2025 have no cabin factors
and share only cars by occupancy, and the engine refuses those fields for them; their taxi and coach
factors are per passenger-km, so occupancy would not change them). The line keeps its cabin and
occupancy either way, so an inventory can show them. ``Activity.phase`` / ``quality`` are passed when
the engine has them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal

from zhonghe.engine import activities as engine_activities
from zhonghe.engine.activities import Activity, Category, TravelActivity, TravelMode
from zhonghe.engine.factors import FactorRelease

from .places import PlaceOption
from .rows import ActivityRow, AttendeeRow

TRAVEL_FIELDS = frozenset(field.name for field in fields(TravelActivity))
ACTIVITY_FIELDS = frozenset(field.name for field in fields(Activity))
METHOD_1 = "zhonghe-method/1"
SHARED_VEHICLES = {TravelMode.CAR, TravelMode.TAXI, TravelMode.COACH}
_MODES = {mode.value: mode for mode in TravelMode}


def _enum(name: str, value: str) -> object:
    """``value`` as the engine's enum ``name`` (Cabin, Phase, Quality) when the engine defines it."""
    enum = getattr(engine_activities, name, None)
    return enum(value) if enum is not None else value


@dataclass(frozen=True)
class TravelLine:
    """Trips summed over the rows sharing a route and its modifiers; ``rows`` counts those rows."""

    ref: str
    origin: PlaceOption
    destination: PlaceOption
    mode: TravelMode
    cabin: str | None
    round_trip: bool
    occupancy: Decimal | None
    distance_km: Decimal | None
    person_trips: int
    rows: int

    @property
    def description(self) -> str:
        return f"{self.origin.label} → {self.destination.label}"


def engine_mode(mode: str, origin: PlaceOption, destination: PlaceOption) -> TravelMode:
    if mode == "flight":
        domestic = origin.country == "CN" and destination.country == "CN"
        return TravelMode.FLIGHT_DOMESTIC if domestic else TravelMode.FLIGHT_INTERNATIONAL
    return _MODES[mode]


def aggregate_attendees(rows: Iterable[AttendeeRow], ref_prefix: str = "travel") -> list[TravelLine]:
    """One line per distinct key, in the order the key first appears; refs ``<prefix>-00001`` on."""
    first: dict[str, AttendeeRow] = {}
    trips: dict[str, int] = {}
    counts: dict[str, int] = {}
    for row in rows:
        key = row.line_key
        if key in trips:
            trips[key] += row.trips
            counts[key] += 1
        else:
            first[key], trips[key], counts[key] = row, row.trips, 1
    lines = []
    for number, (key, head) in enumerate(first.items(), start=1):
        lines.append(
            TravelLine(
                ref=f"{ref_prefix}-{number:05d}",
                origin=head.origin,
                destination=head.destination,
                mode=engine_mode(head.mode, head.origin, head.destination),
                cabin=head.cabin,
                round_trip=head.round_trip,
                occupancy=head.occupancy,
                distance_km=head.distance_km,
                person_trips=trips[key],
                rows=counts[key],
            )
        )
    return lines


def takes_cabin_and_shared_occupancy(release: FactorRelease) -> bool:
    """Whether ``release`` (with this engine) computes cabins and taxi/coach occupancy (module docstring)."""
    return "cabin" in TRAVEL_FIELDS and release.method_version != METHOD_1


def travel_activity(line: TravelLine, release: FactorRelease) -> TravelActivity:
    """The engine activity of one line, with only the fields the engine and release take (module docstring)."""
    richer = takes_cabin_and_shared_occupancy(release)
    extra: dict[str, object] = {}
    if line.distance_km is not None:
        extra["distance_km"] = line.distance_km
    else:
        extra["origin"], extra["destination"] = line.origin.place, line.destination.place
    if line.cabin is not None and richer:
        extra["cabin"] = _enum("Cabin", line.cabin)
    if line.occupancy is not None and (line.mode is TravelMode.CAR or (richer and line.mode in SHARED_VEHICLES)):
        extra["occupancy"] = line.occupancy
    return TravelActivity(
        ref=line.ref,
        mode=line.mode,
        person_trips=line.person_trips,
        round_trip=line.round_trip,
        description=line.description,
        **extra,  # type: ignore[arg-type]
    )


def travel_activities(lines: Iterable[TravelLine], release: FactorRelease) -> list[TravelActivity]:
    return [travel_activity(line, release) for line in lines]


def activity_activities(rows: Iterable[ActivityRow], ref_prefix: str = "row") -> list[Activity]:
    """One engine ``Activity`` per activity row, ref ``<prefix>-<row number>``."""
    activities = []
    for row in rows:
        extra: dict[str, object] = {}
        if "phase" in ACTIVITY_FIELDS:
            extra["phase"], extra["quality"] = _enum("Phase", row.phase), _enum("Quality", row.quality)
        activities.append(
            Activity(
                ref=f"{ref_prefix}-{row.row}",
                category=Category(row.category),
                factor_key=row.factor_key,
                quantity=row.quantity,
                unit=row.unit,
                description=row.description,
                **extra,  # type: ignore[arg-type]
            )
        )
    return activities
