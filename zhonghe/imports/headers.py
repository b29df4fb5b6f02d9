"""Find and check a sheet's header row: known, unique headers, required columns, merged header cells."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .cells import cell_text
from .columns import COLUMNS, Column, Kind, header_index, norm
from .errors import RowError, row_error
from .reading import Cell, Formula

# Title rows above the header (an event name merged across the top) are skipped; not more than these.
MAX_ROWS_BEFORE_HEADER = 10


@dataclass
class Header:
    row: int
    positions: dict[str, int]  # column key → 0-based cell index
    labels: dict[int, str]  # cell index → header text as written (for error messages)
    width: int = 0  # number of cells in the header row
    unnamed: set[int] = field(default_factory=set)  # indices with an empty header cell
    merged: dict[int, str] = field(default_factory=dict)  # index covered by a merged header cell → its text
    errors: list[RowError] = field(default_factory=list)

    def label(self, column: Column) -> str:
        index = self.positions.get(column.key)
        return self.labels[index] if index is not None else column.zh


def is_empty(cells: list[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _known(cells: list[Cell], index: dict[str, Column]) -> int:
    return sum(1 for cell in cells if isinstance(cell, str) and norm(cell) in index)


def find_header(
    rows: Iterator[tuple[int, list[Cell]]], kind: Kind, merged: list[tuple[int, int, int, int]]
) -> tuple[Header | None, list[tuple[int, list[Cell]]]]:
    """(header, rows read past it that are data); None when the file has no non-empty row.

    The header is the first row naming a known column within the first rows; without one, the
    first non-empty row (whose unknown headers are then reported).
    """
    index = header_index(kind)
    seen: list[tuple[int, list[Cell]]] = []
    for number, cells in rows:
        if is_empty(cells):
            continue
        seen.append((number, cells))
        if _known(cells, index) or len(seen) > MAX_ROWS_BEFORE_HEADER:
            break
    if not seen:
        return None, []
    at = next((i for i, (_, cells) in enumerate(seen) if _known(cells, index)), 0)
    number, cells = seen[at]
    header = _check(number, cells, kind, index, merged)
    return header, seen[at + 1 :]


def is_second_header(header: Header, cells: list[Cell], kind: Kind) -> bool:
    """True when the row right after the header only repeats the headers in the other language
    (the bilingual template's English row under the Chinese one)."""
    return _is_second_header(cells, header, header_index(kind))


def _is_second_header(cells: list[Cell], header: Header, index: dict[str, Column]) -> bool:
    named = [(i, cell) for i, cell in enumerate(cells) if isinstance(cell, str) and cell.strip()]
    if not named or len(named) != sum(1 for cell in cells if cell not in (None, "")):
        return False
    return all(header.positions.get(getattr(index.get(norm(cell)), "key", "")) == i for i, cell in named)


def _check(
    number: int, cells: list[Cell], kind: Kind, index: dict[str, Column], merged: list[tuple[int, int, int, int]]
) -> Header:
    header = Header(number, {}, {}, len(cells))
    for position, cell in enumerate(cells):
        text = cell_text(cell)
        if isinstance(cell, Formula):
            header.errors.append(row_error(number, text, "formula_cell", text))
            continue
        if not text:
            header.unnamed.add(position)
            continue
        header.labels[position] = text
        column = index.get(norm(text))
        if column is None:
            header.errors.append(row_error(number, text, "unknown_header", text))
        elif column.key in header.positions:
            header.errors.append(row_error(number, text, "duplicate_header", text))
        else:
            header.positions[column.key] = position
    for min_col, min_row, max_col, max_row in merged:
        if min_row <= number <= max_row and max_col > min_col:
            text = header.labels.get(min_col - 1, "")
            for position in range(min_col, max_col):  # 0-based indices of the covered cells
                header.merged[position] = text
    for column in COLUMNS[kind]:
        if column.required and column.key not in header.positions:
            label = f"{column.zh} / {column.key}"
            header.errors.append(row_error(number, column.zh, "missing_required_column", detail=label))
    return header


def stray_cells(header: Header, number: int, cells: list[Cell]) -> list[RowError]:
    """Errors for data in columns without a header of their own (unnamed or under a merged header)."""
    errors = []
    beyond = range(header.width, len(cells))  # cells right of the header row's last cell
    for position in sorted(header.unnamed | set(header.merged) | set(beyond)):
        if position < len(cells) and cell_text(cells[position]):
            if position in header.merged:
                errors.append(row_error(number, header.merged[position], "merged_header", header.merged[position]))
            else:
                errors.append(row_error(number, _letter(position), "unnamed_column"))
    return errors


def _letter(position: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(position + 1)
