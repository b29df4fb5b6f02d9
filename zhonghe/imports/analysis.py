"""Reading an import's file: rows per place, every row validated, the engine's lines and total (no writes).

``services`` records the outcome; ``report(step, rows)`` (steps ``read``, ``validated``, ``resolved``) lets a
worker show its progress while the file is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from zhonghe.engine.errors import EngineError
from zhonghe.engine.footprint import calculate_footprint
from zhonghe.footprints.services import current_release
from zhonghe.footprints.translate import accounting_options
from zhonghe.imports.footprint import activities_of
from zhonghe.imports.lines import record_fields
from zhonghe.imports.outcome import rows_with_place_errors
from zhonghe.imports.parse import parse_file
from zhonghe.imports.places import PlaceResolver
from zhonghe.imports.tally import place_counts

if TYPE_CHECKING:
    from zhonghe.imports.models import Import

Report = Callable[[str, int], None]


def analyse(found: Import, data: bytes, report: Report | None) -> dict[str, Any]:
    def step(name: str) -> Callable[[int], None] | None:
        return None if report is None else (lambda rows: report(name, rows))

    venue = found.event.venue_district
    counts, rows_read = place_counts(data, found.kind, venue, progress=step("read"))
    release = current_release()
    parsed = parse_file(
        data, found.kind, venue=venue, resolver=PlaceResolver(found.corrections), release=release,
        progress=step("validated"),
    )  # fmt: skip
    outcome: dict[str, Any] = {"parsed": parsed, "counts": counts, "release": release, "engine_error": ""}
    if parsed.ok:
        try:
            activities = activities_of(parsed, release)
            outcome["total"] = calculate_footprint(activities, release, accounting_options(found.event)).total_kg_co2e
            outcome["lines"] = record_fields(activities, release)
        except EngineError as exc:
            outcome["engine_error"] = str(exc)
    resolved = parsed.row_count - rows_with_place_errors(parsed.errors)
    if report is not None:
        report("read", max(rows_read, parsed.row_count))
        report("validated", parsed.row_count)
        report("resolved", resolved)
    outcome["resolved"] = resolved
    return outcome
