"""The 碳中和声明 as a Chinese PDF (A4, embedded CJK font): the values of declaration.declaration_for."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from zhonghe.certificates.pdf_fonts import (
    CREDITS_TABLE_STYLE,
    FIELDS_TABLE_STYLE,
    certificate_styles,
    register_cjk_font,
)
from zhonghe.lib.numbers import format_number

DASH = "—"


def _text(value: Any) -> str:
    return escape(str(value)) if value not in (None, "") else DASH


def _t(value: Any) -> str:
    """Emissions (tCO₂e) as on the pages: 3 decimals, thousands grouped; "—" when missing."""
    return _text(format_number(value, "t")) if value not in (None, "") else DASH


def _credits(value: Any) -> str:
    """Credit quantities as on the pages: whole tonnes, thousands grouped; "—" when missing."""
    return _text(format_number(value, "credits")) if value not in (None, "") else DASH


def _lines(value: Any) -> str:
    return _text(value).replace("\n", "<br/>")


def render_declaration_pdf(d: dict, *, font_path: str | None = None) -> bytes:
    font = register_cjk_font(font_path)
    st = certificate_styles(font)
    buffer = io.BytesIO()
    width = A4[0] - 40 * mm
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=f"碳中和声明 {d['event_name']}", author="Zhonghe 中和", subject="碳中和声明",
    )  # fmt: skip
    scale = f"{format_number(d['participants'], '0')} 人"
    scale += f"，{format_number(d['area_m2'], '0')} m²" if d["area_m2"] else ""
    total = f"{_t(d['total_t_co2e'])} tCO<sub>2</sub>e"
    if d["range_95"]:
        total += f"（95 % 区间 {_t(d['range_95']['low_t_co2e'])} – {_t(d['range_95']['high_t_co2e'])}）"
    fields = [
        ("活动名称", f"{_text(d['event_name'])}（{_text(d['event_kind'])}）"),
        ("活动日期", f"{_text(d['start_date'])} 至 {_text(d['end_date'])}"),
        ("举办地点", _text(d["venue"])),
        ("活动规模", _text(scale)),
        ("实施主体", f"{_text(d['organiser_name'])}（{_text(d['organiser_uscc'])}）"),
        ("核算边界", _lines(d["boundary"])),
        ("排放总量", total),
        ("减排措施", _lines(d["reduction_measures"])),
        ("碳中和评价", f"{_text(d['evaluation_mode'])} · {_text(d['verifier_name'])}<br/>{_lines(d['conclusion'])}"),
        (
            "证书",
            f"{_text(d['issuer'])} · 编号 {_text(d['number'])} · 签发 {_text(d['issued_at_beijing'])}（北京时间）",
        ),
        ("核验", _text(d["document"]["verify_url"])),
    ]
    table = Table(
        [[Paragraph(k, st["label"]), Paragraph(v, st["value"])] for k, v in fields],
        colWidths=[30 * mm, width - 30 * mm],
    )
    table.setStyle(FIELDS_TABLE_STYLE)
    head = ["产品类型", "项目", "序列号范围", "注销编号", "数量 (t)"]
    rows = [[Paragraph(h, st["th"]) for h in head]]
    for r in d["retirements"]:
        quantity = format_number(r["quantity_t"], "credits")
        cells = [r["credit_type_label"], f"{r['project_name']}（{r['project_code']}，{r['vintage']}）",
                 f"{r['serial_first']} 至 {r['serial_last']}", r["number"], quantity]  # fmt: skip
        rows.append([Paragraph(_text(c), st["td"]) for c in cells])
    for c in d["external_cancellations"]:
        cells = [
            c.get("credit_type"),
            c.get("registry"),
            DASH,
            c.get("reference"),
            format_number(c.get("quantity_t"), "credits"),
        ]
        rows.append([Paragraph(_text(x), st["td"]) for x in cells])
    credits = Table(rows, colWidths=[26 * mm, None, 48 * mm, 34 * mm, 16 * mm], repeatRows=1)
    credits.setStyle(CREDITS_TABLE_STYLE)
    statement = (
        f"{_text(d['organiser_name'])}声明：“{_text(d['event_name'])}”的温室气体排放总量经核算为 "
        f"{_t(d['total_t_co2e'])} 吨二氧化碳当量，已通过注销 {_credits(d['retired_t'])} 吨减排量全部抵消，"
        f"于 {_text(d['achieved_on'])} 实现碳中和。"
    )
    offsets = f"抵消情况：应抵消 {_credits(d['required_t'])} t，已注销 {_credits(d['retired_t'])} t"
    story: list[Any] = [Paragraph("碳中和声明", st["title"]), Spacer(1, 4 * mm)]
    if d["status_label"]:
        story.append(Paragraph(f"证书状态：{escape(d['status_label'])}", st["status"]))
    story += [
        Paragraph(statement, st["statement"]),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph(offsets, st["section"]),
        Spacer(1, 1.5 * mm),
        credits,
    ]
    doc.build(story)
    return buffer.getvalue()
