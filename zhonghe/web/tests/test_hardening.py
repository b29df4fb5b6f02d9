"""No 500 from the pages either: control characters and absurd dates are field errors, and a form the role
cannot use (the bureau posting to an organiser's retire or order form) answers 403, writing nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhonghe.footprints.tests.builders import accounted_event, assert_nothing_written, buy, db_snapshot
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db

EVENT_FORM = {
    "name": "重庆国际车展",
    "kind": "exhibition",
    "expected_participants": "20000",
    "venue_district": "500112",
    "start_date": "2026-06-01",
    "end_date": "2026-06-07",
}


def _post_refused(client, url: str, data: dict, status: int):
    before = db_snapshot()
    response = client.post(url, data)
    assert response.status_code == status
    assert_nothing_written(before)
    return response


@pytest.mark.parametrize(
    "field, value",
    [("name", "车展\x00"), ("name", "车展\x08"), ("name", "车\n展"), ("venue_address", "两江新区\x1b")],
    ids=["nul", "backspace", "newline", "escape"],
)
def test_event_form_refuses_control_characters(actors, field, value):
    response = _post_refused(login("organiser"), reverse("web:event_new"), EVENT_FORM | {field: value}, 422)
    assert f'data-testid="error-{field}"' in response.content.decode()


def test_a_text_area_keeps_newlines_but_not_other_controls(actors, event):
    client = login("organiser")
    url = reverse("web:plan_save", kwargs={"code": event.code})
    assert client.post(url, {"boundary": "会场用电\r\n差旅"}).status_code == 302
    response = _post_refused(client, url, {"boundary": "会场用电\x07"}, 422)
    assert 'data-testid="error-boundary"' in response.content.decode()


@pytest.mark.parametrize(
    "dates, field",
    [
        ({"start_date": "1999-12-31"}, "start_date"),
        ({"start_date": "9999-12-01", "end_date": "9999-12-31"}, "end_date"),
    ],
    ids=["before 2000", "year 9999"],
)
def test_event_form_refuses_dates_outside_the_window(actors, dates, field):
    response = _post_refused(login("organiser"), reverse("web:event_new"), EVENT_FORM | dates, 422)
    assert f'data-testid="error-{field}"' in response.content.decode()


@pytest.mark.parametrize("form", ["event_retire", "event_order"])
@pytest.mark.parametrize("who", ["bureau", "verifier", "seller"])
def test_a_form_the_role_cannot_use_is_403_not_500(actors, projects, form, who):
    cqcer = projects["cqcer"]
    event, _inventory = accounted_event(actors.organiser)
    buy(actors, cqcer, 20)
    data = {"project_code": cqcer.code, "quantity_t": "10", "reason": "抵消", "idempotency_key": "k1"}
    url = reverse(f"web:{form}", kwargs={"code": event.code})
    status = 403 if who == "bureau" else 404  # the bureau sees every event; others do not see it at all
    _post_refused(login(who), url, data, status)


def test_admin_forms_refuse_control_characters(client, actors):
    user = actors.users.platform
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    client.login(username=user.username, password="pass-1234")
    data = {
        "code": "CQCER-2025-0101",
        "name": "黔江区森林经营碳汇项目\x00",
        "credit_type": "CQCER",
        "product_category": "eco_sink",
        "methodology_code": "CQCM-009-V001",
        "vintage": "2025",
        "seller": str(actors.orgs.seller.pk),
        "district_code": "500114",
        "description": "第一行\n第二行\x01",
    }
    response = _post_refused(client, "/admin/registry/creditproject/add/", data, 422)
    form = response.context["form"]
    assert set(form.errors) >= {"name", "description"}
    org = {"name": "新单位\x1b", "kind": "soe", "level": "municipal", "uscc": "", "district_code": "500103"}
    response = client.post("/admin/accounts/organization/add/", org)
    assert response.status_code in (200, 422) and "name" in response.context["form"].errors


@pytest.mark.parametrize("who", ["bureau", "verifier", "seller", "outsider"])
def test_no_event_form_of_another_organisation_raises(actors, projects, who):
    """Every POST form of an organiser's event, sent by each other role: 403/404 (or the page's refusal), never 500."""
    event, _inventory = accounted_event(actors.organiser)
    code = event.code
    data = {
        "name": "x",
        "boundary": "x",
        "reason": "x",
        "project_code": projects["cqcer"].code,
        "quantity_t": "1",
        "factor_key": "electricity.grid",
        "category": "electricity",
        "quantity": "1",
        "travel_mode": "rail",
        "person_trips": "1",
        "distance_km": "1",
    }
    urls = [
        reverse("web:event_edit", kwargs={"code": code}),
        reverse("web:plan_save", kwargs={"code": code}),
        reverse("web:plan_estimate", kwargs={"code": code}),
        reverse("web:certificate_revoke", kwargs={"code": code}),
        reverse("web:event_order", kwargs={"code": code}),
        reverse("web:event_retire", kwargs={"code": code}),
        *(reverse("web:event_action", kwargs={"code": code, "action": a}) for a in ("submit", "withdraw", "x")),
        *(
            reverse("web:activity_add", kwargs={"code": code, "stage": "after", "kind": k})
            for k in ("qty", "travel", "x")
        ),
    ]
    client = login(who)
    before = db_snapshot()
    for url in urls:
        response = client.post(url, data)  # the test client re-raises any exception a view lets through
        assert response.status_code in (400, 403, 404, 409, 422), (url, response.status_code)
    assert_nothing_written(before)
