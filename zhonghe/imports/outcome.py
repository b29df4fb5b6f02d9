"""A parse result → what an import keeps: JSON-able errors and the places table with counts (pure).

A place *needs confirmation* when it did not resolve to one place (unknown or ambiguous), or when
it resolved only by a weaker match (pinyin, a railway station or an airport name standing for a
city or airport); short and full Chinese names, adcodes and airport codes resolve without doubt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .errors import RowError
from .places import MatchKind, Resolution

PLACE_ERRORS = frozenset({"unknown_place", "ambiguous_place"})
LOW_CONFIDENCE = frozenset({MatchKind.PINYIN, MatchKind.STATION, MatchKind.AIRPORT_NAME})


def error_dicts(errors: Iterable[RowError]) -> list[dict[str, Any]]:
    return [
        {
            "row": error.row,
            "column": error.column,
            "code": error.code,
            "value": error.value,
            "message_zh": error.message_zh,
            "message_en": error.message_en,
        }
        for error in errors
    ]


def rows_with_place_errors(errors: Iterable[RowError]) -> int:
    return len({error.row for error in errors if error.code in PLACE_ERRORS and error.row is not None})


def place_entries(places: Mapping[str, Resolution], counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """One entry per distinct place text, most rows first."""
    entries = []
    for text, resolution in places.items():
        place = resolution.place
        entries.append(
            {
                "text": text,
                "status": resolution.status,
                "match": resolution.match.value if resolution.match else "",
                "code": place.code if place else "",
                "label": place.label if place else "",
                "count": int(counts.get(text, 0)),
                "candidates": [{"code": option.code, "label": option.label} for option in resolution.candidates],
                "needs_confirmation": place is None or resolution.match in LOW_CONFIDENCE,
            }
        )
    return sorted(entries, key=lambda entry: (not entry["needs_confirmation"], -entry["count"], entry["text"]))
