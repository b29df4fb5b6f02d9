"""One data row → a typed row, or every reason it is bad (pure).

``AttendeeRow`` and ``ActivityRow`` are what the rest of the import works with; a row either becomes
one of them or yields ``RowError``s (row number, column header as written, code, zh + en message).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhonghe.engine.activities import MAX_DISTANCE_KM, MAX_PERSON_TRIPS, MAX_QUANTITY
from zhonghe.engine.errors import EngineError
from zhonghe.engine.factors import FactorRelease
from zhonghe.engine.units import convert_quantity

from .cells import Problem, cell_text, to_bool, to_bounded, to_count, to_word
from .columns import (
    ACTIVITY_COLUMNS,
    ATTENDEE_COLUMNS,
    BOOLEANS,
    CABINS,
    CATEGORIES,
    MODES,
    OCCUPANCY_MODES,
    PHASES,
    QUALITIES,
    Column,
    choices,
)
from .errors import RowError, row_error
from .headers import Header
from .places import PlaceOption, PlaceResolver, Resolution
from .reading import Cell, Formula

_A = {column.key: column for column in ATTENDEE_COLUMNS}
_B = {column.key: column for column in ACTIVITY_COLUMNS}
_CHOICES = {name: choices(vocabulary) for name, vocabulary in
            (("mode", MODES), ("cabin", CABINS), ("phase", PHASES), ("quality", QUALITIES),
             ("category", CATEGORIES))}  # fmt: skip
_CHOICES["bool"] = "是/否 | yes, no"


@dataclass(slots=True)
class AttendeeRow:
    """One validated attendee travel row; ``mode`` is flight/hsr/rail/coach/bus/metro/taxi/car.

    ``line_key`` is what aggregation groups by (route, mode, modifiers; never the name). Not frozen on
    purpose: a frozen dataclass costs about eight times as much to build, which a million-row file
    feels; nothing changes a row after parsing (``restamped`` makes a new one).
    """

    row: int
    name: str
    origin: PlaceOption
    destination: PlaceOption
    mode: str
    round_trip: bool
    trips: int
    distance_km: Decimal | None
    cabin: str | None
    occupancy: Decimal | None
    line_key: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.line_key:
            parts = (self.origin.code, self.destination.code, self.mode, self.cabin, self.round_trip,
                     self.occupancy, self.distance_km)  # fmt: skip
            self.line_key = "|".join("" if part is None else str(_plain(part)) for part in parts)

    def restamped(self, row: int, name: str) -> AttendeeRow:
        """This row's values for another row number and name (many rows of a file are alike)."""
        return AttendeeRow(row, name, self.origin, self.destination, self.mode, self.round_trip, self.trips,
                           self.distance_km, self.cabin, self.occupancy, self.line_key)  # fmt: skip


def _plain(part: object) -> object:
    return part.normalize() if isinstance(part, Decimal) else part  # 2.0 and 2 people: one line


@dataclass(frozen=True)
class ActivityRow:
    row: int
    category: str
    factor_key: str
    quantity: Decimal
    unit: str
    phase: str
    quality: str
    description: str


class _Row:
    """Cells of one row addressed by column, collecting errors as they are met."""

    def __init__(self, number: int, cells: list[Cell], header: Header) -> None:
        self.number, self.cells, self.header = number, cells, header
        self.errors: list[RowError] = []

    def raw(self, column: Column) -> Cell:
        position = self.header.positions.get(column.key)
        if position is None or position >= len(self.cells):
            return None
        return self.cells[position]

    def fail(self, column: Column, code: str, value: object, detail: str = "") -> None:
        self.errors.append(row_error(self.number, self.header.label(column), code, cell_text(value), detail))

    def get(self, column: Column) -> Cell:
        """The cell, or None when empty; a formula or an empty required cell is reported."""
        value = self.raw(column)
        if isinstance(value, Formula):
            self.fail(column, "formula_cell", value)
            return None
        if value is None or (isinstance(value, str) and not value.strip()):
            if column.required and column.key in self.header.positions:
                self.fail(column, "empty_required_cell", "")
            return None
        return value

    def parse(
        self, column: Column, convert: Callable[[Cell], tuple[Any, Problem | None]], default: Any = None
    ) -> tuple[Any, Cell]:
        """(converted value or ``default`` for an empty cell, the raw cell); a bad value is reported."""
        value = self.get(column)
        if value is None:
            return default, None
        parsed, problem = convert(value)
        if problem is not None:
            self.fail(column, problem[0], value, problem[1])
        return parsed, value


