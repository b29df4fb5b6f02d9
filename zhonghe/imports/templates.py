"""Downloadable import templates, generated from the column definitions (pure).

Each template has the Chinese header row, the English header row under it (the parser accepts either
row alone, or both), and an example row. The XLSX template adds a 说明 (notes) sheet listing each
column: headers, whether it is required, its accepted values and default, in Chinese and English.
CSV templates are UTF-8 with BOM so that Excel shows the Chinese headers correctly.
"""

from __future__ import annotations

import csv
import io

from .columns import COLUMNS, Kind

EXAMPLES: dict[Kind, list[list[str]]] = {
    Kind.ATTENDEES: [
        ["张三", "成都", "", "高铁", "是", "1", "", "", ""],
        ["李四", "北京大兴国际机场", "重庆江北国际机场", "飞机", "是", "2", "", "经济舱", ""],
    ],
    Kind.ACTIVITIES: [["电力", "electricity.grid", "12000", "kWh", "举办", "计量", "主会场用电"]],
}
FILE_NAMES = {Kind.ATTENDEES: "attendee-travel", Kind.ACTIVITIES: "activity-data"}
NOTES_HEADER = ["表头", "header", "必填 / required", "说明", "notes"]


def _rows(kind: Kind) -> list[list[str]]:
    columns = COLUMNS[kind]
    return [[column.zh for column in columns], [column.key for column in columns], *EXAMPLES[kind]]


def template_csv(kind: Kind | str) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(_rows(Kind(kind)))
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(kind: Kind | str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    kind = Kind(kind)
    workbook = Workbook()
    data = workbook.active
    data.title = "数据"
    for row in _rows(kind):
        data.append([_typed(value) for value in row])
    for cell in data[1] + data[2]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS[kind], start=1):
        data.column_dimensions[data.cell(1, index).column_letter].width = max(12, len(column.zh) * 2 + 4)
    data.freeze_panes = "A3"
    notes = workbook.create_sheet("说明")
    notes.append(NOTES_HEADER)
    for column in COLUMNS[kind]:
        notes.append(
            [column.zh, column.key, "是 / yes" if column.required else "否 / no", column.note_zh, column.note_en]
        )
    notes.append([])
    notes.append(["第一行为中文表头，第二行为英文表头，保留其一即可；示例行请替换为实际数据。"])
    notes.append(
        ["Row 1 holds the Chinese headers and row 2 the English ones; either is enough. Replace the example rows."]
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _typed(value: str) -> object:
    """Example numbers as numbers, so that Excel does not flag them as text."""
    return int(value) if value.isdigit() else (value or None)
