"""The application form's obligation help texts come from the jurisdiction's rule data, numbers grouped."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse
from django.utils import translation

from zhonghe.events import obligation
from zhonghe.web.forms import EventForm, NewEventForm
from zhonghe.web.tests.conftest import login

FIELDS = ("meeting_class", "expected_participants", "area_m2")


def _help(form) -> dict[str, str]:
    return {name: str(form.fields[name].help_text) for name in FIELDS}


@pytest.fixture
def changed_rules(monkeypatch):
    """Chongqing's rules with every threshold moved: 300 at agency meetings, 250 for SOEs, 15,000 / 12,000 people
    at performances / sports events, 20,000 m² of exhibition."""
    real = obligation.load_rules
    rules = copy.deepcopy(real("cq-2025"))
    new = {
        "cq-agency-meeting": ("participants_min", 300),
        "cq-municipal-soe": ("participants_min", 250),
        "cq-performance-people": ("participants_min", 15000),
        "cq-sports-people": ("participants_min", 12000),
        "cq-exhibition-area": ("area_m2_min", 20000),
    }
    for rule in rules["rules"]:
        key, value = new[rule["id"]]
        rule[key] = value
    monkeypatch.setattr(obligation, "load_rules", lambda j: rules if j == "cq-2025" else real(j))
    return rules


def test_the_default_texts_show_chongqings_thresholds_grouped():
    with translation.override("zh-hans"):
        texts = _help(EventForm())
    assert "参会 200 人及以上须开展碳中和" in texts["meeting_class"]
    assert texts["expected_participants"] == (
        "决定义务：会议 200 人及以上（党政机关、事业单位、市属国企），演出、体育赛事 10,000 人及以上"
    )
    assert texts["area_m2"] == "决定义务：会展面积 10,000 平方米及以上须开展碳中和"
    with translation.override("en"):
        english = _help(NewEventForm())
    assert "with 200 participants or more" in english["meeting_class"]
    assert "meetings of 200 or more" in english["expected_participants"]
    assert "sports events of 10,000 or more" in english["expected_participants"]
    assert "exhibitions of 10,000 m² or more" in english["area_m2"]


def test_changed_rule_data_changes_the_texts(changed_rules):
    with translation.override("zh-hans"):
        texts = _help(EventForm())
    assert "参会 300 人及以上须开展碳中和" in texts["meeting_class"]  # the agency-meeting rule
    assert texts["expected_participants"] == (
        "决定义务：会议 250 人及以上（党政机关、事业单位、市属国企），演出 15,000 人及以上，体育赛事 12,000 人及以上"
    )
    assert texts["area_m2"] == "决定义务：会展面积 20,000 平方米及以上须开展碳中和"
    assert not any("10,000" in t or "200 人" in t for t in texts.values())
    with translation.override("en"):
        english = _help(EventForm())
    assert "performances of 15,000 or more, sports events of 12,000 or more" in english["expected_participants"]
    assert "exhibitions of 20,000 m² or more" in english["area_m2"]


def test_the_application_page_shows_the_rule_data(actors, changed_rules):
    page = login("organiser").get(reverse("web:event_new")).content.decode()
    assert "会展面积 20,000 平方米及以上" in page and "参会 300 人及以上" in page


def test_another_jurisdiction_gets_its_own_thresholds_and_no_text_for_a_missing_rule():
    with translation.override("zh-hans"):
        texts = _help(EventForm(jurisdiction="sh-2025"))
    assert texts["meeting_class"] == ""  # Shanghai has no meeting-class rule
    assert texts["expected_participants"] == "决定义务：会议 400 人及以上，演出、体育赛事 5,000 人及以上"
    t = obligation.thresholds("sh-2025")
    assert texts["area_m2"] == f"决定义务：会展面积 {t.exhibition_area_m2:,} 平方米及以上须开展碳中和"
