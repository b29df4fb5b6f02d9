"""Report files: the per-event 注销记录 (PDF, Excel) and the bureau's annual summary (Excel) and report (PDF).

PDFs use ReportLab with the certificates' embedded CJK font (certificates/pdf_fonts.py); the annual PDF draws
its charts as static ReportLab graphics. Floats appear only to size bars; every printed number is the exact
Decimal/int of the tables (supervision/tables.py), which are the dashboards' own.
"""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus import Table as PdfTable

from zhonghe.certificates.pdf_fonts import CREDITS_TABLE_STYLE, GREEN, certificate_styles, register_cjk_font
from zhonghe.lib.numbers import xlsx_format
from zhonghe.supervision.exports import write_table
from zhonghe.supervision.records import EventRecord
from zhonghe.supervision.tables import Table, Total, display

WIDTH = A4[0] - 30 * mm


def _p(text: object, style) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)), style)


def _doc(buffer, title: str, pagesize=A4) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
    )


def _pdf_table(headers: list[str], rows: list[list], st, col_widths=None) -> PdfTable:
    data = [[_p(h, st["th"]) for h in headers]]
    data += [[_p("—" if c is None else c, st["td"]) for c in row] for row in rows]
    table = PdfTable(data, repeatRows=1, colWidths=col_widths)
    table.setStyle(CREDITS_TABLE_STYLE)
    return table


RECORD_WIDTHS_MM = (34, 16, 20, 36, 52, 52, 20, 22)  # serials fit on one line (landscape A4)
RECORD_HEADERS = ("注销编号", "来源", "产品类型", "项目", "起始序列号", "终止序列号", "数量（吨）", "日期")
QUANTITY_COLUMN = RECORD_HEADERS.index("数量（吨）")


def _record_headers() -> list[str]:
    return [_(h) for h in RECORD_HEADERS]


def _record_rows(record: EventRecord) -> list[list]:
    source = {"retirement": _("平台注销"), "external": _("外部注销")}
    return [
        [r.number, source[r.source], r.credit_type, r.project, r.serial_first, r.serial_last, r.quantity_t, r.at]
        for r in record.rows
    ]


def _record_summary(record: EventRecord) -> list[Total]:
    e = record.event
    return [
        (_("活动名称"), e.name, None),
        (_("实施主体"), e.organization.name, None),
        (_("活动日期"), f"{e.start_date.isoformat()} – {e.end_date.isoformat()}", None),
        (_("完成期限"), e.deadline.isoformat() if e.deadline else "—", None),
        (_("核算结果版本"), record.inventory_version or "—", None),
        (_("排放量（千克二氧化碳当量）"), record.inventory_total_kg, "kg"),
        (_("应抵消量（吨）"), record.required_offset_t, "credits"),
        (_("已注销合计（吨）"), record.total_t, "credits"),
    ]


def _shown(totals: list[Total]) -> list[list]:
    """Headline figures as the PDF prints them: label and the grouped number ("—" when there is none)."""
    return [[label, display(value, kind)] for label, value, kind in totals]


def _write_totals(ws, totals: list[Total], *, first_row: int) -> None:
    """Label and value per row; a number keeps its value and gets its kind's grouped number_format."""
    for r, (label, value, kind) in enumerate(totals, start=first_row):
        ws.cell(row=r, column=1, value=label)
        cell = ws.cell(row=r, column=2, value="—" if value is None else value)
        if kind and isinstance(value, int | Decimal):
            cell.number_format = xlsx_format(kind)


def _evaluation_lines(record: EventRecord) -> list[tuple[str, object]]:
    ev = record.evaluation
    if not ev:
        return [(_("评价说明"), _("尚未申请评价。"))]
    return [
        (_("评价方式"), ev["mode"]),
        (_("评价状态"), ev["status"]),
        (_("评价机构"), ev["verifier"]),
        (_("评价结论"), ev["conclusion"] or "—"),
        (_("结论日期"), ev["concluded_at"] or "—"),
        (_("生态环境局意见"), ev["bureau_note"] or "—"),
        (_("受理日期"), ev["accepted_at"] or "—"),
    ]


