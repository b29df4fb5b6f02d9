"""A file's footprint without an event (pure): parse → aggregate → engine.

Used by ``manage.py footprint_file`` and the import benchmark; the event import (a job) uses the same
steps and then records the lines through the services.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from zhonghe.engine.activities import Activity, TravelActivity
from zhonghe.engine.factors import FactorRelease
from zhonghe.engine.footprint import Footprint, calculate_footprint

from .aggregate import TravelLine, activity_activities, aggregate_attendees, travel_activities
from .columns import Kind
from .parse import ParseResult, parse_file
from .places import PlaceResolver
from .rows import ActivityRow


@dataclass(frozen=True)
class FileFootprint:
    parsed: ParseResult
    lines: tuple[TravelLine, ...]  # attendee files only
    activities: tuple[Activity | TravelActivity, ...]
    footprint: Footprint


def file_footprint(
    data: bytes,
    kind: Kind | str,
    release: FactorRelease,
    *,
    venue: str = "",
    corrections: Mapping[str, str] | None = None,
) -> FileFootprint:
    """Parse ``data`` and compute its footprint with ``release``.

    Raises ``ImportRefused`` (with every row error) when the file has any error, and
    ``UnknownPlace`` when a correction names an unknown code.
    """
    resolver = PlaceResolver(corrections)
    parsed = parse_file(data, kind, venue=venue, resolver=resolver, release=release)
    parsed.raise_for_errors()
    lines = _lines(parsed)
    activities = _activities(parsed, lines, release)
    return FileFootprint(parsed, tuple(lines), tuple(activities), calculate_footprint(activities, release))


def activities_of(parsed: ParseResult, release: FactorRelease) -> list[Activity | TravelActivity]:
    """The engine activities of a clean file: aggregated travel lines, or one activity per row."""
    return _activities(parsed, _lines(parsed), release)


def _lines(parsed: ParseResult) -> list[TravelLine]:
    if parsed.kind is not Kind.ATTENDEES:
        return []
    return aggregate_attendees(parsed.rows)  # type: ignore[arg-type]  # attendee files hold AttendeeRows


def _activities(
    parsed: ParseResult, lines: list[TravelLine], release: FactorRelease
) -> list[Activity | TravelActivity]:
    if parsed.kind is Kind.ATTENDEES:
        return list(travel_activities(lines, release))
    return list(activity_activities(row for row in parsed.rows if isinstance(row, ActivityRow)))
