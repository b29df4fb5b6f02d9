"""Render the 碳中和证书 (Carbon Neutrality Certificate) PDF.

Django-free: everything arrives as arguments (the signed payload, the public verify URL, the signature),
so the layout is testable without a database and a certificate can be re-rendered from its stored payload.
The PDF only *displays* the payload; the signature over the canonical payload text is what binds it.

Layout (A4 portrait): double border; title, subtitle, number; a statement; a label/value table of the
event, organiser and inventory; the retired-credits table (repeats its header when it overflows a page);
and on every page a footer with issue time, key id, full inventory hash and signature in small print, and
at the bottom right a vector QR code (segno, level M) encoding exactly ``verify_url`` with the URL below.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from itertools import groupby
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table

from zhonghe.certificates import pdf_text as fields
from zhonghe.certificates.pdf_fonts import (
    CREDITS_TABLE_STYLE,
    FIELDS_TABLE_STYLE,
    GOLD,
    GREEN,
    MUTED,
    RULE,
    certificate_styles,
    register_cjk_font,
)

__all__ = ["render_certificate_pdf"]

PAGE_W, PAGE_H = A4
MARGIN_X = 22 * mm
FOOTER_H = 66 * mm  # reserved at the bottom of every page for the signature block and QR
QR_SIZE = 34 * mm
DASH = fields.DASH
SIGNED_NOTE = (
    "本证书内容经 Ed25519 数字签名，任何改动都会使签名失效；请以核验页面所示为准。"
    "The content is digitally signed; the verification page is authoritative."
)
Styles = dict[str, ParagraphStyle]


def _statement(payload: Mapping[str, Any], st: Styles) -> list[Any]:
    organiser, event = fields.get(payload, "organiser", "name"), fields.get(payload, "event", "name")
    total = fields.tonnes(payload, "inventory", "total_t_co2e")
    retired = fields.credits(payload, "offsets", "retired_t")
    zh = (
        f"兹证明，<b>{organiser}</b>主办的“<b>{event}</b>”活动，经核算温室气体排放总量为 "
        f"<b>{total}</b> 吨二氧化碳当量（tCO<sub>2</sub>e），已通过注销 <b>{retired}</b> 吨碳信用"
        f"予以全部抵消，实现碳中和。特发此证。"
    )
    en = (
        f"This is to certify that the greenhouse gas emissions of the event above, quantified at {total} "
        f"tCO<sub>2</sub>e, have been fully offset by the retirement of {retired} t of carbon credits."
    )
    return [Paragraph(zh, st["statement"]), Spacer(1, 2), Paragraph(en, st["statement_en"])]


def _fields_table(payload: Mapping[str, Any], st: Styles, width: float) -> Table:
    event = payload.get("event") or {}
    inv = ("inventory",)
    rows = [
        ("活动名称", "Event", fields.get(event, "name")),
        ("主办单位", "Organiser", fields.get(payload, "organiser", "name")),
        ("统一社会信用代码", "USCC", fields.get(payload, "organiser", "uscc")),
        ("活动日期", "Dates", fields.dates(event)),
        ("举办地点", "Venue", fields.venue(event)),
        ("排放总量", "Inventory total", fields.total(payload)),
        (
            "核算依据",
            "Basis",
            f"排放因子 {fields.get(payload, *inv, 'factor_release')}"
            f" · 方法 {fields.get(payload, *inv, 'method_version')}"
            f" · 清单第 {fields.get(payload, *inv, 'version')} 版",
        ),
        ("清单哈希", "Inventory hash", fields.short_hash(fields.get(payload, *inv, "hash"))),
        ("抵消情况", "Offsets", fields.offsets(payload)),
        ("碳中和评价", "Evaluation", fields.evaluation(payload)),
    ]
    if payload.get("supersedes"):
        rows.append(("取代证书", "Supersedes", fields.get(payload, "supersedes")))
    data = [[Paragraph(zh + fields.en(en), st["label"]), Paragraph(value, st["value"])] for zh, en, value in rows]
    table = Table(data, colWidths=[34 * mm, width - 34 * mm])
    table.setStyle(FIELDS_TABLE_STYLE)
    return table


def _retirements_table(payload: Mapping[str, Any], st: Styles, width: float) -> Table:
    offsets = payload.get("offsets") or {}
    titles = ("类型<br/>Type", "项目<br/>Project", "年份<br/>Vintage", "序列号范围<br/>Serial range")
    head = [Paragraph(t, st["th"]) for t in titles] + [Paragraph("数量 (t)<br/>Quantity", st["th_num"])]
    data: list[list[Any]] = [head]
    for r in offsets.get("retirements") or []:
        project = fields.get(r, "project_code")
        if fields.get(r, "project_name", default=""):
            project += f'<br/><font size="7" color="#6b6b6b">{fields.get(r, "project_name")}</font>'
        serials = f"{fields.get(r, 'serial_first')}<br/>至 {fields.get(r, 'serial_last')}"
        cells = [
            fields.get(r, "credit_type"),
            project,
            fields.get(r, "vintage"),
            serials,
            fields.credits(r, "quantity_t"),
        ]
        data.append([Paragraph(c, st["td_num" if i == 4 else "td"]) for i, c in enumerate(cells)])
    for c in offsets.get("external_cancellations") or []:
        proof = f"{fields.get(c, 'registry')}<br/>注销证明 {fields.get(c, 'reference')}"
        cells = [fields.get(c, "credit_type"), proof, DASH, DASH, fields.credits(c, "quantity_t")]
        data.append([Paragraph(x, st["td_num" if i == 4 else "td"]) for i, x in enumerate(cells)])
    if len(data) == 1:
        data.append([Paragraph("（无注销记录 No retirements）", st["td"]), "", "", "", ""])
    widths = [20 * mm, None, 15 * mm, 58 * mm, 18 * mm]
    widths[1] = width - sum(w for w in widths if w)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(CREDITS_TABLE_STYLE)
    return table


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw ``data`` as a vector QR code (quiet zone included) with its lower-left corner at (x, y)."""
    qr = segno.make(data, error="m", micro=False, boost_error=False)
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=4)]
    module = size / len(rows)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        c = 0
        for dark, run in groupby(row):  # one rectangle per horizontal run of dark modules
            n = len(list(run))
            if dark:
                path.rect(x + c * module, y + size - (r + 1) * module, n * module, module)
            c += n
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _draw_border(canvas: Canvas) -> None:
    canvas.setStrokeColor(GREEN)
    canvas.setLineWidth(2.4)
    canvas.rect(10 * mm, 10 * mm, PAGE_W - 20 * mm, PAGE_H - 20 * mm)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.8)
    canvas.rect(12.5 * mm, 12.5 * mm, PAGE_W - 25 * mm, PAGE_H - 25 * mm)
    canvas.setFillColor(GOLD)
    for cx, cy in ((12.5, 12.5), (12.5, 284.5), (197.5, 12.5), (197.5, 284.5)):
        canvas.circle(cx * mm, cy * mm, 1.6 * mm, stroke=0, fill=1)


