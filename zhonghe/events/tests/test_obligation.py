"""Obligation check (pure: no database). Every threshold of the shipped rules at its boundary."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
import yaml

from zhonghe.events import obligation
from zhonghe.events.obligation import EventFacts, available_jurisdictions, check_obligation, load_rules


def facts(
    kind="meeting",
    participants=100,
    area=None,
    meeting_class=None,
    org_kind="other",
    org_level="municipal",
    chengyu=False,
) -> EventFacts:
    return EventFacts(
        kind=kind,
        participants=participants,
        area_m2=None if area is None else Decimal(area),
        meeting_class=meeting_class,
        org_kind=org_kind,
        org_level=org_level,
        chengyu_meeting=chengyu,
    )


CQ_CASES = [
    # (id, facts, obliged, rule)
    ("exhibition 9,999 m²", facts("exhibition", 50, "9999"), False, ""),
    ("exhibition 9,999.99 m²", facts("exhibition", 50, "9999.99"), False, ""),
    ("exhibition 10,000 m²", facts("exhibition", 50, "10000"), True, "cq-exhibition-area"),
    ("exhibition without area", facts("exhibition", 50_000), False, ""),
    ("performance 9,999", facts("performance", 9_999), False, ""),
    ("performance 10,000", facts("performance", 10_000), True, "cq-performance-people"),
    ("sports 9,999", facts("sports", 9_999), False, ""),
    ("sports 10,000", facts("sports", 10_000), True, "cq-sports-people"),
    ("meeting of 10,000 by other", facts("meeting", 10_000, meeting_class=1), False, ""),
    ("municipal SOE meeting 199", facts("meeting", 199, org_kind="soe"), False, ""),
    ("municipal SOE meeting 200", facts("meeting", 200, org_kind="soe"), True, "cq-municipal-soe"),
    ("municipal SOE forum 200", facts("forum", 200, org_kind="soe"), True, "cq-municipal-soe"),
    ("municipal SOE sports 200", facts("sports", 200, org_kind="soe"), True, "cq-municipal-soe"),
    ("municipal SOE exhibition 200", facts("exhibition", 200, "10", org_kind="soe"), True, "cq-municipal-soe"),
    ("municipal SOE performance 199", facts("performance", 199, org_kind="soe"), False, ""),
    ("municipal SOE performance 200", facts("performance", 200, org_kind="soe"), True, "cq-municipal-soe"),
    ("district SOE 500", facts("meeting", 500, meeting_class=2, org_kind="soe", org_level="district"), False, ""),
    ("agency class 1 199", facts("meeting", 199, meeting_class=1, org_kind="agency"), False, ""),
    ("agency class 1 200", facts("meeting", 200, meeting_class=1, org_kind="agency"), True, "cq-agency-meeting"),
    ("agency class 2 200", facts("meeting", 200, meeting_class=2, org_kind="agency"), True, "cq-agency-meeting"),
    ("agency class 3 199", facts("forum", 199, meeting_class=3, org_kind="agency"), False, ""),
    ("agency class 3 200", facts("forum", 200, meeting_class=3, org_kind="agency"), True, "cq-agency-meeting"),
    ("institution class 2 199", facts("meeting", 199, meeting_class=2, org_kind="institution"), False, ""),
    (
        "institution class 2 200",
        facts("meeting", 200, meeting_class=2, org_kind="institution"),
        True,
        "cq-agency-meeting",
    ),
    (
        "district agency class 1 200",
        facts("meeting", 200, meeting_class=1, org_kind="agency", org_level="district"),
        True,
        "cq-agency-meeting",
    ),
    ("agency class 4 5,000", facts("meeting", 5_000, meeting_class=4, org_kind="agency"), False, ""),
    ("agency meeting without class", facts("meeting", 5_000, org_kind="agency"), False, ""),
    ("other class 2 200", facts("meeting", 200, meeting_class=2), False, ""),
    ("成渝 other class 2 200", facts("meeting", 200, meeting_class=2, chengyu=True), True, "cq-agency-meeting"),
    ("成渝 other class 2 199", facts("meeting", 199, meeting_class=2, chengyu=True), False, ""),
    ("成渝 other class 4 500", facts("meeting", 500, meeting_class=4, chengyu=True), False, ""),
    (
        "individual performance 10,000",
        facts("performance", 10_000, org_kind="individual", org_level=""),
        True,
        "cq-performance-people",
    ),
]


@pytest.mark.parametrize(("the_facts", "obliged", "rule"), [c[1:] for c in CQ_CASES], ids=[c[0] for c in CQ_CASES])
def test_chongqing_thresholds(the_facts, obliged, rule):
    result = check_obligation(the_facts, "cq-2025")
    assert (result.obliged, result.rule_id) == (obliged, rule)
    assert result.jurisdiction == "cq-2025"
    assert result.deadline_months == 1
    if obliged:
        text = next(r["text"] for r in load_rules("cq-2025")["rules"] if r["id"] == rule)
        assert text in result.reason_zh and "强制实施" in result.reason_zh
        assert result.reason_en.startswith("Obliged:")
    else:
        assert "自愿实施" in result.reason_zh
        assert "voluntary" in result.reason_en


def test_chengyu_flag_never_removes_an_obligation():
    plain = facts("meeting", 300, meeting_class=4, org_kind="soe")
    assert check_obligation(plain, "cq-2025").obliged
    flagged = facts("meeting", 300, meeting_class=4, org_kind="soe", chengyu=True)
    assert check_obligation(flagged, "cq-2025").obliged


@pytest.mark.parametrize(
    ("the_facts", "obliged", "rule"),
    [
        (facts("exhibition", 100, "4999.99"), False, ""),
        (facts("exhibition", 100, "5000"), True, "sh-exhibition-area"),
        (facts("exhibition", 9_999, "10"), False, ""),
        (facts("exhibition", 10_000, "10"), True, "sh-exhibition-visits"),
        (facts("meeting", 399), False, ""),
        (facts("meeting", 400), True, "sh-meeting"),
        (facts("performance", 4_999), False, ""),
        (facts("performance", 5_000), True, "sh-performance"),
        (facts("sports", 5_000), True, "sh-sports"),
    ],
)
def test_shanghai_thresholds(the_facts, obliged, rule):
    result = check_obligation(the_facts, "sh-2025")
    assert (result.obliged, result.rule_id, result.deadline_months) == (obliged, rule, 12)


def test_unknown_jurisdiction_refused():
    assert {"cq-2025", "sh-2025"} <= set(available_jurisdictions())
    with pytest.raises(LookupError, match="xx-1999"):
        check_obligation(facts(), "xx-1999")


@pytest.fixture
def rules_copy(tmp_path, monkeypatch):
    """A writable copy of the shipped rule files, used by load_rules instead of the originals."""
    for path in obligation.RULES_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(obligation, "RULES_DIR", tmp_path)
    load_rules.cache_clear()
    yield tmp_path
    load_rules.cache_clear()


def _edit(path, edit):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_rules.cache_clear()


def test_thresholds_come_from_the_data_file(rules_copy):
    exhibition = facts("exhibition", 50, "8000")
    soe = facts("meeting", 150, org_kind="soe")
    assert not check_obligation(exhibition, "cq-2025").obliged
    assert not check_obligation(soe, "cq-2025").obliged

    def lower(data):
        for rule in data["rules"]:
            if rule["id"] == "cq-exhibition-area":
                rule["area_m2_min"] = 8000
                rule["text"] = "8000平方米及以上会展（测试）"
            if rule["id"] == "cq-municipal-soe":
                rule["participants_min"] = 150
        data["deadline_after_end"] = {"months": 3}

    _edit(rules_copy / "cq-2025.yaml", lower)
    result = check_obligation(exhibition, "cq-2025")
    assert (result.obliged, result.rule_id, result.deadline_months) == (True, "cq-exhibition-area", 3)
    assert "8000平方米及以上会展（测试）" in result.reason_zh
    assert check_obligation(soe, "cq-2025").obliged
    assert not check_obligation(facts("exhibition", 50, "7999"), "cq-2025").obliged


def test_a_new_jurisdiction_is_just_a_new_file(rules_copy):
    data = yaml.safe_load((rules_copy / "cq-2025.yaml").read_text(encoding="utf-8"))
    data["jurisdiction"] = "zz-2030"
    data["rules"] = [
        {"id": "zz-any", "kinds": ["meeting"], "participants_min": 50, "text": "五十人以上会议", "text_en": "50+"}
    ]
    (rules_copy / "zz-2030.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert "zz-2030" in available_jurisdictions()
    assert check_obligation(facts("meeting", 50), "zz-2030").rule_id == "zz-any"
    assert not check_obligation(facts("meeting", 49), "zz-2030").obliged


def test_malformed_rules_file_refused(rules_copy):
    _edit(rules_copy / "cq-2025.yaml", lambda data: data.update(jurisdiction="sh-2025"))
    with pytest.raises(ValueError, match="Malformed"):
        check_obligation(facts(), "cq-2025")


def test_self_evaluation_follows_the_rules_file(rules_copy):
    # Shipped: Chongqing lets only voluntary events evaluate themselves.
    assert obligation.self_evaluation_allowed("cq-2025", obliged=False)
    assert not obligation.self_evaluation_allowed("cq-2025", obliged=True)
    for value, obliged_ok, voluntary_ok in (("allowed", True, True), ("no", False, False)):
        _edit(rules_copy / "cq-2025.yaml", lambda data, v=value: data.update(self_evaluation=v))
        assert obligation.self_evaluation_allowed("cq-2025", obliged=True) is obliged_ok
        assert obligation.self_evaluation_allowed("cq-2025", obliged=False) is voluntary_ok
    _edit(rules_copy / "cq-2025.yaml", lambda data: data.pop("self_evaluation"))
    assert not obligation.self_evaluation_allowed("cq-2025", obliged=False)  # absent means no
    _edit(rules_copy / "cq-2025.yaml", lambda data: data.update(self_evaluation="sometimes"))
    with pytest.raises(ValueError, match="self_evaluation"):
        obligation.self_evaluation_allowed("cq-2025", obliged=False)
