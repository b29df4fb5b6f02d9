"""Build CSV and XLSX files for the import tests."""

import csv
import io

from openpyxl import Workbook

ZH = ["姓名", "出发地", "目的地", "交通方式", "往返", "人次", "单程距离（公里）", "舱位", "同乘人数"]
EN = ["name", "origin", "destination", "mode", "round_trip", "trips", "distance_km", "cabin", "occupancy"]
ACTIVITY_ZH = ["类别", "排放因子", "数量", "单位", "阶段", "数据质量", "说明"]


def csv_bytes(rows, encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, *, merge=(), after=None):
    """Rows written from A1; ``merge`` ranges such as "B1:C1"; ``after(sheet)`` may change the sheet."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    if after is not None:
        after(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def codes(result):
    """(row, column, code) of every error, in file order."""
    return [(error.row, error.column, error.code) for error in result.errors]
