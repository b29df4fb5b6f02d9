"""Parse an uploaded attendee-travel or activity-data spreadsheet (CSV or XLSX) — pure, no Django.

``parse_file`` validates the whole file and returns a ``ParseResult``: the typed rows, every error
(row number as the spreadsheet shows it, column, code, zh + en message), the file's SHA-256, its number
of data rows, the CSV encoding used and every distinct place text with how it resolved (for the page
where a person confirms "成都 → 四川省成都市"). Nothing is half-accepted: a caller records the rows
only when ``errors`` is empty (``raise_for_errors``). Limits: ``MAX_BYTES`` and ``MAX_DATA_ROWS``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain
from operator import itemgetter

from zhonghe.engine.factors import FactorRelease

from .cells import cell_text
from .columns import Kind
from .errors import ImportRefused, RowError, row_error
from .headers import Header, find_header, is_empty, is_second_header, stray_cells
from .places import PlaceResolver, Resolution
from .reading import MAX_BYTES, MAX_DATA_ROWS, Cell, Formula, open_sheet
from .rows import ActivityRow, AttendeeRow, activity_row, attendee_row, new_row

__all__ = ["MAX_BYTES", "MAX_DATA_ROWS", "ParseResult", "parse_file"]

PROGRESS_EVERY = 2000  # rows between two progress reports (a job's progress bar)


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
    progress: Callable[[int], None] | None = None,
) -> ParseResult:
    """Validate every row of ``data``. ``venue`` fills an empty 目的地; ``resolver`` carries the person's
    corrections (text → place code); ``release``, when given, checks activity factor keys and units;
    ``progress``, when given, is called with the number of data rows validated every ``PROGRESS_EVERY``."""
    kind = Kind(kind)
    resolver = resolver or PlaceResolver()
    try:
        sheet = open_sheet(data)
    except ImportRefused as refused:
        return ParseResult(kind, (), tuple(refused.errors), _sha256(data), 0)
    opened = {"sha256": sheet.sha256, "file_format": sheet.file_format, "encoding": sheet.encoding}
    places: dict[str, Resolution] = {}
    try:  # a workbook damaged past its first bytes is found only while its rows are read
        header, pending = find_header(sheet.rows, kind, sheet.merged)
        if header is None:
            return ParseResult(kind, (), (row_error(None, "", "empty_file"),), row_count=0, **opened)
        source, strings_only = chain(pending, sheet.rows), sheet.file_format == "csv"
        rows, errors, count = _validate(source, header, kind, venue, resolver, release, places, strings_only, progress)
    except ImportRefused as refused:
        return ParseResult(kind, (), tuple(refused.errors), row_count=0, **opened)
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
    strings_only: bool,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[AttendeeRow | ActivityRow], list[RowError], int]:
    """Validate every row. A file repeats few distinct rows (names aside), so each distinct tuple of
    cells is validated once and its outcome re-stamped with the row number and name (``_Memo``)."""

    def check(number: int, cells: list[Cell]) -> tuple[AttendeeRow | ActivityRow | None, list[RowError]]:
        row = new_row(number, cells, header)
        row.errors.extend(stray_cells(header, number, cells))
        typed = attendee_row(row, resolver, venue, places) if kind is Kind.ATTENDEES else activity_row(row, release)
        return typed, row.errors

    memo = _Memo(header, kind, check, strings_only)
    rows: list[AttendeeRow | ActivityRow] = []
    errors = list(header.errors)
    count = 0
    first = True
    for number, cells in source:
        outcome = memo.outcome(number, cells)
        if outcome is None:
            continue  # blank lines, and the trailing empty rows Excel leaves behind
        if first and is_second_header(header, cells, kind):
            first = False
            continue
        first = False
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
        if count > MAX_DATA_ROWS:
            return [], [row_error(None, "", "too_many_rows", detail=f"{MAX_DATA_ROWS:,}")], count
        typed, row_errors = outcome
        if typed is not None:
            rows.append(typed)
        errors.extend(row_errors)
    return rows, errors, count


Outcome = tuple[AttendeeRow | ActivityRow | None, list[RowError]]


class _Memo:
    """Validation outcomes per distinct tuple of cells, the name column left out of the key.

    A row takes the slow path (validated on its own) when its width differs from the header's, when
    the header has unnamed or merged cells, or when its name cell is a formula, so that every check
    that depends on more than the key's cells still runs for that row.
    """

    def __init__(
        self, header: Header, kind: Kind, check: Callable[[int, list[Cell]], Outcome], strings_only: bool
    ) -> None:
        self.check, self.strings_only = check, strings_only
        self.width = max(header.labels, default=-1) + 1
        self.fast = not header.unnamed and not header.merged and self.width > 0
        self.name_at = header.positions.get("name") if kind is Kind.ATTENDEES else None
        keys = [i for i in range(self.width) if i != self.name_at]
        self.key = itemgetter(*keys) if len(keys) > 1 else (lambda cells: tuple(cells[i] for i in keys))
        self.cache: dict[object, Outcome | None] = {}

    def outcome(self, number: int, cells: list[Cell]) -> Outcome | None:
        """None for an empty row; else (typed row or None, errors) for row ``number``."""
        name = cells[self.name_at] if self.name_at is not None and self.name_at < len(cells) else None
        if not self.fast or len(cells) != self.width or isinstance(name, Formula):
            return None if is_empty(cells) else self.check(number, cells)
        key = self.key(cells)
        if not self.strings_only:  # True == 1 == 1.0 as dict keys; their cells do not validate alike
            key = tuple((type(cell), cell) for cell in key)
        if key in self.cache:
            template = self.cache[key]
        else:
            blank = _blank_name(cells, self.name_at)
            template = self.cache[key] = None if is_empty(blank) else self.check(0, blank)
        if template is None:
            return None if is_empty(cells) else self.check(number, cells)
        typed, errors = template
        if errors or typed is None:  # no typed row and no error: a required column is missing
            return None, [replace(error, row=number) for error in errors]
        if isinstance(typed, AttendeeRow):
            return typed.restamped(number, name.strip() if type(name) is str else cell_text(name)), []
        assert isinstance(typed, ActivityRow)
        return replace(typed, row=number), []


def _blank_name(cells: list[Cell], name_at: int | None) -> list[Cell]:
    if name_at is None:
        return cells
    return [None if index == name_at else cell for index, cell in enumerate(cells)]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
