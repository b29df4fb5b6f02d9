"""htmx add/delete swap the stage partial; without htmx the same POSTs redirect (PRG)."""

from __future__ import annotations

from django.urls import reverse

from zhonghe.events.models import ActivityRecord
from zhonghe.web.tests.conftest import login

HX = {"HTTP_HX_REQUEST": "true"}
ROW = {"category": "lodging", "factor_key": "lodging.hotel_room_night", "quantity": "120", "description": "酒店"}


def test_htmx_add_returns_stage_partial(actors, event):
    url = reverse("web:activity_add", kwargs={"code": event.code, "stage": "before", "kind": "qty"})
    response = login("organiser").post(url, ROW, **HX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="stage-before"')
    assert "酒店" in page and "已添加活动数据" in page
    assert "<html" not in page


def test_htmx_add_with_error_returns_partial_with_422(actors, event):
    url = reverse("web:activity_add", kwargs={"code": event.code, "stage": "before", "kind": "travel"})
    response = login("organiser").post(url, {"travel_mode": "hsr", "person_trips": "3"}, **HX)
    assert response.status_code == 422
    assert 'data-testid="error-distance_km"' in response.content.decode()
    assert not ActivityRecord.objects.exists()


def test_delete_with_and_without_htmx(actors, event):
    client = login("organiser")
    add = reverse("web:activity_add", kwargs={"code": event.code, "stage": "before", "kind": "qty"})
    assert client.post(add, ROW).status_code == 302
    assert client.post(add, ROW).status_code == 302
    first, second = ActivityRecord.objects.order_by("id")
    delete = lambda r: reverse(  # noqa: E731
        "web:activity_delete", kwargs={"code": event.code, "stage": "before", "activity_code": r.code}
    )
    response = client.post(delete(first), **HX)
    assert response.status_code == 200 and 'id="stage-before"' in response.content.decode()
    response = client.post(delete(second))
    assert response.status_code == 302 and response["Location"].endswith("?tab=before#activities")
    assert not ActivityRecord.objects.exists()


def test_other_orgs_activity_delete_is_404(actors, outsider_event):
    from zhonghe.footprints.services import activity_add

    record = activity_add(
        actor=actors.outsider,
        code=outsider_event.code,
        stage="before",
        category="water",
        factor_key="water.tap",
        quantity="3",
    )
    url = reverse(
        "web:activity_delete", kwargs={"code": outsider_event.code, "stage": "before", "activity_code": record.code}
    )
    assert login("organiser").post(url, **HX).status_code == 404
    assert ActivityRecord.objects.filter(pk=record.pk).exists()


def test_htmx_add_updates_the_tab_counter_out_of_band(actors, event):
    url = reverse("web:activity_add", kwargs={"code": event.code, "stage": "before", "kind": "qty"})
    page = login("organiser").post(url, ROW, **HX).content.decode()
    assert 'id="count-before" hx-swap-oob="true">1<' in page
