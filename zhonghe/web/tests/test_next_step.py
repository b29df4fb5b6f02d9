"""The event page's one next step: a table over every status, and the rendered main button after freezing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from zhonghe.events.models import Status
from zhonghe.web.next_step import ACTION, DONE, LINK, WAIT, EventState, next_step
from zhonghe.web.templatetags.zhonghe_numbers import format_number

S = EventState
CASES = [
    # (state, kind, action, anchor, words in why)
    (S("draft"), ACTION, "submit", "", ""),
    (S("submitted"), LINK, "", "plan", "计划书"),
    (S("submitted", plan_saved=True), ACTION, "publish_plan", "", ""),
    (S("planned", plan_saved=True, plan_published=True), ACTION, "freeze_inventory", "", "应抵消量"),
    (S("accounted", has_inventory=False), ACTION, "freeze_inventory", "", ""),
    (
        S("accounted", has_inventory=True, required_t=20, covered_t=8),
        LINK,
        "",
        "offset",
        "还需注销 12 吨（应抵消 20 吨，已注销 8 吨）",
    ),
    (S("accounted", has_inventory=True, required_t=20, covered_t=20), LINK, "", "evaluation", "20"),
    (
        S("accounted", has_inventory=True, required_t=20, covered_t=25, evaluation_status="returned"),
        LINK,
        "",
        "evaluation",
        "整改",
    ),
    (
        S("accounted", has_inventory=True, required_t=30, covered_t=25, evaluation_status="returned"),
        LINK,
        "",
        "offset",
        "还需注销 5 吨（应抵消 30 吨，已注销 25 吨）",
    ),
    (S("offset", has_inventory=True, required_t=20, covered_t=20), LINK, "", "evaluation", "抵消已完成"),
    (S("evaluating", evaluation_status="waiting"), WAIT, "", "", "指派"),
    (S("evaluating", evaluation_status="open"), WAIT, "", "", "核查机构"),
    (S("evaluated", evaluation_status="concluded"), WAIT, "", "", "受理"),
    (S("accepted", evaluation_status="accepted"), ACTION, "issue_certificate", "", ""),
    (S("certified"), DONE, "", "certificate", "证书"),
    (S("withdrawn"), DONE, "", "", "撤回"),
]


def test_the_table_covers_every_status():
    assert {case[0].status for case in CASES} == set(Status.values)


@pytest.mark.parametrize(("state", "kind", "action", "anchor", "why"), CASES)
def test_next_step(state, kind, action, anchor, why):
    with translation.override("zh-hans"):  # the reasons are checked in Chinese whatever ran before
        step = next_step(state)
    assert (step.kind, step.action, step.anchor) == (kind, action, anchor)
    assert why in step.why and step.label


MAIN = re.compile(r'data-next-step="main"[^>]*>([^<]+)<|data-testid="next-step-main">([^<]+)<')


def main_button(html: str) -> str:
    match = MAIN.search(html)
    assert match, "no main button"
    return (match.group(1) or match.group(2)).strip()


def test_after_freezing_the_main_button_sends_to_the_offset_with_the_missing_tonnes(actors, client):
    from zhonghe.footprints.tests.builders import accounted_event

    event, inventory = accounted_event(actors.organiser)
    client.force_login(actors.users.organiser)
    html = client.get(reverse("web:event_detail", kwargs={"code": event.code})).content.decode()
    assert main_button(html) == "购买并注销减排量"
    assert f"还需注销 {format_number(inventory.required_offset_t, 'credits')} 吨" in html
    assert 'data-next-step="main"' not in html  # re-freezing stays offered, but not as the main button
    assert 'data-testid="action-freeze_inventory"' in html


def test_a_planned_event_has_freezing_as_its_main_button(actors, client):
    from zhonghe.footprints.tests.builders import planned_event

    event = planned_event(actors.organiser)
    client.force_login(actors.users.organiser)
    html = client.get(reverse("web:event_detail", kwargs={"code": event.code})).content.decode()
    assert main_button(html) == "冻结核算结果"


def test_the_bureau_sees_no_next_step_buttons(actors, client):
    from zhonghe.footprints.tests.builders import planned_event

    event = planned_event(actors.organiser)
    client.force_login(actors.users.bureau)
    response = client.get(reverse("web:event_detail", kwargs={"code": event.code}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="next-step"' not in html and "action-freeze_inventory" not in html


def test_the_dashboard_shows_each_events_stage_deadline_and_what_is_missing(actors, client):
    from zhonghe.footprints.tests.builders import accounted_event, planned_event

    planned = planned_event(actors.organiser, name="计划中的活动")
    accounted, inventory = accounted_event(actors.organiser, name="已核算的活动")
    client.force_login(actors.users.organiser)
    html = client.get(reverse("web:dashboard")).content.decode()
    rows = dict(re.findall(r'data-testid="event-link">([^<]+)</a>(.*?)</tr>', html, re.S))
    assert "冻结核算结果" in rows[planned.name] and "计划书已发布" in rows[planned.name]
    assert f"还需注销 {format_number(inventory.required_offset_t, 'credits')} 吨" in rows[accounted.name]
    assert accounted.deadline.isoformat() in rows[accounted.name] and 'data-testid="days-left"' in rows[accounted.name]


def test_the_inventory_shows_the_per_participant_figure(actors, client):
    from decimal import ROUND_HALF_UP, Decimal

    from zhonghe.footprints.tests.builders import accounted_event

    event, inventory = accounted_event(actors.organiser)
    client.force_login(actors.users.organiser)
    html = client.get(reverse("web:event_detail", kwargs={"code": event.code})).content.decode()
    per_head = (inventory.total_kg_co2e / event.expected_participants).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert f'data-testid="inventory-per-participant">{per_head}<' in html
    assert 'data-testid="chart-by-source"' in html and 'data-testid="chart-by-phase"' in html