def attendee_row(row: _Row, resolver: PlaceResolver, venue: str, places: dict[str, Resolution]) -> AttendeeRow | None:
    """Validate one attendee row; ``places`` collects every distinct place text with its resolution."""
    name = cell_text(row.get(_A["name"]))
    origin = _place(row, _A["origin"], row.get(_A["origin"]), resolver, places)
    destination_cell = row.get(_A["destination"])
    if destination_cell is None and not venue:
        row.fail(_A["destination"], "empty_required_cell", "")
    destination = _place(row, _A["destination"], destination_cell or venue or None, resolver, places)
    mode, _ = row.parse(_A["mode"], lambda v: to_word(v, MODES, "unknown_mode", _CHOICES["mode"]))
    round_trip, _ = row.parse(_A["round_trip"], lambda v: to_bool(v, BOOLEANS, _CHOICES["bool"]))
    trips, _ = row.parse(_A["trips"], lambda v: to_count(v, MAX_PERSON_TRIPS), default=1)
    distance, distance_cell = row.parse(_A["distance_km"], lambda v: to_bounded(v, Decimal(0), MAX_DISTANCE_KM))
    cabin, cabin_cell = row.parse(_A["cabin"], lambda v: to_word(v, CABINS, "unknown_value", _CHOICES["cabin"]))
    if cabin is not None and mode not in (None, "flight"):
        row.fail(_A["cabin"], "not_applicable", cabin_cell, "飞机以外的交通方式 / modes other than flight")
    occupancy, occupancy_cell = row.parse(_A["occupancy"], lambda v: to_bounded(v, Decimal(1), Decimal(100)))
    if occupancy is not None and mode is not None and mode not in OCCUPANCY_MODES:
        row.fail(_A["occupancy"], "not_applicable", occupancy_cell, str(mode))
    if origin and destination and distance_cell is None and _same_point(origin, destination):
        row.fail(_A["distance_km"], "same_place", "")
    if row.errors or None in (origin, destination, mode, round_trip, trips):
        return None  # a bad cell, or a required column the header lacks (reported once, on the header)
    return AttendeeRow(
        row.number, name, origin, destination, str(mode), bool(round_trip), int(trips),
        distance, cabin, occupancy,
    )  # fmt: skip


def _same_point(a: PlaceOption, b: PlaceOption) -> bool:
    return (a.place.lat, a.place.lon) == (b.place.lat, b.place.lon)


def _place(
    row: _Row, column: Column, value: object, resolver: PlaceResolver, places: dict[str, Resolution]
) -> PlaceOption | None:
    if value is None:
        return None
    text = cell_text(value)
    resolution = resolver.resolve(text)
    if text not in places:
        places[text] = resolution
    if resolution.place is not None:
        return resolution.place
    if resolution.candidates:
        detail = " / ".join(f"{option.label} ({option.code})" for option in resolution.candidates)
        row.fail(column, "ambiguous_place", text, detail)
    else:
        row.fail(column, "unknown_place", text)
    return None


def activity_row(row: _Row, release: FactorRelease | None) -> ActivityRow | None:
    category, category_cell = row.parse(
        _B["category"], lambda v: to_word(v, CATEGORIES, "unknown_value", _CHOICES["category"])
    )
    if category == "travel":
        row.fail(_B["category"], "wrong_template", category_cell)
    factor_key = cell_text(row.get(_B["factor_key"]))
    quantity, _ = row.parse(_B["quantity"], lambda v: to_bounded(v, Decimal(0), MAX_QUANTITY))
    unit = cell_text(row.get(_B["unit"]))
    phase, _ = row.parse(_B["phase"], lambda v: to_word(v, PHASES, "unknown_value", _CHOICES["phase"]), "holding")
    quality, _ = row.parse(
        _B["quality"], lambda v: to_word(v, QUALITIES, "unknown_value", _CHOICES["quality"]), "estimated"
    )
    description = cell_text(row.get(_B["description"]))
    if factor_key and category and not factor_key.startswith(f"{category}."):
        row.fail(_B["factor_key"], "not_applicable", factor_key, str(category))
    elif factor_key and release is not None:
        _check_factor(row, release, factor_key, unit)
    if row.errors or not (category and factor_key and unit) or quantity is None:
        return None
    return ActivityRow(row.number, str(category), factor_key, quantity, unit, str(phase), str(quality), description)


def _check_factor(row: _Row, release: FactorRelease, factor_key: str, unit: str) -> None:
    factor = release.factors.get(factor_key)
    if factor is None:
        row.fail(_B["factor_key"], "unknown_factor", factor_key)
    elif unit:
        try:
            convert_quantity(Decimal(1), unit, factor.activity_unit, density_kg_per_l=factor.density_kg_per_l)
        except EngineError:
            row.fail(_B["unit"], "unit_mismatch", unit, factor.activity_unit)


def new_row(number: int, cells: list[Cell], header: Header) -> _Row:
    return _Row(number, cells, header)
