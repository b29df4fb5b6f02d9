"""The bureau's overview: every organisation's submitted events, obligation, deadline and overdue flag."""

from __future__ import annotations

from django.urls import reverse

from zhonghe.events.services import event_submit
from zhonghe.supervision.selectors import event_overview_for_reviewer
from zhonghe.web.tests.conftest import login, make_event


def _arrange(actors):
    late = make_event(actors.organiser, name="逾期未完成的论坛", days_ago=45)
    event_submit(actor=actors.organiser, code=late.code)
    recent = make_event(actors.outsider, name="另一单位的近期会议", days_ago=1, kind="meeting")
    event_submit(actor=actors.outsider, code=recent.code)
    make_event(actors.organiser, name="仍是草稿的活动")
    return late, recent


def test_reviewer_sees_all_organisations_and_the_overdue_flag(actors):
    late, recent = _arrange(actors)
    response = login("bureau").get(reverse("web:supervision:events"))
    assert response.status_code == 200
    page = response.content.decode()
    assert late.name in page and recent.name in page
    assert "仍是草稿的活动" not in page
    assert page.count('data-overdue="1"') == 1
    assert "重庆市测试局" in page and "另一家单位" in page


def test_overdue_filter(actors):
    late, recent = _arrange(actors)
    page = login("bureau").get(reverse("web:supervision:events") + "?show=overdue").content.decode()
    assert late.name in page and recent.name not in page


def test_selector_counts(actors):
    _arrange(actors)
    overview = event_overview_for_reviewer(actors.bureau)
    assert overview["counts"]["all"] == 2
    assert overview["counts"]["overdue"] == 1
    assert all(e.deadline is not None for e in overview["events"])


def test_reviewer_dashboard_links_to_supervision(actors):
    page = login("bureau").get(reverse("web:dashboard")).content.decode()
    assert reverse("web:supervision:events") in page


def test_non_reviewers_are_refused(actors):
    for username in ("organiser", "seller", "verifier"):
        assert login(username).get(reverse("web:supervision:events")).status_code == 403
