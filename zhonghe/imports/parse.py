"""Parse an uploaded attendee-travel or activity-data spreadsheet (CSV or XLSX) — pure, no Django.

``parse_file`` validates the whole file and returns a ``ParseResult``: the typed rows, every error
(row number as the spreadsheet shows it, column, code, zh + en message), the file's SHA-256, its number
of data rows, the CSV encoding used and every distinct place text with how it resolved (for the page
where a person confirms "成都 → 四川省成都市"). Nothing is half-accepted: a caller records the rows
only when ``errors`` is empty (``raise_for_errors``). Limits: ``MAX_BYTES`` and ``MAX_DATA_ROWS``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain

from zhonghe.engine.factors import FactorRelease

from .columns import Kind
from .errors import ImportRefused, RowError, row_error
from .headers import Header, find_header, is_empty, is_second_header, stray_cells
from .places import PlaceResolver, Resolution
from .reading import MAX_BYTES, MAX_DATA_ROWS, Cell, open_sheet
from .rows import ActivityRow, AttendeeRow, activity_row, attendee_row, new_row

__all__ = ["MAX_BYTES", "MAX_DATA_ROWS", "ParseResult", "parse_file"]


@dataclass(frozen=True)
class ParseResult:
    kind: Kind
    rows: tuple[AttendeeRow | ActivityRow, ...]
    errors: tuple[RowError, ...]
    sha256: str
    row_count: int  # non-empty data rows read (valid or not)
    file_format: str = ""  # "csv" or "xlsx"; "" when the file could not be opened
    encoding: str = ""  # "utf-8", "utf-8-sig", "gb18030" or "xlsx"
    header_row: int | None = None
    places: dict[str, Resolution] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self) -> None:
        if self.errors:
            raise ImportRefused(list(self.errors))


def parse_file(
    data: bytes,
    kind: Kind | str,
    *,
    venue: str = "",
    resolver: PlaceResolver | None = None,
    release: FactorRelease | None = None,
) -> ParseResult:
    """Validate every row of ``data``. ``venue`` fills an empty 目的地; ``resolver`` carries the person's
    corrections (text → place code); ``release``, when given, checks activity factor keys and units."""
    kind = Kind(kind)
    resolver = resolver or PlaceResolver()
    try:
        sheet = open_sheet(data)
    except ImportRefused as refused:
        return ParseResult(kind, (), tuple(refused.errors), _sha256(data), 0)
    header, pending = find_header(sheet.rows, kind, sheet.merged)
    opened = {"sha256": sheet.sha256, "file_format": sheet.file_format, "encoding": sheet.encoding}
    if header is None:
        return ParseResult(kind, (), (row_error(None, "", "empty_file"),), row_count=0, **opened)
    places: dict[str, Resolution] = {}
    rows, errors, count = _validate(chain(pending, sheet.rows), header, kind, venue, resolver, release, places)
    return ParseResult(
        kind, tuple(rows), tuple(errors), row_count=count, header_row=header.row, places=places, **opened
    )


def _validate(
    source: Iterator[tuple[int, list[Cell]]],
    header: Header,
    kind: Kind,
    venue: str,
    resolver: PlaceResolver,
    release: FactorRelease | None,
    places: dict[str, Resolution],
) -> tuple[list[AttendeeRow | ActivityRow], list[RowError], int]:
    rows: list[AttendeeRow | ActivityRow] = []
    errors = list(header.errors)
    count = 0
    first = True
    for number, cells in source:
        if is_empty(cells):
            continue  # blank lines, and the trailing empty rows Excel leaves behind
        if first and is_second_header(header, cells, kind):
            first = False
            continue
        first = False
        count += 1
        if count > MAX_DATA_ROWS:
            return [], [row_error(None, "", "too_many_rows", detail=f"{MAX_DATA_ROWS:,}")], count
        row = new_row(number, cells, header)
        row.errors.extend(stray_cells(header, number, cells))
        typed = attendee_row(row, resolver, venue, places) if kind is Kind.ATTENDEES else activity_row(row, release)
        if typed is not None:
            rows.append(typed)
        errors.extend(row.errors)
    return rows, errors, count


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