def _draw_watermark(canvas: Canvas, font: str, label: str) -> None:
    canvas.saveState()
    canvas.setFillColor(colors.firebrick)
    canvas.setFillAlpha(0.16)
    canvas.translate(PAGE_W / 2, PAGE_H / 2)
    canvas.rotate(35)
    # Fit the label inside the border along the diagonal, whatever its length.
    size = min(72.0, 150 * mm / max(pdfmetrics.stringWidth(label, font, 1), 1e-6))
    canvas.setFont(font, size)
    canvas.drawCentredString(0, 0, label)
    canvas.restoreState()


def _block(canvas: Canvas, text: str, style: ParagraphStyle, x: float, top: float, width: float) -> float:
    """Draw a paragraph whose top edge is at ``top``; return the y of its bottom edge."""
    para = Paragraph(text, style)
    _, h = para.wrap(width, FOOTER_H)
    para.drawOn(canvas, x, top - h)
    return top - h


def _draw_footer(canvas: Canvas, payload: Mapping[str, Any], verify_url: str, signature: str, st: Styles) -> None:
    left, right, top = MARGIN_X, PAGE_W - MARGIN_X, FOOTER_H - 5 * mm
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(left, FOOTER_H - 1.5 * mm, right, FOOTER_H - 1.5 * mm)

    _draw_qr(canvas, verify_url, right - QR_SIZE, top - QR_SIZE, QR_SIZE)
    url = f"扫码或访问以核验 Verify at<br/>{escape(verify_url)}"
    _block(canvas, url, st["url"], right - 62 * mm, top - QR_SIZE - 1.5 * mm, 62 * mm)

    width = right - QR_SIZE - 8 * mm - left
    split = width * 0.56
    label = '<font size="7.5" color="#1d4d32">{}</font><br/>{}'.format
    issued = label("签发时间 Issued", fields.issued_at(payload))
    key_id = label("签名密钥 Key ID", fields.get(payload, "key_id"))
    y = min(
        _block(canvas, issued, st["value"], left, top, split),
        _block(canvas, key_id, st["value"], left + split, top, width - split),
    )
    small_print = [
        label("清单哈希 Inventory SHA-256", fields.get(payload, "inventory", "hash")),
        label("数字签名 Ed25519 signature (base64)", escape(signature) or DASH),
        label("签名指纹 Signature SHA-256", fields.fingerprint(signature)),
        SIGNED_NOTE,
    ]
    for text in small_print:
        y = _block(canvas, text, st["small"], left, y - 2.3 * mm, width)


