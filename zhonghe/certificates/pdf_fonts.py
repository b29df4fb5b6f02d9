"""Typography for certificate PDFs: CJK font registration, palette, paragraph/table styles (no Django).

WenQuanYi Zen Hei (Debian ``fonts-wqy-zenhei``) is a TrueType collection that ReportLab can embed as a
subset, so the PDF renders identically everywhere. Noto CJK is CFF-based and does not load in ReportLab.
When the TTF is missing we fall back to the built-in ``STSong-Light`` CID font (not embedded: the viewer
supplies a Song face) and log a warning, so a missing package degrades the look, never the issuance.

Registration is process-wide in ReportLab, so it is cached here per font path.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import TableStyle

logger = logging.getLogger(__name__)

DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
DEFAULT_FONT_NAME = "WenQuanYiZenHei"
FALLBACK_FONT_NAME = "STSong-Light"

_registered: dict[str, str] = {}  # font path -> registered ReportLab font name
_lock = threading.Lock()


def _font_name_for(path: str) -> str:
    if path == DEFAULT_FONT_PATH:
        return DEFAULT_FONT_NAME
    # A distinct name per custom path: ReportLab's registry is global and names must not collide.
    return f"{DEFAULT_FONT_NAME}-{hashlib.sha256(path.encode()).hexdigest()[:8]}"


def _register_fallback() -> str:
    if FALLBACK_FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT_NAME))
    return FALLBACK_FONT_NAME


def register_cjk_font(font_path: str | None = None) -> str:
    """Register the certificate font once and return its ReportLab font name.

    ``font_path`` defaults to WenQuanYi Zen Hei (subfont 0 of the .ttc). A missing or unreadable file logs
    a warning and returns the ``STSong-Light`` fallback instead of raising.
    """
    path = font_path or DEFAULT_FONT_PATH
    with _lock:
        cached = _registered.get(path)
        if cached:
            return cached
        name = _font_name_for(path)
        if not os.path.isfile(path):
            logger.warning("certificate font %s not found; falling back to %s", path, FALLBACK_FONT_NAME)
            name = _register_fallback()
        else:
            try:
                pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
            except Exception:  # a corrupt font must not block issuance
                logger.warning(
                    "certificate font %s could not be loaded; falling back to %s",
                    path,
                    FALLBACK_FONT_NAME,
                    exc_info=True,
                )
                name = _register_fallback()
        # No bold/italic faces exist: map them to the regular face so <b>/<i> markup never fails.
        pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
        _registered[path] = name
        return name


# Palette, paragraph and table styles live with the fonts: together they are the certificate's typography.
GREEN = colors.HexColor("#1d4d32")
GOLD = colors.HexColor("#a8843a")
INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#6b6b6b")
RULE = colors.HexColor("#c9b98f")
ROW_TINT = colors.HexColor("#f4f1e8")

_LATIN_ITALIC = {"fontName": "Times-Italic", "wordWrap": None}
_STYLE_SPECS: dict[str, dict[str, Any]] = {
    "title": {"fontSize": 34, "leading": 42, "alignment": TA_CENTER, "textColor": GREEN},
    "subtitle": {**_LATIN_ITALIC, "fontSize": 14, "leading": 18, "alignment": TA_CENTER, "textColor": GOLD},
    "number": {"fontSize": 10.5, "leading": 14, "alignment": TA_CENTER, "textColor": MUTED},
    "status": {"fontSize": 12, "leading": 16, "alignment": TA_CENTER, "textColor": colors.firebrick},
    "statement": {"fontSize": 11.5, "leading": 19, "firstLineIndent": 23},
    "statement_en": {**_LATIN_ITALIC, "fontSize": 9, "leading": 12, "textColor": MUTED},
    "label": {"fontSize": 9.5, "leading": 11, "textColor": GREEN},
    "value": {"fontSize": 10, "leading": 13.5},
    "section": {"fontSize": 12, "leading": 16, "textColor": GREEN},
    "th": {"fontSize": 8.5, "leading": 11, "textColor": colors.white},
    "th_num": {"fontSize": 8.5, "leading": 11, "textColor": colors.white, "alignment": TA_RIGHT},
    "td": {"fontSize": 8.5, "leading": 11},
    "td_num": {"fontSize": 8.5, "leading": 11, "alignment": TA_RIGHT},
    "small": {"fontSize": 6.8, "leading": 8.6, "textColor": MUTED},
    "url": {"fontSize": 6.8, "leading": 8.6, "textColor": MUTED, "alignment": TA_RIGHT},
}


def certificate_styles(font: str) -> dict[str, ParagraphStyle]:
    """Paragraph styles keyed by role, built on ``font`` (CJK-aware line breaking)."""
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=14, textColor=INK, wordWrap="CJK")
    return {name: ParagraphStyle(name, parent=base, **spec) for name, spec in _STYLE_SPECS.items()}


FIELDS_TABLE_STYLE = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (0, -1), 2),
    ]
)
CREDITS_TABLE_STYLE = TableStyle(
    [
        ("BACKGROUND", (0, 0), (-1, 0), GREEN),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ROW_TINT]),
        ("BOX", (0, 0), (-1, -1), 0.6, GREEN),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
)
