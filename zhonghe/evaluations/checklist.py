"""The evaluation checklist (碳中和评价内容), as data: each item's key, Chinese and English text and its source.

The items follow what the national guide 《大型活动碳中和实施指南（试行）》 (生态环境部, 2019) asks an event to
show before it claims neutrality (plan → reductions → accounting → offset → evaluation) and the Chongqing plan
《重庆市大型会议和活动碳中和实施方案（试行）》 (2025-03-04) for the offset rules and the one-month deadline.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    text_zh: str
    text_en: str
    source: str


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "plan_published",
        "已制定并公开碳中和计划书（核算边界、排放预估、减排措施、抵消方式）",
        "A carbon-neutral plan (boundary, ex-ante estimate, reduction measures, offsetting) was made and published",
        "《大型活动碳中和实施指南（试行）》（生态环境部，2019）实施计划；重庆实施方案附件1第1步",
    ),
    ChecklistItem(
        "reductions_done",
        "计划书中的减排措施已落实",
        "The plan's reduction measures were carried out",
        "《大型活动碳中和实施指南（试行）》第六条（先减排、后抵消）；重庆实施方案附件1第2步",
    ),
    ChecklistItem(
        "boundary_complete",
        "核算边界完整，活动数据齐全、有据可查",
        "The accounting boundary is complete and the activity data are complete and supported",
        "《大型活动碳中和实施指南（试行）》第七条（完整性、准确性）及附件排放源表",
    ),
    ChecklistItem(
        "factors_cited",
        "排放因子有明确出处（文件、发布机构、年份）",
        "Every emission factor is cited (document, issuer, year)",
        "《大型活动碳中和实施指南（试行）》第七条（规范性、公开透明）",
    ),
    ChecklistItem(
        "offsets_eligible",
        "抵消所用减排量符合要求（CQCER、重庆项目CCER等），并已按程序注销",
        "The offsets are eligible (CQCER, CCER from Chongqing projects …) and were cancelled as required",
        "重庆实施方案四（二）、四（四）",
    ),
    ChecklistItem(
        "offsets_cover",
        "用于抵消的减排量大于或等于碳排放量",
        "The offsets are greater than or equal to the emissions",
        "重庆实施方案附件1第5步（“大于或等于碳排放量”）",
    ),
    ChecklistItem(
        "on_time",
        "在活动结束后1个月内完成碳中和",
        "Neutrality was completed within one month after the event ended",
        "重庆实施方案四（三）（“最迟不晚于活动结束后1个月内”）",
    ),
)

ITEM_KEYS = frozenset(item.key for item in CHECKLIST)


def item_text(item: ChecklistItem, language: str) -> str:
    return item.text_en if language.startswith("en") else item.text_zh