def render_certificate_pdf(
    *,
    payload: Mapping[str, Any],
    verify_url: str,
    signature_b64: str,
    status_label: str = "",
    status_note: str = "",
    font_path: str | None = None,
) -> bytes:
    """Return the certificate as PDF bytes (A4, one page unless the retirements table overflows).

    ``payload`` is the signed certificate payload (numbers as strings); missing optional keys print as a
    dash. ``status_label`` (e.g. "已撤销 REVOKED") is shown under the number and as a watermark, with
    ``status_note`` (reason, date, successor) below it. The creation date is the signed issue time; output is
    byte-for-byte deterministic for the same arguments (ReportLab ``invariant`` mode).
    """
    font = register_cjk_font(font_path)
    st = certificate_styles(font)
    width = PAGE_W - 2 * MARGIN_X
    buffer = io.BytesIO()

    created = fields.pdf_date(payload)

    def on_page(canvas: Canvas, _doc: Any) -> None:
        if created:
            canvas.setDateFormatter(lambda *_parts: created)
        canvas.saveState()
        _draw_border(canvas)
        if canvas.getPageNumber() > 1:
            canvas.setFont(font, 8)
            canvas.setFillColor(MUTED)
            continued = f"碳中和证书 {payload.get('number', '')} · 第 {canvas.getPageNumber()} 页（续）"
            canvas.drawString(MARGIN_X, PAGE_H - 17 * mm, continued)
        _draw_footer(canvas, payload, verify_url, signature_b64, st)
        canvas.restoreState()

    def on_page_end(canvas: Canvas, _doc: Any) -> None:
        if status_label:  # drawn last so table backgrounds cannot hide it
            _draw_watermark(canvas, font, status_label)

    number = fields.get(payload, "number")
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=f"碳中和证书 {payload.get('number', '')}",
        author="Zhonghe 中和",
        subject="Carbon Neutrality Certificate",
        invariant=True,
    )
    no_padding = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
    frame = Frame(MARGIN_X, FOOTER_H, width, PAGE_H - FOOTER_H - 20 * mm, id="body", **no_padding)
    doc.addPageTemplates([PageTemplate(id="certificate", frames=[frame], onPage=on_page, onPageEnd=on_page_end)])
    story: list[Any] = [
        Spacer(1, 3 * mm),
        Paragraph("碳中和证书", st["title"]),
        Paragraph("Carbon Neutrality Certificate", st["subtitle"]),
        Spacer(1, 2 * mm),
        Paragraph(f"证书编号 No. {number}", st["number"]),
    ]
    if status_label:
        story.append(Paragraph(f"状态 Status：{escape(status_label)}", st["status"]))
        if status_note:
            story.append(Paragraph(escape(status_note), st["status"]))
    story += [
        Spacer(1, 5 * mm),
        *_statement(payload, st),
        Spacer(1, 5 * mm),
        _fields_table(payload, st, width),
        Spacer(1, 5 * mm),
        Paragraph("注销碳信用 Retired credits", st["section"]),
        Spacer(1, 1.5 * mm),
        _retirements_table(payload, st, width),
    ]
    doc.build(story)
    return buffer.getvalue()
