"""Bytes of an uploaded CSV or XLSX → rows of raw cell values, numbered as the spreadsheet numbers them.

Pure: no Django. CSV encodings are detected, never guessed silently: the bytes are decoded strictly as
UTF-8 (with or without BOM), then GB18030 (what Chinese Excel writes), and the encoding used is
reported; a file that none decodes is refused naming the encodings tried. XLSX is streamed with
openpyxl in read-only mode with ``data_only=False`` so that formula cells are seen (as ``Formula``)
instead of their cached results; merged ranges (which read-only mode does not parse) are read from the
sheet's XML. Files above ``MAX_BYTES`` or with more than ``MAX_DATA_ROWS`` rows are refused.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from .errors import ImportRefused, row_error

MAX_BYTES = 50 * 1024 * 1024  # 50 MB
MAX_DATA_ROWS = 1_000_000
# A sheet's XML, uncompressed: a million rows of the templates' columns take about 0.4 GB; beyond this
# the file is refused before reading (a zip bomb must not make the parser run for ever).
MAX_SHEET_XML_BYTES = 1024 * 1024 * 1024
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig reads plain UTF-8 too; "utf-8" is reported without BOM
ENCODINGS_TRIED = "UTF-8, UTF-8 with BOM, GB18030"
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')

Cell = object  # str, int, float, bool, datetime, Formula or None


@dataclass(frozen=True)
class Formula:
    """A formula cell (its text, such as "=B2*2"): refused, since its cached result may be stale."""

    text: str


@dataclass
class Sheet:
    """A file's rows: ``rows`` yields (row number, cell values); ``merged`` holds (min_col, min_row,
    max_col, max_row) ranges (1-based), ``encoding`` is "utf-8", "utf-8-sig", "gb18030" or "xlsx"."""

    file_format: str
    encoding: str
    sha256: str
    size_bytes: int
    rows: Iterator[tuple[int, list[Cell]]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def open_sheet(data: bytes) -> Sheet:
    """Open ``data`` as XLSX (a zip) or CSV; raises ``ImportRefused`` for a file that cannot be read."""
    if len(data) > MAX_BYTES:
        raise ImportRefused([row_error(None, "", "file_too_large", detail=f"{MAX_BYTES // (1024 * 1024)} MB")])
    digest = hashlib.sha256(data).hexdigest()
    if is_xlsx(data):
        return _xlsx(data, digest)
    text, encoding = decode_csv(data)
    return Sheet("csv", encoding, digest, len(data), _csv_rows(text))


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding used); raises ``ImportRefused`` ("unknown_encoding") naming the encodings tried."""
    if b"\x00" not in data:  # NUL never occurs in a text CSV (UTF-16 files are full of them)
        for encoding in CSV_ENCODINGS:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
                encoding = "utf-8"
            return text, encoding
    raise ImportRefused([row_error(None, "", "unknown_encoding", detail=ENCODINGS_TRIED)])


def _csv_rows(text: str) -> Iterator[tuple[int, list[Cell]]]:
    # A record is one spreadsheet row even when a quoted cell spans several lines.
    return enumerate(csv.reader(io.StringIO(text, newline="")), start=1)  # type: ignore[arg-type]


def _xlsx(data: bytes, digest: str) -> Sheet:
    from openpyxl import load_workbook
    from openpyxl.utils.cell import range_boundaries

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        path = sheet._worksheet_path  # read-only mode keeps the part's name; merged ranges are read from it
        if workbook._archive.getinfo(path).file_size > MAX_SHEET_XML_BYTES:
            raise ImportRefused([row_error(None, "", "file_too_large", detail=f"{MAX_SHEET_XML_BYTES >> 20} MB XML")])
        merged = [range_boundaries(ref) for ref in _merged_refs(workbook._archive, path)]
    except ImportRefused:
        raise
    except _BROKEN as exc:
        raise _not_a_spreadsheet(exc) from None
    return Sheet("xlsx", "xlsx", digest, len(data), _xlsx_rows(sheet), [tuple(box) for box in merged])


def _merged_refs(archive: zipfile.ZipFile, path: str) -> list[str]:
    """The ``<mergeCell ref=…>`` entries, which follow ``</sheetData>`` in the sheet part."""
    tail = b""
    rest: list[bytes] = []
    with archive.open(path) as part:
        while chunk := part.read(1 << 20):
            if rest:
                rest.append(chunk)
                continue
            buffer = tail + chunk
            position = buffer.find(b"</sheetData>")
            if position >= 0:
                rest.append(buffer[position:])
            tail = buffer[-16:]
    return [match.decode() for match in _MERGE.findall(b"".join(rest))]


# What a damaged or hostile workbook raises from zipfile, zlib and the XML parser.
_BROKEN = (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, EOFError, SyntaxError, zlib.error)


def _not_a_spreadsheet(exc: Exception) -> ImportRefused:
    return ImportRefused([row_error(None, "", "not_a_spreadsheet", detail=str(exc) or type(exc).__name__)])


def _xlsx_rows(sheet: object) -> Iterator[tuple[int, list[Cell]]]:
    try:
        yield from _cells(sheet)
    except _BROKEN as exc:  # a part damaged past its first bytes shows only while the rows are read
        raise _not_a_spreadsheet(exc) from None


def _cells(sheet: object) -> Iterator[tuple[int, list[Cell]]]:
    for cells in sheet.iter_rows():  # type: ignore[attr-defined]
        values: list[Cell] = []
        number = 0
        for cell in cells:
            number = getattr(cell, "row", None) or number
            value = cell.value
            if cell.data_type == "f":
                value = Formula(str(getattr(value, "text", value)))
            values.append(value)
        if number:
            yield number, values
