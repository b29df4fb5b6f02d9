"""Cheap passes over a file before or beside validation (pure): a row estimate, and rows per place text.

``estimate_rows`` decides whether a file is processed in the request or by a worker, without reading
it: CSV line breaks, or the XLSX sheet's declared dimension. ``place_counts`` reads the rows once
more (no validation) and counts, per distinct 出发地 / 目的地 text, the rows that name it, so the
confirmation page can show "成都 → 四川省成都市 (120 rows)"; an empty 目的地 counts for the venue text.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from itertools import chain

from .cells import cell_text
from .columns import Kind
from .errors import ImportRefused
from .headers import find_header, is_empty
from .reading import is_xlsx, open_sheet

BYTES_PER_XLSX_ROW = 40  # a rough floor when a workbook declares no dimension


def estimate_rows(data: bytes) -> int:
    """About how many rows ``data`` has (header included); never reads the cells."""
    if not is_xlsx(data):
        return data.count(b"\n") + (0 if data.endswith(b"\n") else 1) if data else 0
    try:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        declared = sheet.max_row
    except Exception:  # noqa: BLE001 - a damaged workbook is refused later, by the parser, with its reason
        declared = None
    return int(declared) if declared else len(data) // BYTES_PER_XLSX_ROW


def place_counts(
    data: bytes, kind: Kind | str, venue: str = "", progress: Callable[[int], None] | None = None, every: int = 2000
) -> tuple[Counter[str], int]:
    """(rows per place text, non-empty rows after the header); an unreadable file gives (empty, 0)."""
    counts: Counter[str] = Counter()
    if Kind(kind) is not Kind.ATTENDEES:
        return counts, 0
    try:
        sheet = open_sheet(data)
        header, pending = find_header(sheet.rows, Kind.ATTENDEES, sheet.merged)
        if header is None:
            return counts, 0
        origin_at = header.positions.get("origin")
        destination_at = header.positions.get("destination")
        rows = 0
        for _, cells in chain(pending, sheet.rows):
            if is_empty(cells):
                continue
            rows += 1
            for position, default in ((origin_at, ""), (destination_at, venue)):
                present = position is not None and position < len(cells)
                text = (cell_text(cells[position]) if present else "") or default
                if text:
                    counts[text] += 1
            if progress is not None and rows % every == 0:
                progress(rows)
    except ImportRefused:
        return Counter(), 0
    return counts, rows
