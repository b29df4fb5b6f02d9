"""A form submitted twice (double click, browser resend) writes once: each create form carries a one-time token."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from zhonghe.events.models import ActivityRecord, Event
from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.registry.models import Order, Retirement
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')


def _tokens(html: str) -> list[str]:
    return TOKEN.findall(html)


def test_every_page_render_gives_new_tokens(actors):
    client = login("organiser")
    first, second = (_tokens(client.get(reverse("web:event_new")).content.decode()) for _ in range(2))
    assert len(first) == 1 and first != second


def test_a_double_submitted_event_form_creates_one_event(actors):
    client = login("organiser")
    [token] = _tokens(client.get(reverse("web:event_new")).content.decode())
    data = {
        "idempotency_key": token,
        "name": "双击的会议",
        "kind": "meeting",
        "meeting_class": "2",
        "expected_participants": "300",
        "venue_district": "500103",
        "start_date": "2026-06-01",
        "end_date": "2026-06-02",
    }
    first, second = client.post(reverse("web:event_new"), data), client.post(reverse("web:event_new"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Event.objects.filter(name="双击的会议").count() == 1


def test_a_double_submitted_activity_counts_once(actors, event):
    client = login("organiser")
    detail = client.get(reverse("web:event_detail", kwargs={"code": event.code}) + "?tab=before").content.decode()
    tokens = _tokens(detail)
    assert len(tokens) >= 2 and len(set(tokens)) == len(tokens)  # one per form on the page
    url = reverse("web:activity_add", kwargs={"code": event.code, "stage": "before", "kind": "qty"})
    data = {
        "idempotency_key": tokens[0],
        "category": "electricity",
        "factor_key": "electricity.grid",
        "quantity": "500",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert ActivityRecord.objects.filter(event=event).count() == 1


def test_a_double_submitted_retirement_retires_once(actors):
    project = project_with_credits(actors, 100)
    buy(actors, project, 20)
    event, inventory = accounted_event(actors.organiser)
    client = login("organiser")
    detail = client.get(reverse("web:event_detail", kwargs={"code": event.code})).content.decode()
    retire_form = detail[detail.index('data-testid="retire-form"') :]
    [token] = _tokens(retire_form)[:1]
    url = reverse("web:event_retire", kwargs={"code": event.code})
    data = {
        "idempotency_key": token,
        "project_code": project.code,
        "quantity_t": "5",
        "reason": "抵消",
        "confirm": "on",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert sum(r.quantity_t for r in Retirement.objects.filter(event=event)) == 5


def test_a_double_submitted_order_is_one_order(actors):
    project = project_with_credits(actors, 100)
    client = login("organiser")
    [token] = _tokens(client.get(reverse("web:market")).content.decode())
    data = {"idempotency_key": token, "project_code": project.code, "quantity_t": "10", "event_code": ""}
    assert client.post(reverse("web:market"), data).status_code == 302
    assert client.post(reverse("web:market"), data).status_code == 302
    assert Order.objects.count() == 1
