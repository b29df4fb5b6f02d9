"""The accounting report's tables as translated text rows, shared by the PDF and the Excel renderers.

Numbers stay Decimal here (the renderers format them as every page does: kg to 0.1, tonnes to 0.001,
thousands grouped, through format_number; the workbook keeps the exact Decimal in each cell); labels are in
the active language; factor citations are Chinese on the Chinese report and English on the English one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhonghe.data.districts import UnknownDistrict, district_by_code
from zhonghe.data.factor_releases import source_display
from zhonghe.data.places import UnknownPlace, airport_place
from zhonghe.data.places.aliases import airport_names
from zhonghe.events.models import ActivityCategory, DataQuality, Phase
from zhonghe.footprints.report import InventoryReport
from zhonghe.lib.numbers import format_number
from zhonghe.web.labels import factor_label, method_text, typography, unit_text


def chinese() -> bool:
    return (get_language() or "").startswith("zh")


def kg_text(kg: Decimal) -> str:
    """kg CO2e as the pages show it: 0.1 kg, half up, thousands grouped ("11,162.0")."""
    return format_number(kg, "kg")


def t_text(t: Decimal | int) -> str:
    """Tonnes as the pages show them: 0.001 t, thousands grouped ("1,234.567")."""
    return format_number(t, "t")


def credits_text(t: int) -> str:
    """Credit tonnes as the pages show them: whole tonnes, thousands grouped ("1,235")."""
    return format_number(t, "credits")


def share_text(part: Decimal, total: Decimal) -> str:
    return f"{(Decimal(100) * part / total).quantize(Decimal('0.1'))} %" if total else "—"


def category_text(value: str) -> str:
    return str(ActivityCategory(value).label) if value in ActivityCategory.values else value


def phase_text(value: str) -> str:
    return str(Phase(value).label) if value in Phase.values else value


def quality_text(value: str) -> str:
    return str(DataQuality(value).label) if value in DataQuality.values else value


def source_text(line: dict[str, Any]) -> str:
    """The factor's citation in the report's language (English falls back to the Chinese text)."""
    source = str(line.get("factor_source", ""))
    if chinese():
        return typography(source_display(source, "zh"))
    return str(line.get("factor_source_en") or source_display(source, "en"))


@cache
def _airports_zh() -> dict[str, str]:
    """airportsdata's English airport name → its Chinese name (data/places/airports_zh.csv)."""
    names = {}
    for airports in airport_names().values():
        for airport in airports:
            try:
                names[airport_place(airport.iata).name] = airport.name_zh
            except UnknownPlace:
                continue
    return names


def description_text(line: dict[str, Any]) -> str:
    """A line's description; a flight's route (the engine's "<airport> → <airport>") in Chinese on Chinese pages."""
    text = str(line.get("description", ""))
    if not chinese() or " → " not in text:
        return text
    ends = text.split(" → ")
    names = _airports_zh()
    if len(ends) == 2 and all(end in names for end in ends):
        return f"{names[ends[0]]} → {names[ends[1]]}"
    return text


def distance_text(line: dict[str, Any]) -> str:
    if chinese():
        return str(line.get("distance_method_zh") or method_text(line.get("distance_method", "")))
    return str(line.get("distance_method", ""))


def evidence_text(line: dict[str, Any]) -> str:
    """A green-power line's certificate ids (绿证), the evidence of its zero factor; "" for other lines."""
    ids = [str(value) for value in line.get("evidence") or ()]
    if not ids:
        return ""
    return _("绿证：%(ids)s") % {"ids": ("、" if chinese() else ", ").join(ids)}


def _venue(event: Any) -> str:
    try:
        district = district_by_code(event.venue_district)
    except UnknownDistrict:
        return event.venue_address or event.venue_district
    name = district.name_zh if chinese() else district.name_en
    return f"{name} {event.venue_address}".strip()


@dataclass(frozen=True)
class ReportTables:
    title: str
    summary: list[tuple[str, str]]
    by_source: list[tuple[str, Decimal, str]]  # label, kg, share
    by_phase: list[tuple[str, Decimal, str]]
    activity_header: list[str]
    activities: list[list[Any]]  # source, phase, description, quantity, unit, factor, quality, kg
    factor_header: list[str]
    factors: list[list[str]]
    method: list[tuple[str, str]]
    total_kg_co2e: Decimal


