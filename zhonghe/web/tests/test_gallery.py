"""The public gallery (典型案例): certified events only, filters, figures, featured first, paginated; the bureau
features and unfeatures."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from zhonghe.certificates import gallery
from zhonghe.certificates.models import FeaturedCase
from zhonghe.certificates.services import case_feature, certificate_issue
from zhonghe.evaluations.tests.builders import accepted_evaluation
from zhonghe.footprints.services import inventory_freeze
from zhonghe.footprints.tests.builders import (
    TZ,
    accounted_event,
    add_electricity,
    buy,
    planned_event,
    project_with_credits,
    refused,
)
from zhonghe.lib.errors import Conflict, PermissionDenied
from zhonghe.registry.services import credits_retire
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db


def _certify(actors, project, event, inventory):
    buy(actors, project, inventory.required_offset_t)
    credits_retire(actor=actors.organiser, event_code=event.code, project_code=project.code,
                   quantity_t=inventory.required_offset_t, reason="抵消")  # fmt: skip
    accepted_evaluation(actors, event)
    return certificate_issue(actor=actors.organiser, event_code=event.code)


@pytest.fixture
def cases(actors):
    """A 2027 forum in 渝中区 (13 t), a 2028 exhibition in 江北区 (6 t), and an uncertified 2027 event."""
    project = project_with_credits(actors, 100)  # CQCER, tagged 乡村振兴帮扶村 and 武陵山区
    forum, v1 = accounted_event(actors.organiser, name="绿色发展论坛")
    first = _certify(actors, project, forum, v1)
    expo = planned_event(actors.organiser, name="智博会", kind="exhibition", area_m2="12000",
                         venue_district="500105", start_date=date(2028, 5, 10), end_date=date(2028, 5, 11))  # fmt: skip
    add_electricity(actors.organiser, expo.code, "after", "10000")  # 5.581 t → 6 t
    with time_machine.travel(datetime(2028, 5, 20, 10, tzinfo=TZ), tick=False):
        v2 = inventory_freeze(actor=actors.organiser, code=expo.code)
    second = _certify(actors, project, expo, v2)
    accounted_event(actors.organiser, name="未完成抵消的活动")
    return first, second


def _names(response) -> list[str]:
    return [c.certificate.event.name for c in response.context["cases"]]


def test_the_gallery_lists_certified_events_with_their_figures(client, cases):
    response = client.get("/cases/")
    assert response.status_code == 200
    assert sorted(_names(response)) == ["智博会", "绿色发展论坛"]  # the uncertified event is not a case
    assert response.context["count"] == 2
    assert str(response.context["total_t_co2e"]) == "18.417"  # 12.836 + 5.581
    assert response.context["total_by_type_t"] == [("重庆“碳惠通”核证自愿减排量（CQCER）", 19)]
    assert dict(response.context["total_by_origin_t"]) == {"乡村振兴帮扶村": 19, "渝东南武陵山区城镇群": 19}
    page = response.content.decode()
    assert "12.836 tCO₂e" in page and "5.581 tCO₂e" in page
    assert '<td class="text-end">19</td>' in page and "19.000" not in page  # retired credits: whole tonnes
    assert "：13 t</div>" in page and "：6 t</div>" in page  # each case's offsets by type and origin
    assert 'data-testid="feature-toggle"' not in page  # the public cannot feature


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2028", ["智博会"]),
        ("year=2027", ["绿色发展论坛"]),
        ("kind=exhibition", ["智博会"]),
        ("district=500103", ["绿色发展论坛"]),
        ("district=500105&kind=forum", []),
        ("year=abcd&kind=<script>&district=999999", ["智博会", "绿色发展论坛"]),  # unknown values are ignored
    ],
)
def test_filters(client, cases, query, expected):
    response = client.get(f"/cases/?{query}")
    assert response.status_code == 200
    assert sorted(_names(response)) == sorted(expected)
    assert response.context["count"] == len(expected)


def test_featured_cases_come_first_and_pages_hold_page_size(client, cases, actors, monkeypatch):
    first, second = cases
    assert _names(client.get("/cases/"))[0] == "智博会"  # newest first
    case_feature(actor=actors.bureau, event_code=first.event.code, featured=True)
    assert _names(client.get("/cases/"))[0] == "绿色发展论坛"
    monkeypatch.setattr(gallery, "PAGE_SIZE", 1)
    one = client.get("/cases/?page=1")
    assert _names(one) == ["绿色发展论坛"] and 'data-testid="gallery-next"' in one.content.decode()
    assert _names(client.get("/cases/?page=2")) == ["智博会"]
    assert _names(client.get("/cases/?page=99")) == ["智博会"]  # past the end: the last page
    case_feature(actor=actors.bureau, event_code=first.event.code, featured=False)
    assert not FeaturedCase.objects.exists()


def test_only_the_bureau_features_and_only_certified_events(actors, cases):
    first, _second = cases
    refused(PermissionDenied, "permission_denied", case_feature,
            actor=actors.organiser, event_code=first.event.code, featured=True)  # fmt: skip
    uncertified = actors.organiser.organization.events.get(name="未完成抵消的活动")
    refused(Conflict, "not_certified", case_feature, actor=actors.bureau, event_code=uncertified.code, featured=True)


def test_the_bureau_features_through_the_page(actors, cases):
    first, _second = cases
    client = login("bureau")
    page = client.get("/cases/").content.decode()
    assert 'data-testid="feature-toggle"' in page
    response = client.post(f"/cases/{first.event.code}/feature/", {"featured": "1"})
    assert response.status_code == 302
    assert FeaturedCase.objects.filter(event=first.event).exists()
    assert 'data-testid="featured-badge"' in client.get("/cases/").content.decode()
    assert login("organiser").post(f"/cases/{first.event.code}/feature/", {"featured": "0"}).status_code == 403
    assert FeaturedCase.objects.filter(event=first.event).exists()
