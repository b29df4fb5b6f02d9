"""The two import templates' columns (Chinese and English headers) and the words their cells accept."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    ATTENDEES = "attendees"
    ACTIVITIES = "activities"


@dataclass(frozen=True)
class Column:
    key: str  # the English header, also the field name
    zh: str  # the Chinese header
    required: bool
    note_zh: str
    note_en: str
    example: str


ATTENDEE_COLUMNS = (
    Column("name", "姓名", False, "可不填；不计入汇总", "optional; never part of the aggregate", "张三"),
    Column("origin", "出发地", True, "城市、区县、机场或车站", "city, district, airport or station", "成都"),
    Column("destination", "目的地", False, "默认为活动举办地", "defaults to the venue", ""),
    Column(
        "mode",
        "交通方式",
        True,
        "飞机/高铁/火车/大巴/公交/地铁/出租车/自驾",
        "flight, hsr, rail, coach, bus, metro, taxi, car",
        "高铁",
    ),
    Column("round_trip", "往返", True, "是/否", "yes/no", "是"),
    Column("trips", "人次", False, "默认 1", "defaults to 1", "1"),
    Column(
        "distance_km",
        "单程距离（公里）",
        False,
        "可不填，按两地直线距离及修正计算",
        "optional; otherwise great-circle with the release's detour rule",
        "",
    ),
    Column(
        "cabin",
        "舱位",
        False,
        "仅飞机：经济舱/超级经济舱/商务舱/头等舱",
        "flights only: economy, premium_economy, business, first",
        "",
    ),
    Column(
        "occupancy",
        "同乘人数",
        False,
        "仅自驾、出租车、大巴：每车人数",
        "car, taxi and coach only: persons per vehicle",
        "",
    ),
)

ACTIVITY_COLUMNS = (
    Column(
        "category",
        "类别",
        True,
        "电力/热力/燃料/住宿/餐饮/物料/废弃物/水",
        "electricity, heat, fuel, lodging, meals, materials, waste, water",
        "电力",
    ),
    Column(
        "factor_key",
        "排放因子",
        True,
        "因子代码，如 electricity.grid",
        "factor key, e.g. electricity.grid",
        "electricity.grid",
    ),
    Column("quantity", "数量", True, "不小于 0 的数字", "a number ≥ 0", "12000"),
    Column("unit", "单位", True, "如 kWh、吨、立方米、间夜、份", "e.g. kWh, t, m3, room-night, meal", "kWh"),
    Column(
        "phase", "阶段", False, "筹备/举办/收尾，默认举办", "preparation, holding, closing; defaults to holding", "举办"
    ),
    Column(
        "quality",
        "数据质量",
        False,
        "计量/发票/调查/估算/默认，默认估算",
        "metered, invoiced, surveyed, estimated, default; defaults to estimated",
        "计量",
    ),
    Column("description", "说明", False, "可不填", "optional", "主会场用电"),
)

COLUMNS = {Kind.ATTENDEES: ATTENDEE_COLUMNS, Kind.ACTIVITIES: ACTIVITY_COLUMNS}

# Cell vocabularies: accepted word (normalized, see ``norm``) → canonical value.
MODES = {
    "飞机": "flight", "航班": "flight", "flight": "flight", "plane": "flight", "air": "flight",
    "高铁": "hsr", "动车": "hsr", "hsr": "hsr", "火车": "rail", "普速铁路": "rail", "rail": "rail", "train": "rail",
    "大巴": "coach", "客车": "coach", "coach": "coach", "公交": "bus", "bus": "bus",
    "地铁": "metro", "轨道交通": "metro", "metro": "metro", "出租车": "taxi", "网约车": "taxi", "taxi": "taxi",
    "自驾": "car", "私家车": "car", "car": "car",
}  # fmt: skip
CABINS = {
    "经济舱": "economy", "economy": "economy", "超级经济舱": "premium_economy", "premium_economy": "premium_economy",
    "premiumeconomy": "premium_economy", "商务舱": "business", "business": "business",
    "头等舱": "first", "first": "first",
}  # fmt: skip
PHASES = {
    "筹备": "preparation", "preparation": "preparation", "举办": "holding", "holding": "holding",
    "收尾": "closing", "closing": "closing",
}  # fmt: skip
QUALITIES = {
    "计量": "metered", "metered": "metered", "发票": "invoiced", "invoiced": "invoiced",
    "调查": "surveyed", "surveyed": "surveyed", "估算": "estimated", "estimated": "estimated",
    "默认": "default", "default": "default",
}  # fmt: skip
CATEGORIES = {
    "电力": "electricity", "electricity": "electricity", "热力": "heat", "heat": "heat",
    "燃料": "fuel", "fuel": "fuel", "交通": "travel", "travel": "travel", "住宿": "lodging", "lodging": "lodging",
    "餐饮": "meals", "meals": "meals", "物料": "materials", "物资": "materials", "materials": "materials",
    "废弃物": "waste", "waste": "waste", "水": "water", "用水": "water", "water": "water",
}  # fmt: skip
BOOLEANS = {
    "是": True, "往返": True, "y": True, "yes": True, "true": True, "1": True,
    "否": False, "单程": False, "n": False, "no": False, "false": False, "0": False,
}  # fmt: skip
# Modes whose vehicle is shared by a stated number of people (persons per vehicle).
OCCUPANCY_MODES = frozenset({"car", "taxi", "coach"})


def norm(text: str) -> str:
    """NFKC, lower case, no white space: how headers and vocabulary words are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def header_index(kind: Kind) -> dict[str, Column]:
    """Every accepted header spelling (Chinese, English; full- or half-width brackets) → its column."""
    index: dict[str, Column] = {}
    for column in COLUMNS[kind]:
        index[norm(column.zh)] = column
        index[norm(column.key)] = column
    return index


def choices(vocabulary: dict[str, object]) -> str:
    """The words of a vocabulary for an error message (Chinese ones first, as the template shows)."""
    return (
        "/".join(word for word in vocabulary if not word.isascii())
        + " | "
        + ", ".join(dict.fromkeys(str(value) for value in vocabulary.values()))
    )
