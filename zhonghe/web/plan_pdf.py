"""The published 计划书 as PDF: ReportLab with the certificates' embedded CJK font, in the active language.

Sections: basic information, accounting boundary, ex-ante estimate (by source, then every line with its
factor and citation), reduction measures with their figures, offset plan. Numbers are the stored estimate's,
shown as the pages show them (kg to 0.1, tonnes to 0.001, thousands grouped); no activity refs, no attendee names.
"""

from __future__ import annotations

import io
import math
from decimal import Decimal
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from zhonghe.certificates.pdf_fonts import CREDITS_TABLE_STYLE, FIELDS_TABLE_STYLE, certificate_styles
from zhonghe.certificates.pdf_fonts import register_cjk_font as cjk_font
from zhonghe.data.districts import UnknownDistrict, district_by_code
from zhonghe.lib.numbers import format_number
from zhonghe.plans.selectors import PublishedPlan
from zhonghe.web.labels import factor_label, unit_text
from zhonghe.web.report_content import (
    category_text,
    chinese,
    credits_text,
    distance_text,
    kg_text,
    phase_text,
    share_text,
    source_text,
    t_text,
)

PAGE = landscape(A4)
WIDTH = PAGE[0] - 30 * mm


def _p(text: object, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def venue_text(event) -> str:
    try:
        district = district_by_code(event.venue_district)
    except UnknownDistrict:
        return event.venue_address or event.venue_district
    return f"{district.name_zh if chinese() else district.name_en} {event.venue_address}".strip()


def required_t(kg: Decimal) -> int:
    """Whole tonnes the estimate would need (rounded up), as the inventory counts its offset."""
    return math.ceil(Decimal(kg) / 1000)


def measure_parameter_text(measure) -> str:
    if measure.scenario == "rail_for_short_flights":
        return _("单程低于 %(km)s 公里") % {"km": measure.parameter_shown}
    return f"{measure.parameter_shown} %"


def _fields(rows: list[tuple[str, str]], st) -> Table:
    table = Table([[_p(k, st["label"]), _p(v, st["value"])] for k, v in rows], colWidths=[50 * mm, WIDTH - 50 * mm])
    table.setStyle(FIELDS_TABLE_STYLE)
    return table


def _grid(header: list[str], rows: list[list[object]], st, widths: list[float], numeric: set[int]) -> Table:
    data = [[_p(h, st["th_num"] if i in numeric else st["th"]) for i, h in enumerate(header)]]
    data += [[_p(v, st["td_num"] if i in numeric else st["td"]) for i, v in enumerate(row)] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(CREDITS_TABLE_STYLE)
    return table


def _basic(published: PublishedPlan, st) -> Table:
    event, plan = published.event, published.plan
    return _fields(
        [
            (_("活动名称"), event.name),
            (
                _("活动类型"),
                f"{event.get_kind_display()}"
                + (f" · {event.get_meeting_class_display()}" if event.meeting_class else ""),
            ),
            (_("主办单位"), event.organization.name),
            (_("活动日期"), f"{event.start_date.isoformat()} – {event.end_date.isoformat()}"),
            (_("举办地点"), venue_text(event)),
            (_("预计参与人数"), format_number(event.expected_participants, "0")),
            (_("计划书发布日期"), timezone.localtime(plan.published_at).date().isoformat()),
            (_("碳中和完成期限"), event.deadline.isoformat() if event.deadline else "—"),
        ],
        st,
    )


def _estimate(published: PublishedPlan, st) -> list:
    plan = published.plan
    total = Decimal(plan.estimate_kg_co2e)
    by_source = [[category_text(k), share_text(kg, total), kg_text(kg)] for k, kg in published.by_source]
    by_source.append([_("合计"), "100 %", kg_text(total)])
    lines = [
        [
            category_text(line["category"]),
            phase_text(line.get("phase") or "holding"),
            " · ".join(t for t in (str(line.get("description") or ""), distance_text(line)) if t),
            f"{Decimal(str(line['quantity'])).normalize():f} {unit_text(line['unit'])}",
            f"{factor_label(line['factor_key'])} {line['factor_value']} {unit_text(line['factor_unit'])}",
            f"{source_text(line)}（{line['factor_doc_no']}，{line['factor_year']}）",
            kg_text(Decimal(str(line["kg_co2e"]))),
        ]
        for line in published.lines
    ]
    summary = _("排放预估 %(kg)s kgCO₂e（%(t)s tCO₂e），因子版本 %(r)s") % {
        "kg": kg_text(total),
        "t": t_text(total / 1000),
        "r": plan.estimate_release,
    }
    header = [
        _("类别"),
        _("阶段"),
        _("说明"),
        _("活动量"),
        _("排放因子"),
        _("来源（文号，年份）"),
        _("排放量（kgCO₂e）"),
    ]
    return [
        _p(summary, st["value"]),
        Spacer(1, 2 * mm),
        _grid([_("排放源"), _("占比"), _("排放量（kgCO₂e）")], by_source, st, [50, 25, 40], {1, 2}),
        Spacer(1, 3 * mm),
        _grid(header, lines, st, [20, 14, 52, 28, 40, 84, 29], {6}),
    ]


def _factor_text(factor: dict) -> str:
    source = factor["source"] if chinese() else factor.get("source_en") or factor["source"]
    return f"{factor_label(factor['key'])} {factor['value']} {unit_text(factor['unit'])}：{source}"


def _measures(published: PublishedPlan, st) -> list:
    story: list = []
    if published.plan.reduction_measures:
        story += [_p(published.plan.reduction_measures, st["value"]), Spacer(1, 2 * mm)]
    if not published.measures:
        return story or [_p("—", st["value"])]
    rows = [
        [
            m.get_scenario_display(),
            measure_parameter_text(m),
            kg_text(m.saving_kg_co2e),
            f"{m.saving_pct} %",
            kg_text(m.new_kg_co2e),
            "；".join(_factor_text(f) for f in m.factors) or "—",
        ]
        for m in published.measures
    ]
    header = [
        _("减排措施"),
        _("参数"),
        _("预计减排量（kgCO₂e）"),
        _("占预估"),
        _("采取后预估（kgCO₂e）"),
        _("所用因子及来源"),
    ]
    story.append(_grid(header, rows, st, [40, 26, 32, 18, 32, 119], {2, 3, 4}))
    story.append(Spacer(1, 2 * mm))
    story.append(_p(_("各措施合计预计减排 %(kg)s kgCO₂e") % {"kg": kg_text(published.saving_kg_co2e)}, st["value"]))
    return story


def _story(published: PublishedPlan, st) -> list:
    plan = published.plan
    required = credits_text(required_t(plan.estimate_kg_co2e))
    offset = _("按排放预估应抵消不少于 %(t)s 吨（整吨，向上取整）。") % {"t": required}

    def section(title: str) -> list:
        return [Spacer(1, 5 * mm), _p(title, st["section"]), Spacer(1, 2 * mm)]

    return [
        _p(_("碳中和计划书"), st["title"]),
        Spacer(1, 2 * mm),
        _p(published.event.name, st["section"]),
        Spacer(1, 4 * mm),
        _basic(published, st),
        *section(_("核算边界")),
        _p(plan.boundary, st["value"]),
        *section(_("排放预估（事前）")),
        *_estimate(published, st),
        *section(_("减排措施")),
        *_measures(published, st),
        *section(_("抵消计划")),
        _p(plan.offset_plan or "—", st["value"]),
        _p(offset, st["value"]),
    ]


def render_plan_pdf(published: PublishedPlan) -> bytes:
    """The published plan in the active language, as PDF bytes."""
    font = cjk_font(settings.CERT_FONT_PATH)
    st = certificate_styles(font)
    st["title"].fontSize, st["title"].leading = 22, 28
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=PAGE, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm, bottomMargin=14 * mm,
        title=f"{_('碳中和计划书')} {published.event.name}", author="Zhonghe",
    )  # fmt: skip

    def footer(canvas, _doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(15 * mm, 8 * mm, f"{published.event.name} · {_('碳中和计划书')}")
        canvas.drawRightString(PAGE[0] - 15 * mm, 8 * mm, str(canvas.getPageNumber()))
        canvas.restoreState()

    doc.build(_story(published, st), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
