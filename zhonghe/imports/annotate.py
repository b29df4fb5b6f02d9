"""The uploaded file back with an error column, for the person to fix and upload again (pure).

CSV comes back as UTF-8 with BOM (Excel opens it correctly whatever the upload's encoding was); XLSX
comes back as a new workbook with the first sheet's values (formulas kept as formulas, formatting
not kept), streamed in write-only mode so that a large file does not need to fit in memory as cells.
The error column is appended after the last column; the header row's error cell holds the file's
header errors (missing or unknown columns).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable

from .errors import RowError
from .reading import Formula, decode_csv, is_xlsx, open_sheet

ERROR_HEADER = {"zh": "错误", "en": "errors"}


def _messages(errors: Iterable[RowError], language: str) -> dict[int, str]:
    by_row: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        if error.row is not None:
            message = error.message_zh if language == "zh" else error.message_en
            by_row[error.row].append(f"{error.column}: {message}" if error.column else message)
    return {row: "；".join(texts) if language == "zh" else "; ".join(texts) for row, texts in by_row.items()}


def annotated_file(data: bytes, errors: Iterable[RowError], header_row: int, language: str = "zh") -> bytes:
    """``data`` (CSV or XLSX) with an error column; raises ``ImportRefused`` if it cannot be read."""
    messages = _messages(errors, language)
    if is_xlsx(data):
        return _xlsx(data, messages, header_row, language)
    return _csv(data, messages, header_row, language)


def _csv(data: bytes, messages: dict[int, str], header_row: int, language: str) -> bytes:
    text, _ = decode_csv(data)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        label = ERROR_HEADER[language] if number == header_row else ""
        writer.writerow([*record, messages.get(number, "") if number != header_row else _join(label, messages, number)])
    return out.getvalue().encode("utf-8-sig")


def _join(label: str, messages: dict[int, str], number: int) -> str:
    return f"{label}: {messages[number]}" if number in messages else label


def _xlsx(data: bytes, messages: dict[int, str], header_row: int, language: str) -> bytes:
    from openpyxl import Workbook

    width = max((len(cells) for _, cells in open_sheet(data).rows), default=0)  # first pass: the widest row
    workbook = Workbook(write_only=True)
    target = workbook.create_sheet("data")
    written = 0
    for number, cells in open_sheet(data).rows:
        while written < number - 1:  # keep row numbers as they were, so messages match the original
            target.append([])
            written += 1
        values = [cell.text if isinstance(cell, Formula) else cell for cell in cells]
        values += [None] * (width - len(values))
        label = _join(ERROR_HEADER[language], messages, number) if number == header_row else messages.get(number, "")
        target.append([*values, label or None])
        written += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