def _summary(report: InventoryReport) -> list[tuple[str, str]]:
    inv = report.inventory
    event = inv.event
    rng = report.range_95_kg_co2e
    return [
        (_("活动名称"), event.name),
        (_("主办单位"), event.organization.name),
        (_("活动日期"), f"{event.start_date.isoformat()} – {event.end_date.isoformat()}"),
        (_("举办地点"), _venue(event)),
        (_("核算版本"), str(inv.version)),
        (_("排放总量（kgCO₂e）"), kg_text(report.total_kg_co2e)),
        (_("排放总量（tCO₂e）"), t_text(inv.total_t_co2e)),
        (_("95% 置信区间（kgCO₂e）"), f"{kg_text(rng[0])} – {kg_text(rng[1])}" if rng else _("未给出")),
        (_("应抵消（整吨，向上取整）"), f"{credits_text(inv.required_offset_t)} t"),
        (_("排放因子版本"), f"{inv.release_code} · {inv.method_version}"),
        (_("因子版本哈希"), inv.release_hash),
        (_("核算数据哈希"), inv.data_hash),
        (_("冻结时间"), timezone.localtime(inv.created_at).strftime("%Y-%m-%d %H:%M")),
    ]


def _method(report: InventoryReport) -> list[tuple[str, str]]:
    options = report.options
    province = options.get("venue_province", "50") or "—"
    grids = {
        "provincial": _("省级电网平均排放因子"),
        "national": _("全国电网平均排放因子"),
        "regional": _("区域电网排放因子"),
    }
    grid = str(grids.get(options.get("grid", "provincial"), options.get("grid", "")))
    if report.radiative_forcing is None:
        rf = _("按因子版本的缺省设置")
    else:
        rf = _("计入（单列为辐射强迫行）") if report.radiative_forcing else _("不计入")
    gwp = (
        _("IPCC %(set)s 100年全球增温潜势（GWP-100）") % {"set": report.gwp_set}
        if report.gwp_set
        else _("排放因子以二氧化碳当量发布（因子版本未单列温室气体）")
    )
    rows = [
        (_("核算方法"), report.inventory.method_version),
        (
            _("电网排放因子"),
            _("%(grid)s（举办地省级行政区代码 %(province)s）") % {"grid": grid, "province": province or "—"},
        ),
        (_("航空辐射强迫"), str(rf)),
        (_("全球增温潜势"), str(gwp)),
        (_("距离"), _("申报距离，或起讫地点之间的距离乘以绕行系数；往返 × 2")),
        (_("不确定性"), _("95% 置信区间按数据质量等级的不确定性合成") if report.range_95_kg_co2e else _("未给出")),
    ]
    if report.uncertainty_shares:
        shares = [f"{category_text(key)} {share_text(share, Decimal(1))}" for key, share in report.uncertainty_shares]
        rows.append((_("不确定性主要来源（占方差比例）"), ("、" if chinese() else ", ").join(shares)))
    seen: set[str] = set()
    for english, chinese_text in report.distance_methods:
        text = (chinese_text or method_text(english)) if chinese() else english
        if text not in seen:
            seen.add(text)
            rows.append((_("距离计算"), text))
    return rows


def report_tables(report: InventoryReport) -> ReportTables:
    total = report.total_kg_co2e
    activities = [
        [
            category_text(line["category"]),
            phase_text(line.get("phase", Phase.HOLDING)),
            " · ".join(t for t in (description_text(line), distance_text(line), evidence_text(line)) if t),
            Decimal(line["quantity"]),
            unit_text(line["unit"]),
            factor_label(line["factor_key"]),
            quality_text(line.get("quality", DataQuality.ESTIMATED)),
            Decimal(line["kg_co2e"]),
        ]
        for line in report.lines
    ]
    factors = [
        [
            factor_label(f["factor_key"]),
            f"{f['factor_value']} {unit_text(f['factor_unit'])}",
            source_text(f),
            f"{f['factor_doc_no']}，{f['factor_year']}" if chinese() else f"{f['factor_doc_no']}, {f['factor_year']}",
            f"{f['factor_boundary']} / {f['factor_reliability']}",
        ]
        for f in report.factors
    ]
    return ReportTables(
        title=_("核算报告"),
        summary=_summary(report),
        by_source=[(category_text(k), kg, share_text(kg, total)) for k, kg in report.by_source_kg],
        by_phase=[(phase_text(k), kg, share_text(kg, total)) for k, kg in report.by_phase_kg],
        activity_header=[
            _("类别"),
            _("阶段"),
            _("说明"),
            _("活动量"),
            _("单位"),
            _("排放因子"),
            _("数据质量"),
            _("排放量（kgCO₂e）"),
        ],
        activities=activities,
        factor_header=[_("排放因子"), _("因子值"), _("来源"), _("文号，年份"), _("边界 / 可靠性")],
        factors=factors,
        method=_method(report),
        total_kg_co2e=total,
    )
