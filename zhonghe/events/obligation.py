"""Obligation check: is an event obliged to be carbon neutral? Rules are data (zhonghe/data/obligations).

Pure: takes the event's attributes and a loaded rule set; no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RULES_DIR = Path(__file__).resolve().parent.parent / "data" / "obligations"
SELF_EVALUATION = ("allowed", "voluntary_only", "no")


@dataclass(frozen=True)
class EventFacts:
    kind: str
    participants: int
    area_m2: Decimal | None
    meeting_class: int | None
    org_kind: str
    org_level: str
    chengyu_meeting: bool = False


@dataclass(frozen=True)
class ObligationResult:
    obliged: bool
    rule_id: str
    reason_zh: str
    reason_en: str
    jurisdiction: str
    deadline_months: int


@cache
def load_rules(jurisdiction: str) -> dict[str, Any]:
    path = RULES_DIR / f"{jurisdiction}.yaml"
    if not path.is_file():
        raise LookupError(f"No obligation rules for jurisdiction {jurisdiction!r}")
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    if data.get("jurisdiction") != jurisdiction or not isinstance(data.get("rules"), list):
        raise ValueError(f"Malformed obligation rules file {path.name}")
    if data.get("self_evaluation", "no") not in SELF_EVALUATION:
        raise ValueError(f"{path.name}: self_evaluation must be one of {', '.join(SELF_EVALUATION)}")
    return data


def self_evaluation_allowed(jurisdiction: str, *, obliged: bool | None) -> bool:
    """May the organiser evaluate its own event? `self_evaluation` in the rules file (absent = no):
    `allowed` always, `voluntary_only` only when the event is not obliged, `no` never."""
    rule = load_rules(jurisdiction).get("self_evaluation", "no")
    return rule == "allowed" or (rule == "voluntary_only" and obliged is False)


def rule_texts(jurisdiction: str, rule_id: str) -> tuple[str, str] | None:
    """The Chinese and English names of one rule (what a page shows instead of its id); None when unknown."""
    try:
        rules = load_rules(jurisdiction)["rules"]
    except (LookupError, ValueError):
        return None
    return next(((r["text"], r["text_en"]) for r in rules if r["id"] == rule_id), None)


@dataclass(frozen=True)
class Thresholds:
    """The numbers the application form explains, read from a jurisdiction's rules (None: no such rule)."""

    agency_meeting_participants: int | None  # rules limited to meeting classes (党政机关会议)
    meeting_participants: int | None  # the lowest head count of any rule covering meetings
    meetings_of_listed_organisers_only: bool  # every meeting rule names its organisers (org_kinds)
    performance_participants: int | None  # rules for performances open to every organiser
    sports_participants: int | None
    exhibition_area_m2: Decimal | None


def _lowest(rules: list[dict[str, Any]], key: str, kind: str, *, everyone: bool = False, classes: bool = False):
    values = [
        Decimal(str(r[key]))
        for r in rules
        if key in r
        and kind in r["kinds"]
        and (not everyone or "org_kinds" not in r)
        and (not classes or "meeting_classes" in r)
    ]
    return min(values) if values else None


def _count(value: Decimal | None) -> int | None:
    return None if value is None else int(value)


def thresholds(jurisdiction: str) -> Thresholds:
    rules = load_rules(jurisdiction)["rules"]
    return Thresholds(
        agency_meeting_participants=_count(_lowest(rules, "participants_min", "meeting", classes=True)),
        meeting_participants=_count(_lowest(rules, "participants_min", "meeting")),
        meetings_of_listed_organisers_only=all("org_kinds" in r for r in rules if "meeting" in r["kinds"]),
        performance_participants=_count(_lowest(rules, "participants_min", "performance", everyone=True)),
        sports_participants=_count(_lowest(rules, "participants_min", "sports", everyone=True)),
        exhibition_area_m2=_lowest(rules, "area_m2_min", "exhibition"),
    )


def available_jurisdictions() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.yaml"))


def _rule_matches(rule: dict[str, Any], facts: EventFacts) -> bool:
    if facts.kind not in rule["kinds"]:
        return False
    if "org_kinds" in rule and facts.org_kind not in rule["org_kinds"]:
        return False
    if "org_levels" in rule and facts.org_level not in rule["org_levels"]:
        return False
    if "meeting_classes" in rule and facts.meeting_class not in rule["meeting_classes"]:
        return False
    if "participants_min" in rule and facts.participants < rule["participants_min"]:
        return False
    if "area_m2_min" in rule and (facts.area_m2 is None or facts.area_m2 < Decimal(str(rule["area_m2_min"]))):
        return False
    return True


def _candidates(facts: EventFacts, rules: dict[str, Any]) -> list[EventFacts]:
    """The facts as declared, then (for 成渝 meetings held in Chongqing) the agency-meeting reading.

    The 成渝 reading only ever adds an obligation: an event obliged on its own facts stays obliged.
    """
    out = [facts]
    if facts.chengyu_meeting and rules.get("chengyu_meeting_in_cq") == "as_agency_meeting":
        out.append(EventFacts(**{**facts.__dict__, "org_kind": "agency"}))
    return out


def check_obligation(facts: EventFacts, jurisdiction: str) -> ObligationResult:
    """Return the first matching rule, or a voluntary result naming why none applied."""
    rules = load_rules(jurisdiction)
    months = int(rules["deadline_after_end"]["months"])
    for effective, rule in ((f, r) for f in _candidates(facts, rules) for r in rules["rules"]):
        if _rule_matches(rule, effective):
            return ObligationResult(
                True,
                rule["id"],
                f"属于强制实施范围：{rule['text']}（{rules['title']}）",
                f"Obliged: {rule['text_en']} ({rules['title_en']})",
                jurisdiction,
                months,
            )
    return ObligationResult(
        False,
        "",
        f"未达到{rules['title']}规定的强制实施门槛，属于自愿实施",
        f"Below the thresholds of {rules['title_en']}: voluntary",
        jurisdiction,
        months,
    )
