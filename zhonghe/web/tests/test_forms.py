"""Bad input: the page comes back with the error shown (4xx) and nothing is written."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from zhonghe.events.models import ActivityRecord, Event, Plan
from zhonghe.footprints.tests.builders import assert_nothing_written, db_snapshot
from zhonghe.registry.models import Order, Retirement
from zhonghe.web.tests.conftest import login


def test_event_form_rejects_end_before_start(actors):
    client = login("organiser")
    data = {
        "name": "坏日期的会议",
        "kind": "meeting",
        "expected_participants": "100",
        "venue_district": "500103",
        "start_date": "2026-05-02",
        "end_date": "2026-05-01",
    }
    response = client.post(reverse("web:event_new"), data)
    assert response.status_code == 422
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert Event.objects.count() == 0


def test_event_form_rejects_unknown_district_and_missing_fields(actors):
    response = login("organiser").post(reverse("web:event_new"), {"name": "", "venue_district": "110000"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-testid="error-name"' in page and 'data-testid="error-venue_district"' in page
    assert Event.objects.count() == 0


def test_event_form_creates_event_with_typed_values(actors):
    data = {
        "name": "重庆国际车展",
        "kind": "exhibition",
        "expected_participants": "20000",
        "area_m2": "60000.5",
        "venue_district": "500112",
        "start_date": "2026-06-01",
        "end_date": "2026-06-07",
        "chengyu_meeting": "on",
    }
    response = login("organiser").post(reverse("web:event_new"), data)
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.start_date == date(2026, 6, 1) and str(event.area_m2) == "60000.50" and event.chengyu_meeting
    assert event.meeting_class is None


def test_plan_requires_boundary(actors, event):
    response = login("organiser").post(reverse("web:plan_save", kwargs={"code": event.code}), {"boundary": " "})
    assert response.status_code == 422
    assert 'data-testid="error-boundary"' in response.content.decode()
    assert not Plan.objects.exists()


def test_activity_rejects_factor_of_other_category(actors, event):
    url = reverse("web:activity_add", kwargs={"code": event.code, "stage": "before", "kind": "qty"})
    response = login("organiser").post(url, {"category": "fuel", "factor_key": "electricity.grid", "quantity": "5"})
    assert response.status_code == 422
    assert "排放因子与类别不符" in response.content.decode()
    assert not ActivityRecord.objects.exists()


def test_activity_rejects_negative_quantity(actors, event):
    url = reverse("web:activity_add", kwargs={"code": event.code, "stage": "before", "kind": "qty"})
    data = {"category": "electricity", "factor_key": "electricity.grid", "quantity": "-1"}
    response = login("organiser").post(url, data)
    assert response.status_code == 422
    assert 'data-testid="error-quantity"' in response.content.decode()
    assert not ActivityRecord.objects.exists()


def test_activity_unknown_place_is_shown_from_the_service(actors, event):
    url = reverse("web:activity_add", kwargs={"code": event.code, "stage": "before", "kind": "travel"})
    data = {
        "travel_mode": "hsr",
        "person_trips": "10",
        "place_kind": "city",
        "origin": "不存在市",
        "destination": "成都市",
    }
    response = login("organiser").post(url, data)
    assert response.status_code == 422
    assert "不存在市" in response.content.decode()
    assert not ActivityRecord.objects.exists()


def test_activity_in_a_closed_stage_is_a_conflict(actors, event):
    url = reverse("web:activity_add", kwargs={"code": event.code, "stage": "after", "kind": "qty"})
    data = {"category": "electricity", "factor_key": "electricity.grid", "quantity": "5"}
    response = login("organiser").post(url, data)
    assert response.status_code == 409
    assert "当前状态下不能录入该阶段的活动数据" in response.content.decode()
    assert not ActivityRecord.objects.exists()


def test_workflow_refusal_rerenders_page_with_message(actors, event):
    url = reverse("web:event_action", kwargs={"code": event.code, "action": "publish_plan"})
    response = login("organiser").post(url)
    assert response.status_code == 409
    assert 'data-testid="page-error"' in response.content.decode()
    event.refresh_from_db()
    assert event.status == "draft"


def test_freeze_before_event_end_is_refused(actors):
    from zhonghe.web.tests.conftest import make_event

    event = make_event(actors.organiser, days_ago=-30)
    response = login("organiser").post(
        reverse("web:event_action", kwargs={"code": event.code, "action": "freeze_inventory"})
    )
    assert response.status_code == 409
    assert not event.inventories.exists()


def test_order_quantity_must_be_positive(actors, projects, event):
    response = login("organiser").post(reverse("web:market"), {"project_code": "CQCER-2025-0001", "quantity_t": "0"})
    assert response.status_code == 422
    assert 'data-testid="error-quantity_t"' in response.content.decode()
    assert not Order.objects.exists()


def test_retire_before_accounting_is_refused(actors, projects, event):
    response = login("organiser").post(
        reverse("web:event_retire", kwargs={"code": event.code}),
        {"project_code": "CQCER-2025-0001", "quantity_t": "1", "reason": "抵消", "confirm": "on"},
    )
    # the organiser holds nothing, so the project is not even a valid choice
    assert response.status_code == 422
    assert not Retirement.objects.exists()


def test_seller_confirm_with_too_few_credits_is_a_conflict(actors, projects):
    from zhonghe.registry.services import order_create

    order = order_create(actor=actors.organiser, project_code="CCER-2024-0002", quantity_t=999)
    response = login("seller").post(
        reverse("web:order_decide", kwargs={"order_code": order.code, "decision": "confirm"}), {"confirm": "on"}
    )
    assert response.status_code == 409
    assert "可用减排量不足" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "pending"


def test_seller_rejects_order(actors, projects):
    from zhonghe.registry.services import order_create

    order = order_create(actor=actors.organiser, project_code="CCER-2024-0002", quantity_t=5)
    response = login("seller").post(
        reverse("web:order_decide", kwargs={"order_code": order.code, "decision": "reject"}), {"note": "库存调整"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "rejected" and order.note == "库存调整"


def test_other_seller_cannot_decide_order(actors, projects):
    from zhonghe.registry.services import order_create

    order = order_create(actor=actors.organiser, project_code="CCER-2024-0002", quantity_t=5)
    response = login("outsider").post(
        reverse("web:order_decide", kwargs={"order_code": order.code, "decision": "confirm"}), {"confirm": "on"}
    )
    assert response.status_code in (403, 404)
    order.refresh_from_db()
    assert order.status == "pending"


def test_a_draft_is_corrected_through_the_prefilled_form(actors, event):
    client = login("organiser")
    edit = reverse("web:event_edit", kwargs={"code": event.code})
    detail = client.get(reverse("web:event_detail", kwargs={"code": event.code})).content.decode()
    assert edit in detail and 'data-testid="event-edit"' in detail
    form = client.get(edit).content.decode()
    assert f'value="{event.name}"' in form and f'value="{event.expected_participants}"' in form
    data = {
        "name": "更正后的会议",
        "kind": "meeting",
        "meeting_class": "2",
        "expected_participants": "450",
        "venue_district": "500103",
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
    }
    before = db_snapshot()
    bad = client.post(edit, {**data, "expected_participants": "0"})
    assert bad.status_code == 422 and 'data-testid="error-expected_participants"' in bad.content.decode()
    assert_nothing_written(before)
    response = client.post(edit, data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.name, event.expected_participants, event.area_m2) == ("更正后的会议", 450, None)


def test_a_submitted_event_cannot_be_edited(actors, event):
    from zhonghe.events.services import event_submit

    event_submit(actor=actors.organiser, code=event.code)
    client = login("organiser")
    assert (
        'data-testid="event-edit"'
        not in client.get(reverse("web:event_detail", kwargs={"code": event.code})).content.decode()
    )
    data = {"name": "改名", "kind": "meeting", "expected_participants": "10", "venue_district": "500103",
            "start_date": event.start_date.isoformat(), "end_date": event.end_date.isoformat()}  # fmt: skip
    before = db_snapshot()
    response = client.post(reverse("web:event_edit", kwargs={"code": event.code}), data)
    assert response.status_code == 409
    assert "基本信息不能再修改" in response.content.decode()
    assert_nothing_written(before)


def test_another_organisations_draft_is_404(actors, outsider_event):
    for who in ("organiser", "bureau"):
        assert login(who).get(reverse("web:event_edit", kwargs={"code": outsider_event.code})).status_code == 404


def test_confirming_an_order_needs_the_confirmation_box(actors, projects):
    from zhonghe.registry.services import order_create

    order = order_create(actor=actors.organiser, project_code="CCER-2024-0002", quantity_t=5)
    seller = login("seller")
    before = db_snapshot()
    response = seller.post(reverse("web:order_decide", kwargs={"order_code": order.code, "decision": "confirm"}))
    assert response.status_code == 422 and "请勾选确认后再提交" in response.content.decode()
    assert_nothing_written(before)
