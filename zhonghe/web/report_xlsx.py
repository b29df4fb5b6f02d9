"""The accounting report (核算报告) as an Excel workbook (openpyxl): one sheet per section, plus charts.

Amounts are written as Decimal cells (the exact value stays in the file) with the pages' grouped format:
kg as "#,##0.0" (XLSX_FORMATS next to format_number). The summary sheet holds the report's texts.
Sheets: summary, by source and phase (with bar charts), activity data, factors with citations, method.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from zhonghe.footprints.report import InventoryReport
from zhonghe.lib.numbers import XLSX_FORMATS
from zhonghe.web.report_content import report_tables

KG_FORMAT = XLSX_FORMATS["kg"]
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1D4D32")


def _header(ws: Worksheet, row: int, values: list[str]) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width


def _totals(ws: Worksheet, top: int, title: str, rows, total: Decimal) -> int:
    """A totals block with a bar chart beside it; returns the next free row."""
    _header(ws, top, [title, _("排放量（kgCO₂e）"), _("占比")])
    for i, (label, kg, share) in enumerate(rows, start=top + 1):
        ws.cell(row=i, column=1, value=label)
        ws.cell(row=i, column=2, value=kg).number_format = KG_FORMAT
        ws.cell(row=i, column=3, value=share)
    last = top + len(rows)
    ws.cell(row=last + 1, column=1, value=_("合计")).font = Font(bold=True)
    ws.cell(row=last + 1, column=2, value=total).number_format = KG_FORMAT
    chart = BarChart()
    chart.type, chart.title, chart.legend = "bar", title, None
    chart.add_data(Reference(ws, min_col=2, min_row=top, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=last))
    ws.add_chart(chart, f"E{top}")
    return max(last + 3, top + 16)


def render_report_xlsx(report: InventoryReport) -> bytes:
    """The report in the active language, as .xlsx bytes."""
    tables = report_tables(report)
    wb = Workbook()
    summary = wb.active
    summary.title = _("概要")
    for i, (label, value) in enumerate(tables.summary, start=1):
        summary.cell(row=i, column=1, value=label).font = Font(bold=True)
        summary.cell(row=i, column=2, value=value)
    _widths(summary, [28, 80])

    totals = wb.create_sheet(_("按排放源和阶段"))
    row = _totals(totals, 1, _("排放源"), tables.by_source, tables.total_kg_co2e)
    _totals(totals, row, _("阶段"), tables.by_phase, tables.total_kg_co2e)
    _widths(totals, [20, 20, 10])

    data = wb.create_sheet(_("活动数据"))
    _header(data, 1, tables.activity_header)
    for i, values in enumerate(tables.activities, start=2):
        for col, value in enumerate(values, start=1):
            cell = data.cell(row=i, column=col, value=value)
            if col == len(values):
                cell.number_format = KG_FORMAT
    total_row = len(tables.activities) + 2
    data.cell(row=total_row, column=1, value=_("合计")).font = Font(bold=True)
    data.cell(row=total_row, column=len(tables.activity_header), value=tables.total_kg_co2e).number_format = KG_FORMAT
    _widths(data, [12, 10, 60, 16, 12, 28, 18, 18])

    factors = wb.create_sheet(_("排放因子及来源"))
    _header(factors, 1, tables.factor_header)
    for i, values in enumerate(tables.factors, start=2):
        for col, value in enumerate(values, start=1):
            factors.cell(row=i, column=col, value=value)
    _widths(factors, [28, 24, 80, 40, 30])

    method = wb.create_sheet(_("核算方法"))
    for i, (label, value) in enumerate(tables.method, start=1):
        method.cell(row=i, column=1, value=label).font = Font(bold=True)
        method.cell(row=i, column=2, value=value)
    _widths(method, [20, 100])

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
