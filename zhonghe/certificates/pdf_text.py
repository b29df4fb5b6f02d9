"""Text of the certificate PDF's fields, drawn from the signed payload (Django-free, like pdf.py).

Every helper tolerates missing or empty values (older schemas lack the later fields) and returns markup-safe text.
Figures are shown as on every page (zhonghe/lib/numbers.py, Django-free too), thousands grouped: emissions in
tCO₂e to 3 decimals, credit quantities (retired, required, each retirement, external) in whole tonnes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any
from xml.sax.saxutils import escape

from zhonghe.certificates.signing import signature_fingerprint
from zhonghe.lib.numbers import format_number

BEIJING = timezone(timedelta(hours=8), "UTC+8")
DASH = "—"


def get(data: Mapping[str, Any] | None, *keys: str, default: str = DASH) -> str:
    """Nested lookup that tolerates missing or empty values; returns escaped markup-safe text."""
    value: Any = data
    for key in keys:
        if not isinstance(value, Mapping):
            return default
        value = value.get(key)
    if value is None or value == "":
        return default
    return escape(str(value))


def tonnes(data: Mapping[str, Any] | None, *keys: str, default: str = DASH) -> str:
    """An emission figure of the payload (tCO₂e), grouped to 0.001 t ("1,234.567"); `default` when missing."""
    raw = get(data, *keys, default="")
    return format_number(raw, "t") if raw else default


def credits(data: Mapping[str, Any] | None, *keys: str, default: str = DASH) -> str:
    """A credit quantity of the payload, in whole tonnes, grouped ("1,234"); `default` when missing."""
    raw = get(data, *keys, default="")
    return format_number(raw, "credits") if raw else default


def en(text: str) -> str:
    return f'<br/><font name="Helvetica" size="6.3" color="#8a8a8a">{text}</font>'


def dates(event: Mapping[str, Any]) -> str:
    start, end = get(event, "start_date"), get(event, "end_date")
    return start if end in (start, DASH) else f"{start} 至 {end}"


def venue(event: Mapping[str, Any]) -> str:
    parts = [get(event, key, default="") for key in ("venue_district", "venue_address")]
    return "，".join(p for p in parts if p) or DASH


def short_hash(value: str) -> str:
    return f"{value[:16]}…{value[-8:]}" if len(value) > 28 else value


def issued_at(payload: Mapping[str, Any]) -> str:
    raw = get(payload, "issued_at")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return raw
    if moment.tzinfo is None:
        return raw
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M（北京时间 UTC+8）")


EVALUATION_MODES = {"self": "自我评价", "third_party": "第三方评价"}


def evaluation(payload: Mapping[str, Any]) -> str:
    evaluation = payload.get("evaluation")
    if not isinstance(evaluation, Mapping):
        return DASH
    mode = EVALUATION_MODES.get(str(evaluation.get("mode")), get(evaluation, "mode"))
    verifier = evaluation.get("verifier")
    if isinstance(verifier, Mapping):
        return f"{mode} · {get(verifier, 'name')}（{get(verifier, 'uscc')}）"
    return f"{mode} · {get(payload, 'organiser', 'name')}"


def total(payload: Mapping[str, Any]) -> str:
    text = f"{tonnes(payload, 'inventory', 'total_t_co2e')} tCO<sub>2</sub>e"
    span = (payload.get("inventory") or {}).get("range_95")
    if isinstance(span, Mapping):
        text += f"（95 % 区间 {tonnes(span, 'low_t_co2e')} – {tonnes(span, 'high_t_co2e')}）"
    return text


def offsets(payload: Mapping[str, Any]) -> str:
    required, retired = credits(payload, "offsets", "required_t"), credits(payload, "offsets", "retired_t")
    text = f"应抵消 {required} t，已注销 {retired} t"
    external = get(payload, "offsets", "external_t", default="")
    if external not in ("", "0"):
        text += f"，外部注销 {format_number(external, 'credits')} t"
    return text


def fingerprint(signature: str) -> str:
    digest = signature_fingerprint(signature)
    return " ".join(digest[i : i + 8] for i in range(0, len(digest), 8)) if digest else DASH


def pdf_date(payload: Mapping[str, Any]) -> str | None:
    """The PDF date text of the signed issue time (creation date = issue, in Beijing time), None if unknown."""
    try:
        moment = datetime.fromisoformat(str(payload.get("issued_at", "")).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(BEIJING).strftime("D:%Y%m%d%H%M%S+08'00'")
