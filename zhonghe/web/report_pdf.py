"""The accounting report (核算报告) as PDF: ReportLab, the certificates' embedded CJK font, static charts.

Sections: summary (totals, 95 % range, hashes), emissions by source and by phase (tables + bar charts drawn
with reportlab.graphics), the activity data by source and phase, every factor with its citation, the method.
"""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from zhonghe.certificates.pdf_fonts import CREDITS_TABLE_STYLE, FIELDS_TABLE_STYLE, GREEN, certificate_styles
from zhonghe.certificates.pdf_fonts import register_cjk_font as cjk_font
from zhonghe.footprints.report import InventoryReport
from zhonghe.web.report_content import ReportTables, kg_text, report_tables

PAGE = landscape(A4)
WIDTH = PAGE[0] - 30 * mm


def _p(text: object, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _bar_chart(rows: list[tuple[str, Decimal, str]], font: str) -> Drawing:
    """Horizontal bars, one per row (kg CO2e); values drawn as floats only for the picture, never for numbers."""
    height = 22 + 18 * max(len(rows), 1)
    drawing = Drawing(WIDTH / 2, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 90, 10, WIDTH / 2 - 130, height - 20
    chart.data = [[float(kg) for _label, kg, _share in reversed(rows)] or [0.0]]
    chart.categoryAxis.categoryNames = [label for label, _kg, _share in reversed(rows)] or ["—"]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = GREEN
    chart.barLabelFormat = "%.0f"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 14
    drawing.add(chart)
    return drawing


def _totals_table(title: str, rows: list[tuple[str, Decimal, str]], st, total: Decimal) -> Table:
    data = [[_p(title, st["th"]), _p(_("排放量（kgCO₂e）"), st["th_num"]), _p(_("占比"), st["th_num"])]]
    data += [[_p(label, st["td"]), _p(kg_text(kg), st["td_num"]), _p(share, st["td_num"])] for label, kg, share in rows]
    data.append([_p(_("合计"), st["td"]), _p(kg_text(total), st["td_num"]), _p("100 %", st["td_num"])])
    table = Table(data, colWidths=[40 * mm, 40 * mm, 22 * mm], repeatRows=1)
    table.setStyle(CREDITS_TABLE_STYLE)
    return table


def _grid(header: list[str], rows: list[list[object]], st, widths: list[float], numeric: set[int]) -> Table:
    def cell(i: int, value: object) -> Paragraph:
        text = kg_text(value) if isinstance(value, Decimal) and i == len(header) - 1 else value
        return _p(text, st["td_num"] if i in numeric else st["td"])

    data = [[_p(h, st["th_num"] if i in numeric else st["th"]) for i, h in enumerate(header)]]
    data += [[cell(i, v) for i, v in enumerate(row)] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(CREDITS_TABLE_STYLE)
    return table


def _story(tables: ReportTables, st, font: str) -> list:
    summary = Table(
        [[_p(label, st["label"]), _p(value, st["value"])] for label, value in tables.summary],
        colWidths=[55 * mm, WIDTH - 55 * mm],
    )
    summary.setStyle(FIELDS_TABLE_STYLE)
    by_charts = Table(
        [
            [
                _totals_table(_("排放源"), tables.by_source, st, tables.total_kg_co2e),
                _bar_chart(tables.by_source, font),
            ],
            [_totals_table(_("阶段"), tables.by_phase, st, tables.total_kg_co2e), _bar_chart(tables.by_phase, font)],
        ],
        colWidths=[WIDTH / 2, WIDTH / 2],
    )
    method = Table(
        [[_p(label, st["label"]), _p(value, st["value"])] for label, value in tables.method],
        colWidths=[40 * mm, WIDTH - 40 * mm],
    )
    method.setStyle(FIELDS_TABLE_STYLE)
    return [
        _p(tables.title, st["title"]),
        Spacer(1, 6 * mm),
        summary,
        Spacer(1, 5 * mm),
        _p(_("按排放源和阶段的排放量"), st["section"]),
        Spacer(1, 2 * mm),
        by_charts,
        Spacer(1, 5 * mm),
        _p(_("活动数据"), st["section"]),
        Spacer(1, 2 * mm),
        _grid(tables.activity_header, tables.activities, st, [20, 14, 66, 26, 18, 44, 32, 29], {3, 7}),
        Spacer(1, 5 * mm),
        _p(_("排放因子及来源"), st["section"]),
        Spacer(1, 2 * mm),
        _grid(tables.factor_header, tables.factors, st, [40, 36, 110, 44, 37], set()),
        Spacer(1, 5 * mm),
        _p(_("核算方法"), st["section"]),
        Spacer(1, 2 * mm),
        method,
    ]


def render_report_pdf(report: InventoryReport) -> bytes:
    """The report in the active language, as PDF bytes."""
    font = cjk_font(settings.CERT_FONT_PATH)
    st = certificate_styles(font)
    st["title"].fontSize, st["title"].leading = 22, 28
    buffer = io.BytesIO()
    inv = report.inventory
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"{_('核算报告')} {inv.event.name} v{inv.version}",
        author="Zhonghe",
    )

    def footer(canvas, _doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(15 * mm, 8 * mm, f"{inv.event.name} · v{inv.version} · {inv.data_hash[:16]}")
        canvas.drawRightString(PAGE[0] - 15 * mm, 8 * mm, str(canvas.getPageNumber()))
        canvas.restoreState()

    doc.build(_story(report_tables(report), st, font), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
