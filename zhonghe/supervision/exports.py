"""Excel (openpyxl) downloads: one chart's table, with the filters it was computed under."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from zhonghe.lib.numbers import xlsx_format
from zhonghe.supervision.filters import Filters
from zhonghe.supervision.tables import Table


def filters_text(filters: Filters) -> str:
    parts = [f"{name}={value}" for name, value in filters.as_query().items()]
    return _("筛选条件：") + ("；".join(parts) if parts else _("全部"))


def write_table(ws, table: Table, *, first_row: int = 1) -> int:
    """Write title, header and rows from `first_row`; returns the next free row.

    Cells stay numbers; a column with a kind gets its grouped number_format ("#,##0.000" for tCO₂e, "#,##0" for
    credits …).
    """
    ws.cell(row=first_row, column=1, value=table.title).font = Font(bold=True)
    for col, header in enumerate(table.headers, start=1):
        ws.cell(row=first_row + 1, column=col, value=header).font = Font(bold=True)
    for r, row in enumerate(table.rows, start=first_row + 2):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            kind = table.kind_of(col - 1)
            if kind and isinstance(value, int | Decimal | float):
                cell.number_format = xlsx_format(kind)
    return first_row + 2 + len(table.rows) + 1


def table_workbook(table: Table, filters: Filters, *, as_of: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = table.key[:31]
    ws.cell(row=1, column=1, value=_("统计日期：%(d)s") % {"d": as_of})
    ws.cell(row=2, column=1, value=filters_text(filters))
    write_table(ws, table, first_row=4)
    ws.column_dimensions["A"].width = 28
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
