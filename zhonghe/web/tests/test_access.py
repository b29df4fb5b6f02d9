"""Anonymous users are sent to login; other organisations' objects are 404; wrong roles are 403."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from zhonghe.events.models import EventTransition
from zhonghe.web.tests.conftest import login

ANY = uuid.uuid4()


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("web:dashboard", {}),
        ("web:event_new", {}),
        ("web:event_detail", {"code": ANY}),
        ("web:market", {}),
        ("web:orders", {}),
        ("web:supervision:events", {}),
    ],
)
def test_anonymous_get_redirects_to_login(db, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:login')}?next={url}"


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("web:event_action", {"code": ANY, "action": "submit"}),
        ("web:plan_save", {"code": ANY}),
        ("web:activity_add", {"code": ANY, "stage": "before", "kind": "qty"}),
        ("web:event_order", {"code": ANY}),
        ("web:event_retire", {"code": ANY}),
        ("web:order_decide", {"order_code": ANY, "decision": "confirm"}),
    ],
)
def test_anonymous_post_redirects_to_login(db, name, kwargs):
    response = Client().post(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_public_pages_need_no_login(db):
    client = Client()
    assert client.get(reverse("web:home")).status_code == 200
    assert client.get(reverse("web:login")).status_code == 200


def test_other_organisations_event_is_404(actors, outsider_event):
    client = login("organiser")
    code = outsider_event.code
    assert client.get(reverse("web:event_detail", kwargs={"code": code})).status_code == 404
    response = client.post(reverse("web:event_action", kwargs={"code": code, "action": "submit"}))
    assert response.status_code == 404
    assert not EventTransition.objects.filter(event=outsider_event).exists()
    response = client.post(reverse("web:plan_save", kwargs={"code": code}), {"boundary": "x"})
    assert response.status_code == 404


def test_unknown_event_code_is_404(actors):
    assert login("organiser").get(reverse("web:event_detail", kwargs={"code": ANY})).status_code == 404


def test_reviewer_sees_any_event_read_only(actors, event):
    response = login("bureau").get(reverse("web:event_detail", kwargs={"code": event.code}))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="action-' not in page and 'data-testid="plan-form"' not in page


def test_unknown_action_is_404(actors, event):
    client = login("organiser")
    response = client.post(reverse("web:event_action", kwargs={"code": event.code, "action": "complete_offset"}))
    assert response.status_code == 404


def test_supervision_is_for_reviewers_only(actors):
    assert login("organiser").get(reverse("web:supervision:events")).status_code == 403


def test_seller_cannot_place_orders(actors, projects):
    response = login("seller").post(reverse("web:market"), {"project_code": "CQCER-2025-0001", "quantity_t": "5"})
    assert response.status_code == 403