def record_pdf(record: EventRecord) -> bytes:
    font = register_cjk_font()
    st = certificate_styles(font)
    buffer = io.BytesIO()
    title = _("注销记录")
    story = [_p(f"{title}：{record.event.name}", st["section"]), Spacer(1, 4 * mm)]
    story.append(_pdf_table([_("项目"), _("内容")], _shown(_record_summary(record)), st))
    story += [Spacer(1, 5 * mm), _p(_("注销明细"), st["section"]), Spacer(1, 2 * mm)]
    widths = [w * mm for w in RECORD_WIDTHS_MM]
    rows = [
        [*row[:QUANTITY_COLUMN], display(row[QUANTITY_COLUMN], "credits"), *row[QUANTITY_COLUMN + 1 :]]
        for row in _record_rows(record)
    ]
    story.append(_pdf_table(_record_headers(), rows or [[_("暂无注销。")] + [""] * 7], st, widths))
    story += [Spacer(1, 5 * mm), _p(_("评价说明"), st["section"]), Spacer(1, 2 * mm)]
    story.append(_pdf_table([_("项目"), _("内容")], [list(pair) for pair in _evaluation_lines(record)], st))
    _doc(buffer, title, landscape(A4)).build(story)
    return buffer.getvalue()


def record_xlsx(record: EventRecord) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "cancellations"
    _write_totals(ws, _record_summary(record), first_row=1)
    start = len(_record_summary(record)) + 2
    for c, header in enumerate(_record_headers(), start=1):
        ws.cell(row=start, column=c, value=header)
    for r, row in enumerate(_record_rows(record), start=start + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if c == QUANTITY_COLUMN + 1:
                cell.number_format = xlsx_format("credits")
    note = wb.create_sheet("evaluation")
    for r, (label, value) in enumerate(_evaluation_lines(record), start=1):
        note.cell(row=r, column=1, value=label)
        note.cell(row=r, column=2, value=str(value))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def annual_xlsx(year: int, tables: list[Table], totals: list[Total]) -> bytes:
    """One sheet of totals, then one sheet per table (level, department, district, kind, emissions, offsets)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "summary"
    ws.cell(row=1, column=1, value=_("%(y)s 年度大型会议和活动碳中和汇总") % {"y": year})
    _write_totals(ws, totals, first_row=3)
    for table in tables:
        write_table(wb.create_sheet(table.key[:31]), table)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bars(table: Table, font: str, column: int = 1) -> Drawing:
    rows = [r for r in table.rows if r[column] is not None][:15]
    height = 30 + 16 * max(len(rows), 1)
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 130, 10, WIDTH - 170, height - 20
    chart.data = [[float(r[column]) for r in reversed(rows)] or [0.0]]
    chart.categoryAxis.categoryNames = [str(r[0]) for r in reversed(rows)] or ["—"]
    for labels in (chart.categoryAxis.labels, chart.valueAxis.labels):
        labels.fontName, labels.fontSize = font, 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = GREEN
    drawing.add(chart)
    return drawing


def annual_pdf(year: int, tables: list[Table], totals: list[Total]) -> bytes:
    font = register_cjk_font()
    st = certificate_styles(font)
    buffer = io.BytesIO()
    title = _("%(y)s 年度大型会议和活动碳中和工作报告") % {"y": year}
    story = [_p(title, st["section"]), Spacer(1, 4 * mm)]
    story.append(_pdf_table([_("指标"), _("数值")], _shown(totals), st))
    for table in tables:
        story += [Spacer(1, 5 * mm), _p(table.title, st["section"]), Spacer(1, 2 * mm)]
        if table.rows:
            story.append(_bars(table, font))
        rows = table.display_rows() or [[_("暂无数据。")] + [""] * (len(table.headers) - 1)]
        story.append(_pdf_table(table.headers, rows, st))
    _doc(buffer, title).build(story)
    return buffer.getvalue()
